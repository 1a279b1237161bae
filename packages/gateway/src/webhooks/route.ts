/**
 * The HTTP side of provider webhooks: `POST|GET /hooks/<account>/<endpoint>` (or `/hooks/<account>`,
 * the provider file choosing the endpoint). The body is taken as raw bytes and the URL rebuilt from
 * the public URL, because signatures are computed over exactly what the provider sent to the
 * address it was given. A request that fails verification is answered 401/403 and nothing is
 * stored; a verified one is stored, answered exactly as the provider file says, and only then pushed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookResult } from 'switchboard/internal/webhook/events.js';
import type { WebhookReceiver } from 'switchboard/internal/webhook/receiver.js';
import type { GatewayContext } from '../app/context.js';
import { HOOKS_PATH, receiverOf, webhookAccounts, type WebhookAccount } from './accounts.js';
import { announce } from '../media/announce.js';
import { ingestEvents, type IngestSummary } from './ingest.js';

interface Hook {
  readonly account: WebhookAccount;
  readonly receiver: WebhookReceiver;
}

/** Compiles a receiver per account; an account that lacks what verifying needs is logged and left out. */
function compileHooks(ctx: GatewayContext): Map<string, Hook> {
  const hooks = new Map<string, Hook>();
  for (const account of webhookAccounts(ctx.config)) {
    const compiled = receiverOf(account);
    if ('receiver' in compiled) hooks.set(account.id, { account, receiver: compiled.receiver });
    else
      ctx.log.warn(
        { hook: account.id, account: account.label, issues: compiled.problems },
        'webhooks of this account are not served',
      );
  }
  return hooks;
}

/** The request's headers as pairs, in order: a header sent twice stays twice (and is refused by the receiver). */
function headerPairs(request: FastifyRequest): [string, string][] {
  const raw = request.raw.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/** Registers the webhook routes in a scope of their own, where every body is kept as bytes. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const hooks = compileHooks(ctx);
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const handler = (request: FastifyRequest, reply: FastifyReply) => receive(ctx, hooks, request, reply);
    scope.route({ method: ['GET', 'POST'], url: `${HOOKS_PATH}/:account`, handler });
    scope.route({ method: ['GET', 'POST'], url: `${HOOKS_PATH}/:account/:endpoint`, handler });
  });
}

async function receive(
  ctx: GatewayContext,
  hooks: ReadonlyMap<string, Hook>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const params = request.params as { account: string; endpoint?: string };
  const hook = hooks.get(params.account);
  if (hook === undefined) {
    ctx.metrics.webhooks.inc({ result: 'WEBHOOK_UNKNOWN_ACCOUNT' });
    return reply.code(404).send({ message: `no provider account "${params.account}" receives webhooks here` });
  }
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const url = `${ctx.config.publicUrl}${request.url}`;
  const result = hook.receiver.receive(
    { method: request.method, url, headers: headerPairs(request), body },
    params.endpoint,
  );
  const fields = { hook: hook.account.id, endpoint: result.endpoint ?? params.endpoint };
  if (!result.ok) {
    ctx.metrics.webhooks.inc({ result: result.code });
    ctx.log.warn({ ...fields, code: result.code, reason: result.reason }, 'webhook refused; nothing stored');
    return answer(reply, result);
  }
  ctx.metrics.webhooks.inc({ result: 'verified' });
  const source = { id: hook.account.id, label: hook.account.label, sendsFor: hook.account.sendsFor };
  const summary = await ctx.inflight.track(ingestEvents(ctx.config, ctx.store, source, result.events));
  report(ctx, fields, summary, result);
  // Push once the answer is out; a client gone meanwhile does not cancel the pushes.
  await Promise.resolve(answer(reply, result)).catch(() => undefined);
  announce(ctx, summary.pushes);
  for (const owed of summary.replies) ctx.reply(owed);
  return reply;
}

function answer(reply: FastifyReply, result: WebhookResult): FastifyReply {
  return reply.code(result.answer.status).headers(result.answer.headers).send(result.answer.body);
}

/** Counts what storing did; an inbound message nobody owns is logged as a warning, so it is seen. */
function report(ctx: GatewayContext, fields: object, summary: IngestSummary, result: WebhookResult): void {
  const { metrics } = ctx;
  metrics.webhookEvents.inc({ outcome: 'stored' }, summary.stored);
  metrics.webhookEvents.inc({ outcome: 'repeated' }, summary.repeated);
  metrics.webhookEvents.inc({ outcome: 'unrouted' }, summary.unrouted);
  metrics.webhookEvents.inc({ outcome: 'status' }, summary.statuses);
  if (summary.unrouted > 0)
    ctx.log.warn(
      { ...fields, unrouted: summary.unrouted },
      'inbound message to a number nobody owns; kept as unrouted',
    );
  if (summary.cleaned > 0)
    ctx.log.warn({ ...fields, events: summary.cleaned }, 'webhook text held U+0000; kept with that character dropped');
  const ignored = result.ok ? result.ignored.map((i) => i.type) : [];
  ctx.log.info(
    { ...fields, stored: summary.stored, repeated: summary.repeated, statuses: summary.statuses, ignored },
    'webhook received',
  );
}
