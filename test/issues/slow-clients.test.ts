/**
 * Issue 16 item 7: there was no request or connection timeout, so 100 slowloris connections
 * stayed open for 75 s. Real sockets drip headers or a body byte by byte; each must be cut off.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGateway } from '../../packages/gateway/src/config/load-gateway.js';
import { startGateway, type Gateway } from '../../packages/gateway/src/server.js';
import { writeGatewayFiles } from '../helpers/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Opens a socket that sends `head`, then `drip` every 100 ms until the server closes it; resolves on close. */
function dripping(port: number, head: string, drip: string): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(head));
    const timer = setInterval(() => socket.writable && socket.write(drip), 100);
    socket.on('error', () => undefined); // a reset is a close too
    socket.on('close', () => {
      clearInterval(timer);
      resolve();
    });
    socket.resume();
  });
}

describe('a slow client', () => {
  it('dripping headers or a body is cut off, and the gateway goes on answering', async () => {
    const { file } = await writeGatewayFiles('http://127.0.0.1:9', [
      { login: 'alice', password: 'slow-password-0123', numbers: ['+15550100001'] },
    ]);
    gateway = await startGateway(
      await loadGateway(file),
      { port: 0 },
      { timeouts: { requestMs: 1500, headersMs: 1000 } },
    );
    const port = Number(new URL(gateway.url).port);
    const headers = Array.from({ length: 25 }, () =>
      dripping(port, 'POST /hooks/x/inbound HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n'),
    );
    const bodies = Array.from({ length: 25 }, () =>
      dripping(
        port,
        'POST /hooks/x/inbound HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n',
        'a',
      ),
    );
    await Promise.all([...headers, ...bodies]);
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
  }, 30_000);
});
