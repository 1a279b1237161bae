/** Text shown to people: requests as curl commands, results as one line each, tables. */
import { STATUS_CODES } from 'node:http';
import type { RenderedRequest } from '../connector/render-request.js';
import type { SendResult } from '../result.js';
import { paint, type Io } from './io.js';

/**
 * Text a provider wrote, for a one-line message: its line breaks shown as `\n`, so it cannot
 * start a line of its own (a fake "✓ sent"). Other control characters are escaped on output (io.ts).
 */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,:/@%+=]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** A curl command that sends exactly `request`. */
export function toCurl(request: RenderedRequest): string {
  const lines = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (request.challengeAuth)
    lines.push(`--anyauth -u ${shellQuote(`${request.challengeAuth.username}:${request.challengeAuth.password}`)}`);
  if (request.body !== undefined) lines.push(`--data-raw ${shellQuote(request.body)}`);
  return lines.join(' \\\n  ');
}

/** The request as JSON for `--json`: method, url, headers, body. */
export function requestJson(request: RenderedRequest): object {
  const { challengeAuth, ...rest } = request;
  return challengeAuth ? { ...rest, auth: { type: 'challenge', ...challengeAuth } } : rest;
}

/** One line for a result: ✓ or ✗, recipient, what happened (and, when routed, through which account). */
export function resultLine(
  io: Io,
  result: SendResult & { via?: string | undefined; fallbacks?: readonly { via: string; error?: string | undefined }[] },
): string {
  const passed = (result.fallbacks ?? [])
    .map((f) => `; ${f.via} failed first: ${oneLine(f.error ?? 'failed')}`)
    .join('');
  const via = result.via === undefined ? '' : ` via ${result.via}${passed}`;
  if (result.ok) {
    const id = result.messageId ? `, id ${result.messageId}` : '';
    return `${paint(io, 'green', '✓')} ${result.recipient}: sent (HTTP ${result.status}${id}, ${result.durationMs} ms${via})`;
  }
  const status = result.status ? `HTTP ${result.status}` : 'no response';
  const kind = result.ambiguous
    ? 'may have been delivered; check before sending again'
    : result.retryable
      ? 'retryable'
      : 'not retryable';
  return `${paint(io, 'red', '✗')} ${result.recipient}: ${oneLine(result.error)} (${status}, ${result.code}, ${kind}${via})`;
}

/** `200 OK` */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

/** A plain text table with a header row. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Indents every line of `text`. */
export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}
