/**
 * Load-time checks of a provider's `webhooks` section, beyond the schema: every template names
 * declared account parameters, every signed piece and field source is complete, every canonicaliser
 * exists, and every event description has the fields its kind needs. Problems come back located.
 */
import type { ConfigIssue } from '../errors.js';
import type {
  FieldSource,
  ProviderFile,
  SignedPart,
  WebhookEndpoint,
  WebhookEventSpec,
  WebhookVerify,
} from '../generated/provider.js';
import { compileTemplate } from '../template/compile.js';
import { CANONICALISERS } from './canonical/index.js';

type Report = (pointer: string, message: string) => void;

/** Hashes a rawBodyHash piece may name. */
const BODY_HASHES = ['sha1', 'sha256', 'sha512'];

const LOCATORS = ['form', 'query', 'param', 'json', 'item', 'within', 'header', 'literal', 'digest'] as const;
const NEEDS: Record<WebhookEventSpec['kind'], readonly (keyof WebhookEventSpec)[]> = {
  inbound: ['from', 'to', 'providerMessageId'],
  status: ['providerMessageId', 'status'],
};

/** Every problem of `file.webhooks`, located in `source`. */
export function webhookIssues(file: ProviderFile, source: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (pointer, message) =>
    issues.push({ file: source, pointer: `/webhooks/endpoints${pointer}`, message, code: 'SCHEMA' });
  const accountKeys = Object.keys(file.parameters);
  const secrets = new Set(accountKeys.filter((k) => file.parameters[k]?.secret));
  const template = (pointer: string, text: string) => {
    for (const problem of compileTemplate(text, 'raw', { params: [], accountKeys, secrets }).problems)
      issues.push({
        file: source,
        pointer: `/webhooks/endpoints${pointer}`,
        message: problem,
        code: 'TEMPLATE_UNKNOWN_PLACEHOLDER',
      });
  };
  issues.push(...mediaAccessIssues(file, source, accountKeys, secrets));
  for (const [name, endpoint] of Object.entries(file.webhooks?.endpoints ?? {})) {
    const at = `/${name}`;
    checkVerify(endpoint.verify, `${at}/verify`, report, template);
    checkRead(endpoint, at, report);
    if (endpoint.when !== undefined) {
      const field = endpoint.when.field;
      if (field.query === undefined && field.header === undefined)
        report(
          `${at}/when/field`,
          'must read a query key or a header: an endpoint is chosen before the body is verified, so never by the body',
        );
    }
  }
  return issues;
}

/**
 * `mediaAccess`: its credential templates name declared parameters, and credentials never go to
 * "any host" (`*`), which would hand them to whatever URL a forged webhook names.
 */
function mediaAccessIssues(
  file: ProviderFile,
  source: string,
  accountKeys: readonly string[],
  secrets: ReadonlySet<string>,
): ConfigIssue[] {
  const spec = file.webhooks?.mediaAccess;
  if (spec === undefined) return [];
  const issues: ConfigIssue[] = [];
  const at = '/webhooks/mediaAccess';
  if (spec.auth.type === 'basic') {
    for (const field of ['username', 'password'] as const)
      for (const message of compileTemplate(spec.auth[field], 'raw', { params: [], accountKeys, secrets }).problems)
        issues.push({ file: source, pointer: `${at}/auth/${field}`, message, code: 'TEMPLATE_UNKNOWN_PLACEHOLDER' });
    if (spec.hosts.includes('*'))
      issues.push({
        file: source,
        pointer: `${at}/hosts`,
        message: 'cannot be "*" with basic auth: credentials go only to named hosts',
        code: 'SCHEMA',
      });
  }
  return issues;
}

function checkVerify(spec: WebhookVerify, at: string, report: Report, template: (p: string, t: string) => void): void {
  switch (spec.type) {
    case 'anyOf':
      spec.recipes.forEach((r, i) => checkVerify(r, `${at}/recipes/${i}`, report, template));
      return;
    case 'basic':
      template(`${at}/username`, spec.username);
      template(`${at}/password`, spec.password);
      return;
    case 'urlSecret':
      template(`${at}/value`, spec.value);
      return;
    case 'jwt':
      if (spec.key === undefined && spec.keysByClaim === undefined) report(at, 'needs key or keysByClaim');
      if (spec.key !== undefined) template(`${at}/key`, spec.key);
      for (const [claim, key] of Object.entries(spec.keysByClaim?.keys ?? {})) {
        template(`${at}/keysByClaim/keys`, claim);
        template(`${at}/keysByClaim/keys/${claim}`, key);
      }
      if (spec.algorithms.some((a) => a.startsWith('HS')) && spec.algorithms.some((a) => !a.startsWith('HS')))
        report(
          `${at}/algorithms`,
          'must be all HS* (a shared secret) or all public-key algorithms, never both (an HMAC keyed with a public key is a classic forgery)',
        );
      return;
    case 'hmac':
      template(`${at}/key`, spec.key);
      spec.message.forEach((p, i) => checkPart(p, `${at}/message/${i}`, report));
      return;
    case 'ed25519':
      template(`${at}/publicKey`, spec.publicKey);
      spec.message.forEach((p, i) => checkPart(p, `${at}/message/${i}`, report));
  }
}

function checkPart(part: SignedPart, at: string, report: Report): void {
  if (part.from === 'literal') {
    if (part.value === undefined) report(at, 'a literal piece needs value');
  } else if (part.from !== 'rawBody' && part.from !== 'url' && (part.name === undefined || part.name === '')) {
    report(at, `a ${part.from} piece needs name`);
  }
  if (part.from === 'rawBodyHash' && part.name !== undefined && !BODY_HASHES.includes(part.name))
    report(`${at}/name`, `is not a hash for the body; known: ${BODY_HASHES.join(', ')}`);
  if (part.from === 'canonical' && part.name !== undefined && CANONICALISERS[part.name] === undefined)
    report(`${at}/name`, `is not a canonicaliser; known: ${Object.keys(CANONICALISERS).join(', ')}`);
}

function checkRead(endpoint: WebhookEndpoint, at: string, report: Report): void {
  const read = endpoint.read;
  if (read.type !== undefined && read.events === undefined)
    report(`${at}/read`, 'has type, so needs events (by type value)');
  if (read.type === undefined && read.event === undefined) report(`${at}/read`, 'needs event (or type and events)');
  if (read.each !== undefined && read.format !== 'json') report(`${at}/read/each`, 'applies to JSON bodies only');
  if (read.jsonIn !== undefined && read.format !== 'json')
    report(`${at}/read/jsonIn`, 'names the form key that holds a JSON document, so needs format json');
  if (read.type !== undefined) checkSource(read.type, `${at}/read/type`, read.format, NO_FAN_OUT, report);
  const events = read.events ?? {};
  for (const [type, spec] of Object.entries(events)) checkEvent(spec, `${at}/read/events/${type}`, read.format, report);
  if (read.event !== undefined) checkEvent(read.event, `${at}/read/event`, read.format, report);
}

function checkEvent(spec: WebhookEventSpec, at: string, format: string, report: Report): void {
  for (const field of NEEDS[spec.kind])
    if (spec[field] === undefined) report(`${at}/${field}`, `is required for a ${spec.kind} event`);
  if (spec.kind === 'status' && spec.statuses === undefined) report(`${at}/statuses`, 'is required for a status event');
  if (spec.eachWithin !== undefined && spec.each === undefined)
    report(`${at}/eachWithin`, 'fans out inside the elements of each, so needs each');
  const fanOut = { item: spec.each !== undefined, within: spec.eachWithin !== undefined };
  for (const [field, value] of Object.entries(spec))
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      field !== 'statuses' &&
      field !== 'media'
    )
      checkSource(value as FieldSource, `${at}/${field}`, format, fanOut, report);
  if (spec.media?.count !== undefined) checkSource(spec.media.count, `${at}/media/count`, format, NO_FAN_OUT, report);
  // Indexed keys without a count are read until the first missing one, which needs {i} in the key.
  if (spec.media !== undefined && spec.media.each === undefined && !spec.media.url.includes('{i}'))
    report(`${at}/media/url`, 'needs {i} for the index of indexed form keys (MediaUrl{i}), or each for a JSON array');
}

/** Which fan-out elements a field may read: `item` needs the event's each, `within` its eachWithin. */
interface FanOut {
  readonly item: boolean;
  readonly within: boolean;
}

const NO_FAN_OUT: FanOut = { item: false, within: false };

function checkSource(source: FieldSource, at: string, format: string, fanOut: FanOut, report: Report): void {
  const given = LOCATORS.filter((k) => source[k] !== undefined);
  if (given.length !== 1) report(at, `must have exactly one of ${LOCATORS.join(', ')}`);
  if (source.json !== undefined && format !== 'json')
    report(`${at}/json`, `reads a JSON body, but the format is ${format}`);
  if (source.form !== undefined && (format === 'json' || format === 'params'))
    report(`${at}/form`, `reads form pairs, but the format is ${format}${format === 'params' ? ': use param' : ''}`);
  if (source.param !== undefined && format !== 'params')
    report(
      `${at}/param`,
      `reads a parameter wherever the request carries it, which needs format params, not ${format}`,
    );
  if (source.item !== undefined && !fanOut.item)
    report(`${at}/item`, "reads an element of the event's each, but the event has none");
  if (source.within !== undefined && !fanOut.within)
    report(`${at}/within`, "reads an element of the event's eachWithin, but the event has none");
  source.digest?.forEach((part, i) => checkSource(part, `${at}/digest/${i}`, format, fanOut, report));
  if (source.else !== undefined) checkSource(source.else, `${at}/else`, format, fanOut, report);
}
