/**
 * Send Message with files (`application/x-acro-filetransfer+json`, DESIGN §11): the app's files
 * are made ready first (app-files.ts: downloaded, decrypted, checked, fitted to the provider, and
 * staged in the database), then the message is stored as `queued` with its files, and sent like
 * any other stored message (deliver.ts hands the provider the gateway's signed URLs for them). A file that
 * cannot be made ready is refused with `{"message"}` before anything is stored or sent.
 *
 * The app gives up on Send after about 30 s; downloading the files is bounded well within that,
 * and the wait for the provider gets what is left of 25 s. The provider fetches our URLs while it
 * handles the request: they are served by the same process without waiting for the send.
 */
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { readAppDocument } from '../media/app-document.js';
import { prepareAppFiles } from '../media/app-files.js';
import { FILE_TRANSFER } from '../media/document.js';
import type { OutgoingRecord } from '../store/store.js';
import type { GatewayContext } from './context.js';

/** The longest the app is kept waiting on a Send with files. */
const APP_WAIT_MS = 25_000;

/**
 * Makes `record`'s files ready and stores it with them as `queued`; resolves with the stored
 * message and how long the answer may still wait, or with the answer refusing it.
 */
export async function storeFileTransfer(
  ctx: GatewayContext,
  user: GatewayUserConfig,
  record: OutgoingRecord,
): Promise<
  | { readonly stored: Awaited<ReturnType<GatewayContext['store']['insertOutgoing']>>; readonly waitMs: number }
  | { readonly status: number; readonly body: { message: string } }
> {
  const started = Date.now();
  const document = readAppDocument(record.text);
  if (typeof document === 'string') return { status: 400, body: { message: document } };
  const rules = user.sender.kind === 'account' ? user.sender.provider.definition.media : undefined;
  if (user.sender.kind === 'account' && rules === undefined)
    return { status: 422, body: { message: 'your provider takes no pictures or files; nothing was sent' } };
  const prepared = await prepareAppFiles(document.attachments, rules, ctx.config.media, ctx.store.media);
  if (!prepared.ok) {
    ctx.log.warn({ login: user.login, error: prepared.message }, 'file transfer refused');
    return { status: prepared.local ? 422 : 502, body: { message: `${prepared.message}; nothing was sent` } };
  }
  const stored = await ctx.store.insertOutgoing(
    { ...record, text: document.caption, contentType: FILE_TRANSFER },
    { state: 'queued' },
  );
  await ctx.store.media.addFiles(stored.login, stored.seq, prepared.files);
  const left = APP_WAIT_MS - (Date.now() - started);
  return { stored, waitMs: Math.max(1_000, Math.min(ctx.config.limits.sendWaitMs, left)) };
}
