/**
 * Issue 16 item 6: a push was lost when character 100 of the preview fell inside an emoji (half a
 * surrogate pair cannot be rendered), a stop waited out every push retry, and pushes were unbounded.
 */
import { mkdtemp } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';
import { resolveDefaults } from '../../packages/gateway/src/config/gateway-config.js';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { createPusher } from '../../packages/gateway/src/push/pusher.js';
import { startGateway } from '../../packages/gateway/src/server.js';
import { openSqliteStore } from '../../packages/gateway/src/store/sqlite-store.js';
import type { Store } from '../../packages/gateway/src/store/store.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const OK = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":200}' };
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function storeWith(text: string, devices: number): Promise<{ store: Store; seq: number }> {
  const store = openSqliteStore(join(await mkdtemp(join(tmpdir(), 'sb-push16-')), 'gateway.db'));
  cleanups.push(() => store.close());
  const { message } = await store.insertInbound({
    login: 'alice',
    uid: 'u1',
    ownNumber: '+15550100001',
    peer: '+15551231234',
    text,
    contentType: 'text/plain',
    providerAccount: 'acct',
    providerMessageId: 'SM1',
    receivedAt: undefined,
    dedupeKey: 'k1',
  });
  for (let i = 0; i < devices; i++)
    await store.saveDevice('alice', {
      installid: `install-${i}`,
      selector: `SEL${i}`,
      pushToken: `tok${i}`,
      pushAppId: 'app',
      tokenCall: '',
      appIdCall: '',
      tokenOther: '',
      appIdOther: '',
    });
  if (message === undefined) throw new Error('the dedupe key was seen before');
  return { store, seq: message.seq };
}

async function server(answer: Parameters<typeof startRecordingServer>[0]): Promise<RecordingServer> {
  const started = await startRecordingServer(answer);
  cleanups.push(() => started.close());
  return started;
}

describe('the preview a push carries', () => {
  it('is cut on code points, so an emoji across character 100 still pushes (whole or left out)', async () => {
    const text = `${'a'.repeat(99)}😀 and more`;
    const { store, seq } = await storeWith(text, 2);
    const push = await server(() => OK);
    const pusher = createPusher(resolveDefaults({ url: `${push.origin}/pnm2/send` }).push, store, quiet);
    await pusher.notify('alice', seq);
    expect(push.requests).toHaveLength(2);
    for (const request of push.requests)
      expect((JSON.parse(request.body) as { Message: string }).Message).toBe(`${'a'.repeat(99)}😀`);
  });
});

describe('pushes in flight', () => {
  it('are capped at the concurrency, and every device still gets its push', async () => {
    const { store, seq } = await storeWith('hello', 5);
    let open = 0;
    let most = 0;
    const held: ServerResponse[] = [];
    const push = await server(() => (_request, res) => {
      open++;
      most = Math.max(most, open);
      held.push(res);
    });
    const pusher = createPusher(resolveDefaults({ url: `${push.origin}/pnm2/send` }).push, store, quiet, {
      concurrency: 2,
    });
    const done = pusher.notify('alice', seq);
    // Answer one held request at a time, each once the next has had its chance to arrive.
    for (let answered = 0; answered < 5; answered++) {
      await vi.waitFor(() => expect(held.length).toBeGreaterThan(answered), { timeout: 5000 });
      open--;
      held[answered]?.writeHead(200, { 'content-type': 'application/json' }).end('{"status":200}');
    }
    await done;
    expect(push.requests).toHaveLength(5);
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe('stopping the gateway', () => {
  it('gives up a push retry waiting a minute, and abandons a push the service never answers', async () => {
    let calls = 0;
    const push = await server(() => {
      calls++;
      // The first device's push fails and waits to be retried; the second one hangs.
      return calls === 1 ? { status: 503, body: '' } : () => undefined;
    });
    const { file } = await writeGatewayFiles(
      'http://127.0.0.1:9',
      [{ login: 'alice', password: 'pw-alice-0123', numbers: ['+15550100001'] }],
      { push: { url: `${push.origin}/pnm2/send` } },
    );
    const gateway = await startGateway(
      await loadGateway(file),
      { port: 0 },
      {
        push: { backoffMs: 60_000, timeoutMs: 120_000, closeGraceMs: 200 },
      },
    );
    for (const i of [1, 2])
      await gateway.store.saveDevice('alice', {
        installid: `install-${i}`,
        selector: `SEL${i}`,
        pushToken: `tok${i}`,
        pushAppId: 'app',
        tokenCall: '',
        appIdCall: '',
        tokenOther: '',
        appIdOther: '',
      });
    await gateway.ingest('provider-account.json', [
      {
        type: 'inbound',
        from: '+15551231234',
        to: '+15550100001',
        text: 'hi',
        providerMessageId: 'SM-1',
        media: [],
        dedupeKey: 'SM-1',
      },
    ]);
    await vi.waitFor(() => expect(push.requests).toHaveLength(2), { timeout: 5000 });
    // Without the bound this waits a minute for the retry and two for the hanging push.
    await gateway.close();
    expect(push.requests).toHaveLength(2);
  }, 20_000);
});
