/** Files for bulk-send tests: a provider and an account in a temp dir, CSVs, and journal reading. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '../../src/fixtures/recording-server.js';
import { providerWith } from './setup.js';

/** What the test provider sends: the recipient, the text and `%message_id%`, as JSON. */
export interface Sent {
  to: string;
  text: string;
  ref: string;
}

/** A temp dir holding `test.json` (a JSON provider, with `extra` fields) and `account.json` that uses it. */
export async function bulkDir(
  extra: Parameters<typeof providerWith>[1] = {},
): Promise<{ dir: string; account: string; file: (name: string, text: string) => Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bulk-'));
  const provider = providerWith(
    {
      url: 'https://sms.example.com/send',
      contentType: 'application/json',
      body: { to: '%sms_to%', text: '%sms_body%', ref: '%message_id%' },
    },
    extra,
  );
  await writeFile(join(dir, 'test.json'), JSON.stringify(provider));
  const account = join(dir, 'account.json');
  await writeFile(account, JSON.stringify({ provider: './test.json', username: 'johndow', password: 's3cr3t' }));
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  return { dir, account, file };
}

/** `n` recipients `+1555123xxxx` with a name each, as CSV text. */
export function recipientsCsv(n: number): string {
  return ['to,name', ...Array.from({ length: n }, (_, i) => `${number(i)},Person ${i}`)].join('\n') + '\n';
}

export function number(i: number): string {
  return `+1555123${String(i).padStart(4, '0')}`;
}

/** The messages a server received. */
export function sentOf(requests: readonly RecordedRequest[]): Sent[] {
  return requests.map((r) => JSON.parse(r.body) as Sent);
}

/** How often each recipient arrived. */
export function arrivals(requests: readonly RecordedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { to } of sentOf(requests)) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

/** The complete records of a JSONL journal (a cut-off last line left out). */
export async function journalRecords(
  path: string,
): Promise<{ v: number; id?: string; to?: string; event: string; campaign?: string }[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as { v: number; id?: string; to?: string; event: string; campaign?: string });
}

/** Ids with an intent and no outcome after it. */
export function pendingIds(records: Awaited<ReturnType<typeof journalRecords>>): string[] {
  const last = new Map<string, string>();
  for (const r of records) if (r.id !== undefined) last.set(r.id, r.event);
  return [...last].filter(([, event]) => event === 'intent').map(([id]) => id);
}
