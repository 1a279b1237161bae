/**
 * Issue 11 item 2: `switchboard serve --demo` (dist/; run `npm run build` first) prints commands
 * for the whole loop with no account anywhere. The test runs them as a user would, from the
 * printed text: send → the demo provider's own delivery report → inbound → fetch shows both.
 * Issue 17 item 6: a picture both ways, from the printed commands too: the app's file-transfer Send
 * (the demo provider then fetches the gateway's URL and gets the decrypted picture), and an inbound
 * picture that Fetch shows as a file-transfer document whose URL gives the demo's bytes.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `serve --demo`; resolves with its standard error once the Account XML is out (`log()` reads on). */
function startDemo(dir: string): Promise<{ child: ChildProcess; text: string; log: () => string }> {
  const args = ['dist/cli/main.js', 'serve', '--demo', '--port', '0', '--dir', dir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('</account>')) resolve({ child, text: err, log: () => err });
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
  });
}

/** Splits a shell command into words: single quotes, backslash-newline continuations, spaces. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && command[i + 1] === '\n') i++;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface Curl {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Every curl command in the printed text, read as curl reads its options. */
function curlCommands(text: string): Curl[] {
  const blocks = text.split('\n\n').flatMap((block) => {
    const at = block.indexOf('  curl ');
    return at < 0 ? [] : [block.slice(at)];
  });
  return blocks.map((block) => {
    const words = shellWords(block.split(/\n(?! {4})/)[0] as string);
    const headers: Record<string, string> = {};
    let url = '';
    let body = '';
    for (let i = 1; i < words.length; i++) {
      const word = words[i] as string;
      if (word === '-s') continue;
      if (word === '-H') {
        const [name, ...value] = (words[++i] as string).split(':');
        headers[(name as string).trim()] = value.join(':').trim();
      } else if (word === '-d') body = words[++i] as string;
      else url = word;
    }
    return { url, headers, body };
  });
}

/** What curl would do: a POST of the body with the headers. */
async function run(command: Curl): Promise<{ status: number; json: unknown }> {
  const response = await fetch(command.url, { method: 'POST', headers: command.headers, body: command.body });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, json: isJson && text !== '' ? JSON.parse(text) : undefined };
}

describe('switchboard serve --demo prints the whole loop', () => {
  it('runs the printed send, inbound and fetch commands; the demo provider reports the send delivered by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-demo-loop-'));
    const { child, text } = await startDemo(dir);
    const commands = curlCommands(text);
    const [send, refused, inbound, , , fetchAll] = commands;
    expect(commands).toHaveLength(6);
    expect(send?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acrobits\/send$/);
    expect(inbound?.url).toMatch(/\/hooks\/demo-account\/inbound\?key=[\w-]{16}$/);
    expect(fetchAll?.url).toMatch(/\/acrobits\/fetch$/);
    // Readable: the text before the Account XML fits 80 columns, but for lines naming a long URL or path.
    const prose = text.slice(0, text.indexOf('<?xml')).split('\n');
    expect(prose.filter((l) => l.length > 80 && !/http:|\/tmp|switchboard-gateway/.test(l))).toEqual([]);

    expect(await run(send as Curl)).toEqual({ status: 200, json: { sms_id: '1' } });
    expect((await run(refused as Curl)).status).toBe(502);
    const posted = JSON.parse((inbound as Curl).body) as { text: string; from: string };
    expect(posted.text).toMatch(/[^\u0000-\u007f]/u); // Unicode text, as printed
    // The demo provider's webhooks answer a body, so the printed curl shows it was received (issue 16, item 15).
    expect(await run(inbound as Curl)).toEqual({ status: 200, json: { received: true } });
    expect(await run(inbound as Curl)).toEqual({ status: 200, json: { received: true } }); // a retry: stored once
    const wrongKey = { ...(inbound as Curl), url: (inbound as Curl).url.replace(/key=.*/, 'key=guess') };
    expect((await run(wrongKey)).status).toBe(403);

    const fetched = (await run(fetchAll as Curl)).json as {
      received_smss: { sms_id: string; sender: string; sms_text: string }[];
      sent_smss: { sms_id: string; recipient: string; sms_text: string }[];
    };
    expect(fetched.received_smss.map((m) => [m.sender, m.sms_text])).toEqual([[posted.from, posted.text]]);
    expect(Buffer.from(fetched.received_smss[0]?.sms_text ?? '')).toEqual(Buffer.from(posted.text));
    expect(fetched.sent_smss.map((m) => [m.sms_id, m.recipient, m.sms_text])).toEqual([
      ['1', '+15551231234', 'Hello'],
      // The refused message is stored too (failed), as the app's own send shows it.
      ...fetched.sent_smss.slice(1).map((m) => [m.sms_id, m.recipient, m.sms_text]),
    ]);

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    const store = openSqliteStore(join(dir, 'gateway.db'));
    const sent = await store.message('demo', 1);
    expect([sent?.sendState, sent?.status]).toEqual(['sent', 'delivered']);
    await store.close();
  }, 30_000);

  it('sends a picture from the app and delivers an inbound one, from the printed commands', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-demo-media-'));
    const { child, text, log } = await startDemo(dir);
    const [, , , sendPicture, inboundPicture, fetchAll] = curlCommands(text);
    const document = JSON.parse((JSON.parse((sendPicture as Curl).body) as { body: string }).body) as {
      attachments: { 'content-url': string; 'encryption-key': string }[];
    };
    expect(document.attachments[0]?.['encryption-key']).toMatch(/^[0-9A-F]{32}$/);
    const posted = JSON.parse((inboundPicture as Curl).body) as { media: { url: string }[] };
    // The demo's picture, as it serves it to the gateway; the app's copy is this PNG encrypted.
    const served = await fetch(posted.media[0]?.url ?? '');
    const png = Buffer.from(await served.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const sha256 = createHash('sha256').update(png).digest('hex');

    // Out: the gateway decrypts the app's file and the demo provider fetches the gateway's URL for it.
    expect(await run(sendPicture as Curl)).toEqual({ status: 200, json: { sms_id: '1' } });
    const gatewayOrigin = new URL((sendPicture as Curl).url).origin;
    // The line is written before the demo answers, but stderr may arrive after the HTTP answer: wait for it.
    const fetchedLine = await vi.waitFor(() => {
      const line = log()
        .split('\n')
        .find((l) => l.startsWith('demo provider fetched '));
      expect(line).toBeDefined();
      return line;
    });
    expect(fetchedLine).toMatch(
      new RegExp(
        `^demo provider fetched ${gatewayOrigin}/media/\\S+: 200 image/png, ${png.length} bytes, sha256 ${sha256}$`,
      ),
    );

    // In: the gateway downloads the demo's picture; Fetch shows it with a URL that needs no credentials.
    expect(await run(inboundPicture as Curl)).toEqual({ status: 200, json: { received: true } });
    type Page = {
      received_smss: { content_type: string; sms_text: string }[];
      sent_smss: { content_type: string; sms_text: string }[];
    };
    // The gateway answers the webhook first and downloads after: wait until Fetch shows the preview.
    const page = await vi.waitFor(
      async () => {
        const got = (await run(fetchAll as Curl)).json as Page;
        expect(got.received_smss[0]?.sms_text).toContain('"preview"');
        return got;
      },
      { timeout: 15_000, interval: 100 },
    );
    const [received] = page.received_smss;
    expect(received?.content_type).toBe('application/x-acro-filetransfer+json');
    const inDocument = JSON.parse(received?.sms_text ?? '{}') as {
      body: string;
      attachments: {
        'content-url': string;
        'content-type': string;
        preview: { 'content-type': string; content: string };
      }[];
    };
    expect(inDocument.body).toBe('A picture');
    const [attachment] = inDocument.attachments;
    expect(attachment?.['content-url'].startsWith(`${gatewayOrigin}/media/`)).toBe(true);
    const download = await fetch(attachment?.['content-url'] ?? '');
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    const preview = Buffer.from(attachment?.preview.content ?? '', 'base64');
    expect([attachment?.preview['content-type'], preview.subarray(0, 3).toString('hex')]).toEqual([
      'image/jpeg',
      'ffd8ff',
    ]);
    // The sent picture is in Fetch too, as the document the app sent, with the gateway's own URL.
    expect(page.sent_smss.map((m) => m.content_type)).toEqual(['application/x-acro-filetransfer+json']);
    const sentUrl = (JSON.parse(page.sent_smss[0]?.sms_text ?? '{}') as typeof inDocument).attachments[0]?.[
      'content-url'
    ];
    expect(Buffer.from(await (await fetch(sentUrl ?? '')).arrayBuffer()).equals(png)).toBe(true);

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  }, 30_000);
});
