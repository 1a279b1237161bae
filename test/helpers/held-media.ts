/**
 * A loopback media server whose answers the test holds: a request waits, its connection open,
 * until the test releases its path, so a test sees the gateway mid-download without any timing.
 */
import type { ServerResponse } from 'node:http';
import { startMediaServer, type MediaServer } from './media.js';

/** A media server that answers a path only once the test releases it. */
export interface HeldMediaServer extends MediaServer {
  /** How many requests for `path` are waiting for their answer now. */
  waiting(path: string): number;
  /** How many requests for `path` arrived, answered or not. */
  requested(path: string): number;
  /** Answers the requests for `path` waiting now, and every later one, with `bytes` of `contentType`. */
  release(path: string, bytes: Buffer, contentType: string): void;
}

/** Starts a held media server on `host`. */
export async function startHeldMediaServer(host: string): Promise<HeldMediaServer> {
  const held = new Map<string, Set<ServerResponse>>();
  const released = new Map<string, { bytes: Buffer; contentType: string }>();
  const answer = (response: ServerResponse, file: { bytes: Buffer; contentType: string }) => {
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
    response.end(file.bytes);
  };
  const server = await startMediaServer(host, (request, response) => {
    const path = request.url ?? '';
    const file = released.get(path);
    if (file !== undefined) {
      answer(response, file);
      return;
    }
    const waiting = held.get(path) ?? new Set<ServerResponse>();
    held.set(path, waiting);
    waiting.add(response);
    // The gateway gave up (its time bound) or died: that request waits no more.
    response.once('close', () => waiting.delete(response));
  });
  return {
    ...server,
    waiting: (path) => held.get(path)?.size ?? 0,
    requested: (path) => server.hits.filter((hit) => hit.path === path).length,
    release(path, bytes, contentType) {
      const file = { bytes, contentType };
      released.set(path, file);
      for (const response of held.get(path) ?? []) answer(response, file);
      held.delete(path);
    },
  };
}
