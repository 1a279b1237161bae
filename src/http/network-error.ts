/**
 * Classifies transport failures into result codes: whether anything may have reached the provider
 * (ambiguous) and whether trying again makes sense.
 */
import type { ResultCode } from '../result.js';

/** A transport failure turned into result fields. */
export interface NetworkFailure {
  readonly code: ResultCode;
  readonly error: string;
  readonly retryable: boolean;
  readonly ambiguous: boolean;
}

/** Error codes of Node and undici, by what they mean for a sent request. */
const KNOWN: Record<string, Omit<NetworkFailure, 'error'> & { text: string }> = {
  ECONNREFUSED: { code: 'NETWORK_REFUSED', retryable: true, ambiguous: false, text: 'connection refused' },
  ENOTFOUND: { code: 'NETWORK_DNS', retryable: true, ambiguous: false, text: 'host name not found' },
  EAI_AGAIN: { code: 'NETWORK_DNS', retryable: true, ambiguous: false, text: 'host name lookup failed' },
  EHOSTUNREACH: { code: 'NETWORK_REFUSED', retryable: true, ambiguous: false, text: 'host unreachable' },
  ENETUNREACH: { code: 'NETWORK_REFUSED', retryable: true, ambiguous: false, text: 'network unreachable' },
  UND_ERR_CONNECT_TIMEOUT: { code: 'TIMEOUT_CONNECT', retryable: true, ambiguous: false, text: 'timed out connecting' },
  UND_ERR_HEADERS_TIMEOUT: {
    code: 'TIMEOUT_RESPONSE',
    retryable: true,
    ambiguous: true,
    text: 'timed out waiting for the response',
  },
  UND_ERR_BODY_TIMEOUT: {
    code: 'TIMEOUT_RESPONSE',
    retryable: true,
    ambiguous: true,
    text: 'timed out reading the response body',
  },
  ECONNRESET: { code: 'NETWORK_RESET', retryable: true, ambiguous: true, text: 'connection reset' },
  EPIPE: { code: 'NETWORK_RESET', retryable: true, ambiguous: true, text: 'connection closed while sending' },
  UND_ERR_SOCKET: {
    code: 'NETWORK_RESET',
    retryable: true,
    ambiguous: true,
    text: 'connection closed before the response was complete',
  },
  UND_ERR_CLOSED: { code: 'NETWORK_RESET', retryable: true, ambiguous: true, text: 'connection closed' },
  UND_ERR_DESTROYED: { code: 'NETWORK_RESET', retryable: true, ambiguous: true, text: 'connection destroyed' },
};

/** Turns an error thrown by the transport into a failure; `where` names the host for the message. */
export function classifyNetworkError(error: unknown, where: string): NetworkFailure {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const known = KNOWN[(e as { code?: string }).code ?? ''];
    if (known) {
      const { text, ...rest } = known;
      const hint = rest.ambiguous ? ' (the provider may have received the message)' : '';
      return { ...rest, error: `${text} by ${where}${hint}` };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'NETWORK_ERROR',
    retryable: false,
    ambiguous: true,
    error: `network error talking to ${where}: ${message}`,
  };
}

/** Where an exchange was when its overall deadline passed. */
export type DeadlineStage = 'connect' | 'headers' | 'body';

const DEADLINE: Record<DeadlineStage, Omit<NetworkFailure, 'error'> & { text: string }> = {
  connect: {
    code: 'TIMEOUT_CONNECT',
    retryable: true,
    ambiguous: false,
    text: 'before the request could be sent (connecting, or waiting for a free connection)',
  },
  headers: { code: 'TIMEOUT_RESPONSE', retryable: true, ambiguous: true, text: 'waiting for the response' },
  body: { code: 'TIMEOUT_RESPONSE', retryable: true, ambiguous: true, text: 'reading the response body' },
};

/** The failure of an exchange whose deadline of `timeout` ms passed at `stage`. */
export function deadlineFailure(stage: DeadlineStage, timeout: number, where: string): NetworkFailure {
  const { text, ...rest } = DEADLINE[stage];
  const hint = rest.ambiguous ? ' (the provider may have received the message)' : ' (not sent)';
  return { ...rest, error: `timed out after ${timeout} ms ${text} by ${where}${hint}` };
}

/**
 * A failure raised while the request was being handed to the dispatcher (a closed connector, an
 * argument undici refuses): nothing went out, so it is definite whatever the error.
 */
export function notSent(failure: NetworkFailure): NetworkFailure {
  return {
    ...failure,
    ambiguous: false,
    error: `${failure.error.replace(/ \(the provider may have received the message\)$/, '')} (not sent)`,
  };
}
