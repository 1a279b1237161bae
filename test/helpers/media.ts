/** Loopback media servers and pictures for the gateway's media tests. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A request a media server received: its path and whether it carried credentials. */
export interface MediaHit {
  readonly path: string;
  readonly authorization: string | undefined;
}

/** A running media server on a loopback address. */
export interface MediaServer {
  readonly origin: string;
  readonly hits: readonly MediaHit[];
  close(): Promise<void>;
}

/** Starts a server on `host` (any 127.x address on Linux) answering with `handle`. */
export async function startMediaServer(
  host: string,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<MediaServer> {
  const hits: MediaHit[] = [];
  const server = createServer((request, response) => {
    hits.push({ path: request.url ?? '', authorization: request.headers.authorization });
    handle(request, response);
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A picture of `width`×`height` in `format`, made with sharp: a pattern, or with `noise` random
 * pixels that no encoder can shrink (a PNG of them is as large as the raw pixels).
 */
export async function picture(width: number, height: number, format: 'jpeg' | 'png', noise = false): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const { randomBytes } = await import('node:crypto');
  const pixels = noise ? randomBytes(width * height * 3) : Buffer.alloc(width * height * 3);
  if (!noise) for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + Math.floor(i / (width * 3)) * 13) % 256;
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 80 }).toBuffer() : image.png().toBuffer();
}

/**
 * Points the Twilio copy that `writeTwilioGateway(…, providerOrigin)` wrote in `dir` at loopback
 * media hosts: media URLs on `hosts`, redirects to `redirectHosts`.
 */
export async function setTwilioMediaHosts(dir: string, hosts: string[], redirectHosts: string[]): Promise<void> {
  const file = join(dir, 'providers', 'twilio.json');
  const provider = JSON.parse(await readFile(file, 'utf8')) as {
    webhooks: { mediaAccess: { hosts: string[]; redirectHosts: string[] } };
  };
  provider.webhooks.mediaAccess.hosts = hosts;
  provider.webhooks.mediaAccess.redirectHosts = redirectHosts;
  await writeFile(file, JSON.stringify(provider, null, 2));
}

/** Twilio's inbound form for a message with media at `urls` (MediaUrl0…, 0-based). */
export function twilioMediaForm(sid: string, from: string, to: string, body: string, urls: readonly string[]) {
  const form: Record<string, string> = {
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    MessageSid: sid,
    From: from,
    To: to,
    Body: body,
    NumMedia: String(urls.length),
    ApiVersion: '2010-04-01',
  };
  urls.forEach((url, i) => {
    form[`MediaUrl${i}`] = url;
    form[`MediaContentType${i}`] = 'image/jpeg';
  });
  return form;
}

/** The app's Send of an Acrobits file-transfer document (`attachments`, a caption) as `user`, to `to`: the gateway's answer. */
export function sendFileTransfer(
  gatewayUrl: string,
  user: { readonly login: string; readonly password: string },
  to: string,
  document: object,
): Promise<Response> {
  return fetch(`${gatewayUrl}/acrobits/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: user.login,
      password: user.password,
      to,
      body: JSON.stringify(document),
      content_type: 'application/x-acro-filetransfer+json',
    }),
  });
}
