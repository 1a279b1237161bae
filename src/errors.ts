/**
 * The error family. Callers match on `code`, never on message text.
 * Loading throws these; sending returns results instead (see `SendResult`).
 */

/** Stable codes carried by every {@link SwitchboardError}. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'JOURNAL_CORRUPT'
  | 'JOURNAL_FAILED'
  | 'JOURNAL_MISMATCH'
  | 'JOURNAL_LOCKED'
  | 'MEDIA_INVALID'
  | 'MEDIA_NOT_SUPPORTED'
  | 'NUMBER_INVALID'
  | 'RENDER_FAILED'
  | 'STORE_DAMAGED'
  | 'SUPPRESSION_FAILED'
  | 'USAGE';

/** The base of every error Switchboard throws. */
export class SwitchboardError extends Error {
  override name = 'SwitchboardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One problem found in a configuration file. */
export interface ConfigIssue {
  /** The file, or a short label such as `account` for values given in code. */
  file: string;
  /** JSON Pointer (RFC 6901) to the offending value; `''` for the whole document. */
  pointer: string;
  /** What is wrong and what was expected, as a sentence fragment. */
  message: string;
  /** Line number, for syntax errors. */
  line?: number;
  /** A finer code: `SYNTAX`, `SCHEMA`, `TEMPLATE_UNKNOWN_PLACEHOLDER`, `ACCOUNT_MISSING_VALUE`, ... */
  code: string;
}

/** Formats one issue as `file#/pointer: message` (or `file:line: message`). */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}` : `${issue.file}#${issue.pointer}`;
  return `${where}: ${issue.message}`;
}

/**
 * A provider file, account or template is wrong. Holds every problem found, not just the first.
 * @example
 * try { await loadProvider('acme.json') } catch (e) {
 *   if (e instanceof ConfigError) for (const i of e.issues) console.error(formatIssue(i))
 * }
 */
export class ConfigError extends SwitchboardError {
  override name = 'ConfigError';
  constructor(
    /**
     * Every problem found, in the order the checks ran (schema first, then templates, values,
     * transports), never only the first. Each is located (`file`, `pointer`, `line` for syntax)
     * and carries a `code` to match on; {@link formatIssue} writes one as a line. The error's
     * `message` lists them all too.
     */
    readonly issues: readonly ConfigIssue[],
  ) {
    super('CONFIG_INVALID', summarize(issues));
  }
}

function summarize(issues: readonly ConfigIssue[]): string {
  const head = issues.length === 1 ? 'Configuration problem:' : `${issues.length} configuration problems:`;
  return [head, ...issues.map((i) => `  ${formatIssue(i)}`)].join('\n');
}

/** A file named by the user does not exist, or a provider id is not built in. */
export class NotFoundError extends SwitchboardError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('CONFIG_NOT_FOUND', message);
  }
}

/** A request cannot be rendered: a value cannot stand in its position, or a number is invalid. */
export class RenderFailedError extends SwitchboardError {
  override name = 'RenderFailedError';
}
