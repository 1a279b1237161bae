/**
 * Acrobits web-service keys: each service is a key prefix plus field suffixes
 * (`genericSmsSendUrl`, `genericSmsPostData`, …). Shared by reading and writing Account XML.
 */
import type { ServiceName } from '../provider/services.js';

/** Key prefixes of each web service, the canonical one first (`genericSmsSend…` is tolerated for Send Message). */
export const SERVICE_PREFIXES: Readonly<Record<ServiceName, readonly string[]>> = {
  sendMessage: ['genericSms', 'genericSmsSend'],
  fetchMessages: ['genericSmsFetch'],
  balanceCheck: ['genericBalanceCheck'],
  rateCheck: ['genericRateCheck'],
  pushTokenReporter: ['pushTokenReporter'],
};

/** Field suffixes of a web service and the provider-file field (a path under the service) each one fills. */
export const FIELDS = {
  Url: 'url',
  PostData: 'postData',
  ContentType: 'contentType',
  Method: 'method',
  CustomHeaders: 'headers',
  AuthUsername: 'auth/username',
  AuthPassword: 'auth/password',
} as const;

export type Field = keyof typeof FIELDS;

/** The key a service's field is written under: Send Message's URL is `genericSmsSendUrl`, its body `genericSmsPostData`. */
export function canonicalKey(service: ServiceName, field: Field): string {
  const prefix =
    service === 'sendMessage' && field === 'Url' ? 'genericSmsSend' : (SERVICE_PREFIXES[service][0] as string);
  return prefix + field;
}

/** Every key that may hold a service's field, the canonical one first. */
export function keysFor(service: ServiceName, field: Field): string[] {
  const canonical = canonicalKey(service, field);
  return [canonical, ...SERVICE_PREFIXES[service].map((p) => p + field).filter((k) => k !== canonical)];
}

/**
 * The Acrobits account keys whose values are secret, declared here and nowhere else: the SIP
 * password, and each web service's AuthPassword. Decided by declaration, not by the look of a
 * name: `pushTokenReporterUrl` holds "token" and is a URL.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  ...Object.values(SERVICE_PREFIXES).flatMap((prefixes) => prefixes.map((prefix) => `${prefix}AuthPassword`)),
]);

/**
 * Whether an AuthPassword value names an account key (`%account[password]%`, as `export` writes)
 * rather than being the password itself. Nothing else there is a template: a password is sent
 * character for character, `%` and all, and masked as the secret it is.
 */
export function namesAccountKey(value: string): boolean {
  return /^%account\[[^\]%]+\]%$/.test(value);
}

/** Parses CustomHeaders: `Name: value` per line; real newlines and a literal `\n` both separate lines. */
export function parseCustomHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n|\\n/)) {
    const colon = line.indexOf(':');
    if (line.trim() === '' || colon < 1) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
