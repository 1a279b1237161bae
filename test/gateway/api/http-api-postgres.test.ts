/**
 * Issue 19: API sends take the app's durable path on PostgreSQL with the BullMQ queue. Two real
 * `switchboard serve` processes share one PostgreSQL and one Redis; one Idempotency-Key sent to
 * both at once sends one message (counted at a loopback provider), whichever process takes it,
 * and either process reads its timeline: queued, sending, sent. Uses dist/ (run `npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../../src/fixtures/recording-server.js';
import { apiClient, createKey } from '../../helpers/api.js';
import { serveProcess, writeGatewayFiles, type ServedGateway } from '../../helpers/gateway.js';
import { createDatabase, hasPostgres, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { hasRedis, useRedis } from '../../helpers/redis.js';

const ALICE = { login: 'alice', password: 'pw-alice-1', numbers: ['+15550100001'] };
const PEER = '+15551231234';

let postgres: TestPostgres | undefined;
let provider: RecordingServer;
const served: ServedGateway[] = [];
const redis = useRedis();

beforeAll(async () => {
  if (!hasPostgres || !hasRedis) return;
  postgres = await startPostgres();
  provider = await startRecordingServer(() => ({ status: 200, body: '' }));
}, 60_000);

afterAll(async () => {
  for (const gateway of served) gateway.child.kill('SIGTERM');
  await provider?.close();
  await postgres?.stop();
});

describe.skipIf(!hasPostgres || !hasRedis)('the API on PostgreSQL with the send queue, two processes', () => {
  it('sends once for one Idempotency-Key sent to both processes at once, and both read its timeline', async () => {
    const { url: redisUrl } = await redis();
    const { file } = await writeGatewayFiles(provider.origin, [ALICE], {
      database: { postgres: await createDatabase(postgres, 'api') },
      queue: { redis: redisUrl, concurrency: 4 },
      push: { enabled: false },
    });
    const key = createKey(file, 'shop', ALICE.numbers);
    served.push(await serveProcess(file), await serveProcess(file));
    try {
      await sendOnceAndRead(key);
    } finally {
      // Stopped before the test's Redis is (useRedis stops it after each test).
      for (const gateway of served.splice(0)) gateway.child.kill('SIGTERM');
    }
  }, 60_000);
});

async function sendOnceAndRead(key: string): Promise<void> {
  const clients = served.map((g) => apiClient(g.url, key));
  const body = { from: '+15550100001', to: [PEER], text: 'one only' };
  const headers = { 'idempotency-key': 'checkout-7' };

  const answers = await Promise.all(
    [0, 1, 0, 1].map((i) => (clients[i] ?? clients[0])!.POST('/v1/messages', { body, headers })),
  );
  expect(answers.map((a) => a.response.status)).toEqual([202, 202, 202, 202]);
  const ids = new Set(answers.map((a) => a.data?.messages[0]?.id));
  expect(ids.size).toBe(1);
  const [id] = [...ids];
  expect(provider.requests.filter((r) => r.body.includes('one only'))).toHaveLength(1);

  for (const client of clients) {
    const { data } = await client.GET('/v1/messages/{id}', { params: { path: { id: id ?? '' } } });
    expect(data?.status).toBe('sent');
    expect(data?.timeline?.map((t) => t.status)).toEqual(['queued', 'sending', 'sent']);
  }
  const page = await clients[1]!.GET('/v1/messages', { params: { query: { direction: 'out' } } });
  expect(page.data?.messages.map((m) => m.id)).toEqual([id]);
}
