/**
 * Issue 16, item 15: the gateway logged "message sent through the provider" for a number it
 * refused itself, and its 502 text named the provider's host to the app. The log says what
 * happened (and keeps the host for the admin); the app hears what happened in general terms.
 */
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

const ALICE = { login: 'alice', password: 'alice-password-1', numbers: ['+15550100001'] };
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A gateway whose user sends through the demo provider at `origin`; returns its log lines. */
async function start(origin: string): Promise<string[]> {
  const { dir, file } = await writeGatewayFiles(origin, [ALICE]);
  await writeFile(
    join(dir, 'provider-account.json'),
    JSON.stringify({ provider: 'demo', username: 'johndow', password: '12345678' }),
  );
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  gateway = await startGateway(
    await loadGateway(file),
    { port: 0 },
    { connector: { origin, retry: false }, logger: { level: 'info', stream } },
  );
  return logs;
}

async function send(to: string): Promise<{ status: number; body: { message?: string } }> {
  const response = await fetch(`${gateway?.url}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ALICE.login, password: ALICE.password, to, body: 'hi' }),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

describe('the gateway’s words for a send that did not go out', () => {
  it('logs a number it refused itself as refused before sending, not as sent', async () => {
    const logs = await start(`http://127.0.0.1:${await closedPort()}`);
    const answer = await send('not a number');
    expect(answer.status).toBe(422);
    const line = logs.find((l) => l.includes('"code":"NUMBER_INVALID"'));
    expect(line).toContain('message refused before sending; nothing reached the provider');
    expect(logs.join('')).not.toContain('message sent through the provider');
  });

  it('tells the app the provider could not be reached without naming its host, which the log keeps', async () => {
    const port = await closedPort();
    const logs = await start(`http://127.0.0.1:${port}`);
    const answer = await send('+15551230002');
    expect(answer.status).toBe(502);
    expect(answer.body.message).toBe('the provider could not be reached; the message was not sent, try again later');
    const line = logs.find((l) => l.includes('"code":"NETWORK_REFUSED"'));
    expect(line).toContain('message not sent; the provider could not be reached');
    expect(line).toContain(`127.0.0.1:${port}`);
  });
});
