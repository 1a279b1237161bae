/**
 * `GET /media/<id>/<signature>`: a stored file, to anyone holding its signed URL (the app, which has
 * no credentials to give; a provider fetching what the app sent). A wrong signature and an unknown
 * or not yet downloaded file get the same 404, so the answer tells nothing about which ids exist.
 * Files are sent with their length (providers refuse chunked transfer encoding), typed by their
 * bytes, and never rendered as a page by a browser. The bytes are read from the database a chunk at
 * a time as the client takes them, so serving a file never holds it whole; a `Range` of one span
 * (a video player seeking) starts at its chunk.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../app/context.js';
import { MEDIA_PATH, validSignature } from './signed-url.js';

/** Registers the media route. */
export function registerMediaRoute(app: FastifyInstance, ctx: GatewayContext): void {
  app.get(`${MEDIA_PATH}/:id/:signature`, async (request, reply) => {
    const { id, signature } = request.params as { id: string; signature: string };
    const file = validSignature(ctx.mediaKey, id, signature) ? await ctx.store.media.file(id) : undefined;
    if (file === undefined) return reply.code(404).send({ message: 'no such media' });
    const range = rangeOf(request.headers.range, file.size);
    if (range === 'unsatisfiable')
      return reply.code(416).header('content-range', `bytes */${file.size}`).send({ message: 'no such range' });
    void reply
      .header('content-type', file.contentType)
      .header('content-disposition', dispositionOf(file.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('accept-ranges', 'bytes');
    const [start, end] = range ?? [0, file.size - 1];
    if (range !== undefined) void reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
    return reply
      .header('content-length', String(end - start + 1))
      .send(Readable.from(file.chunks(start, end), { objectMode: false }));
  });
}

/**
 * The one byte range a `Range` header asks for (RFC 9110 §14.2: `bytes=a-b`, `bytes=a-`,
 * `bytes=-n`), clipped to the file; undefined for none, or for what is not one plain range (several
 * ranges, other units), which is answered with the whole file as the RFC allows.
 */
export function rangeOf(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : [Math.max(size - suffix, 0), size - 1];
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return 'unsatisfiable';
  return end < start ? undefined : [start, end];
}

/** `inline` with the file's name: ASCII as is, anything else in RFC 8187 form. */
function dispositionOf(filename: string | undefined): string {
  if (filename === undefined) return 'inline';
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
