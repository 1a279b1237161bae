/** The handlers of `/v1/messages`; routes.ts authenticates, limits and answers their errors. */
import { randomUUID } from 'node:crypto';
import type { ApiListQuery } from 'switchboard/internal/generated/api-list-query.js';
import type { ApiMessage } from 'switchboard/internal/generated/api-message.js';
import type { ApiMessagePage } from 'switchboard/internal/generated/api-message-page.js';
import type { ApiSendRequest } from 'switchboard/internal/generated/api-send-request.js';
import type { GatewayContext } from '../app/context.js';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import type { ApiStore } from './api-store.js';
import { bodyHash, startIdempotent } from './idempotency.js';
import type { ApiKeyConfig } from './keys.js';
import { ApiError } from './problem.js';
import { issuesOf } from './schemas.js';
import { sendAll } from './send.js';
import { messageView } from './view.js';

/** An answer: status and JSON body (as text when replayed). */
export interface Answered {
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
}

/** The user whose number `from` is, when the key may send from it through that user's account. */
function senderOf(ctx: GatewayContext, key: ApiKeyConfig, from: string): GatewayUserConfig {
  const user = ctx.config.users.find((u) => u.numbers.includes(from));
  if (!key.numbers.includes(from) || user === undefined)
    throw new ApiError('NUMBER_NOT_ALLOWED', `${from} is not one of this key's numbers`);
  if (key.accounts !== undefined && !key.accounts.includes(user.sender.label))
    throw new ApiError('ACCOUNT_NOT_ALLOWED', `${from} sends through an account this key may not use`);
  return user;
}

/** POST /v1/messages. */
export async function postMessages(
  ctx: GatewayContext,
  api: ApiStore,
  key: ApiKeyConfig,
  body: unknown,
  idemKey: string | undefined,
): Promise<Answered> {
  const errors = issuesOf('api-send-request', body);
  if (errors.length > 0) throw new ApiError('VALIDATION_FAILED', 'the body does not match ApiSendRequest', { errors });
  const request = body as ApiSendRequest;
  const user = senderOf(ctx, key, request.from);
  const sends = request.to.map((to) => ({ uid: randomUUID(), to }));
  const uids = sends.map((s) => s.uid);
  if (idemKey !== undefined) {
    const waitMs = ctx.config.limits.sendWaitMs + 5_000;
    const bounds = { waitMs, staleMs: waitMs + 60_000 };
    const start = await startIdempotent(api, key.id, idemKey, bodyHash(request), uids, bounds);
    if (start.kind === 'replay') return { status: start.status, body: start.body, replayed: true };
    if (start.kind === 'rebuild') return { status: 202, body: await answerFor(api, start.uids), replayed: true };
  }
  await sendAll(ctx, user, request.from, request.text, sends);
  const answer = await answerFor(api, uids);
  if (idemKey !== undefined) await api.answer(key.id, idemKey, 202, answer);
  return { status: 202, body: answer, replayed: false };
}

/** The send answer: each recorded message as it stands. */
async function answerFor(api: ApiStore, uids: readonly string[]): Promise<string> {
  const rows = await Promise.all(uids.map((uid) => api.byUid(uid)));
  const messages: ApiMessage[] = rows.flatMap((row) => (row === undefined ? [] : [messageView(row)]));
  return JSON.stringify({ messages });
}

/** GET /v1/messages/{id}: one of the key's messages with its timeline. */
export async function getMessage(api: ApiStore, key: ApiKeyConfig, id: string): Promise<ApiMessage> {
  const row = id.length <= 64 ? await api.byUid(id) : undefined;
  // Another key's message is "not found" too: a key learns nothing of what it may not read.
  if (row === undefined || !key.numbers.includes(row.ownNumber))
    throw new ApiError('MESSAGE_NOT_FOUND', `no message ${id} among this key's numbers`);
  return messageView(row, row.direction === 'out' ? await api.events(row.uid) : []);
}

/** GET /v1/messages: a page of the key's messages. */
export async function listMessages(
  api: ApiStore,
  key: ApiKeyConfig,
  raw: Record<string, unknown>,
): Promise<ApiMessagePage> {
  // Query values are text; `limit` is a number in the schema, so a number-like one is read as one.
  const query =
    typeof raw.limit === 'string' && /^[0-9]{1,6}$/.test(raw.limit) ? { ...raw, limit: Number(raw.limit) } : raw;
  const errors = issuesOf('api-list-query', query);
  if (errors.length > 0) throw new ApiError('VALIDATION_FAILED', 'the query does not match ApiListQuery', { errors });
  const q = query as ApiListQuery;
  if (q.number !== undefined && !key.numbers.includes(q.number))
    throw new ApiError('NUMBER_NOT_ALLOWED', `${q.number} is not one of this key's numbers`);
  const sinceMs = q.since === undefined ? undefined : Date.parse(q.since);
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    throw new ApiError('VALIDATION_FAILED', 'since is not a real time', {
      errors: [{ pointer: '/since', message: 'must be a real date and time, such as 2026-01-31T12:00:00Z' }],
    });
  const limit = q.limit ?? 50;
  const rows = await api.list({
    numbers: q.number === undefined ? key.numbers : [q.number],
    direction: q.direction,
    peer: q.peer,
    sinceMs,
    after: q.cursor === undefined ? undefined : readCursor(q.cursor),
    limit,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    messages: page.map((row) => messageView(row)),
    ...(rows.length > limit && last !== undefined ? { nextCursor: cursorOf(last.createdMs, last.uid) } : {}),
  };
}

/** The opaque cursor after a message: its place in the list's order. */
function cursorOf(createdMs: number, uid: string): string {
  return Buffer.from(JSON.stringify([createdMs, uid])).toString('base64url');
}

function readCursor(cursor: string): { createdMs: number; uid: string } {
  try {
    const [createdMs, uid] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(createdMs) && typeof uid === 'string') return { createdMs: createdMs as number, uid };
  } catch {
    // fall through: not one of ours
  }
  throw new ApiError('CURSOR_INVALID', 'the cursor is not a nextCursor this API gave; start again without one');
}
