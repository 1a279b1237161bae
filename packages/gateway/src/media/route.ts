/**
 * `GET /media/<id>/<signature>`: a stored file, to anyone holding its signed URL (the app, which has
 * no credentials to give; a provider fetching what the app sent). A wrong signature and an unknown
 * or not yet downloaded file get the same 404, so the answer tells nothing about which ids exist.
 * Files are sent with their length (providers refuse chunked transfer encoding), typed by their
 * bytes, and never rendered as a page by a browser. The bytes are read from the database a chunk at
 * a time as the client takes them, so serving a file never holds it whole.
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
    return reply
      .header('content-type', file.contentType)
      .header('content-length', String(file.size))
      .header('content-disposition', dispositionOf(file.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(Readable.from(file.chunks(), { objectMode: false }));
  });
}

/** `inline` with the file's name: ASCII as is, anything else in RFC 8187 form. */
function dispositionOf(filename: string | undefined): string {
  if (filename === undefined) return 'inline';
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
