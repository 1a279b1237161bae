/**
 * The Acrobits Account XML an admin hands to the app (DESIGN §10, contract): the three web
 * services pointing at the gateway, each a JSON POST whose body the app renders with its own
 * credentials (`%account[username]%`, `%account[password]%`) and Acrobits' parameters.
 */
import { writeAccountXml } from 'switchboard/internal/acrobits/account-xml.js';
import { SwitchboardError } from 'switchboard/internal/errors.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { APP_PATHS } from './routes.js';

const CREDENTIALS = '"username":"%account[username]%","password":"%account[password]%"';

/** The body templates, one per web service (also the request formats the endpoints read). */
export const POST_DATA = {
  send: `{${CREDENTIALS},"to":"%sms_to%","body":"%sms_body%","content_type":"%content_type%","disposition_notification":"%disposition_notification%"}`,
  fetch: `{${CREDENTIALS},"last_known_sms_id":"%last_known_sms_id%","last_known_sent_sms_id":"%last_known_sent_sms_id%","device":"%installid%"}`,
  pushToken: `{${CREDENTIALS},"selector":"%selector%","installid":"%installid%","pushToken":"%pushToken%","pushappid":"%pushappid%","pushTokenIncomingCall":"%pushTokenIncomingCall%","pushappid_incoming_call":"%pushappid_incoming_call%","pushTokenOther":"%pushTokenOther%","pushappid_other":"%pushappid_other%"}`,
} as const;

/** The account keys, in the order they are written. */
export function accountValues(config: GatewayConfig, login: string, password = ''): Record<string, string> {
  const user = config.users.find((u) => u.login === login);
  if (user === undefined)
    throw new SwitchboardError(
      'USAGE',
      `no user "${login}" in ${config.source}; users: ${config.users.map((u) => u.login).join(', ')}`,
    );
  const base = config.publicUrl;
  const json = 'application/json';
  return {
    title: `Switchboard ${user.numbers[0] ?? login}`,
    username: login,
    password,
    genericSmsSendUrl: base + APP_PATHS.send,
    genericSmsPostData: POST_DATA.send,
    genericSmsContentType: json,
    genericSmsFetchUrl: base + APP_PATHS.fetch,
    genericSmsFetchPostData: POST_DATA.fetch,
    genericSmsFetchContentType: json,
    pushTokenReporterUrl: base + APP_PATHS.pushToken,
    pushTokenReporterPostData: POST_DATA.pushToken,
    pushTokenReporterContentType: json,
  };
}

/**
 * The Account XML for `login`. The password is left empty (the gateway keeps only its hash; the
 * user types it in the app) unless given.
 * @example const xml = gatewayAccountXml(config, 'alice');
 */
export function gatewayAccountXml(config: GatewayConfig, login: string, password = ''): string {
  return writeAccountXml(accountValues(config, login, password), undefined);
}
