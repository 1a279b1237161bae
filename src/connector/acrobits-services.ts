/**
 * The Acrobits web services besides Send Message, as typed methods over one generic call:
 * Fetch Messages, Balance Checker, Rate Checker and Push Token Reporter (DESIGN §1).
 */
import type { ServiceName } from '../provider/services.js';
import type { CallResult, DataResult, SendResult } from '../result.js';
import type { FetchedMessages } from '../response/read-messages.js';
import type { Balance, Rates } from './service-data.js';

/** The ids of the last messages the caller already has, so the service sends only newer ones. */
export interface FetchCursor {
  /** Acrobits' `%last_known_sms_id%`: the id of the newest received message already fetched. */
  lastKnownSmsId?: string;
  /** Acrobits' `%last_known_sent_sms_id%`: the id of the newest sent message already fetched. */
  lastKnownSentSmsId?: string;
}

/** Push tokens to report, with Acrobits' parameter meanings. */
export interface PushTokens {
  /** Identifies the account on the device (`%selector%`). */
  selector: string;
  /** The token for messages (`%pushToken%`). */
  pushToken: string;
  /** The app id the token belongs to (`%pushappid%`). */
  pushappid: string;
  /** iOS PushKit token for incoming calls (`%pushTokenIncomingCall%`), with its app id. */
  pushTokenIncomingCall?: string;
  pushappidIncomingCall?: string;
  /** Token for other notifications (`%pushTokenOther%`), with its app id. */
  pushTokenOther?: string;
  pushappidOther?: string;
}

/** The typed service methods of a connector. */
export interface AcrobitsServices {
  /** Fetch Messages: new received and sent messages, in one normalised model. */
  fetchMessages(cursor?: FetchCursor): Promise<DataResult<FetchedMessages>>;
  /** Balance Checker. */
  checkBalance(): Promise<DataResult<Balance>>;
  /** Rate Checker for a number (and its Smart Contact URI, if any). */
  checkRate(targetNumber: string, options?: { smartUri?: string }): Promise<DataResult<Rates>>;
  /** Push Token Reporter. */
  reportPushToken(tokens: PushTokens): Promise<CallResult>;
}

type Call = (
  service: ServiceName,
  params: Readonly<Record<string, string>>,
) => Promise<SendResult & { data?: unknown }>;

/** Builds the typed methods over `call`. */
export function acrobitsServices(call: Call): AcrobitsServices {
  return {
    fetchMessages: (cursor = {}) =>
      call('fetchMessages', {
        last_known_sms_id: cursor.lastKnownSmsId ?? '',
        last_known_sent_sms_id: cursor.lastKnownSentSmsId ?? '',
      }).then(asData<FetchedMessages>),
    checkBalance: () => call('balanceCheck', {}).then(asData<Balance>),
    checkRate: (targetNumber, options = {}) =>
      call('rateCheck', { targetNumber, smartUri: options.smartUri ?? '' }).then(asData<Rates>),
    reportPushToken: (t) =>
      call('pushTokenReporter', {
        selector: t.selector,
        pushToken: t.pushToken,
        pushappid: t.pushappid,
        pushTokenIncomingCall: t.pushTokenIncomingCall ?? '',
        pushappid_incoming_call: t.pushappidIncomingCall ?? '',
        pushTokenOther: t.pushTokenOther ?? '',
        pushappid_other: t.pushappidOther ?? '',
      }).then(asData<never>),
  };
}

function asData<T>(result: SendResult & { data?: unknown }): DataResult<T> {
  const { recipient: _recipient, messageId: _messageId, ...rest } = result;
  return rest as DataResult<T>;
}
