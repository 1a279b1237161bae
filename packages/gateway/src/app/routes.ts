/**
 * The endpoints the Acrobits app calls, all POST with a JSON body carrying the app's own
 * credentials (`gateway account-xml` prints the templates that make them). Credentials are checked
 * on every call; a failure is logged with the login (cut short) and address, never the password,
 * and answered 401, or 429 with Retry-After once that login or address has failed too often.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayUserConfig } from '../config/gateway-config.js';
import { pathOf } from '../ops/log-options.js';
import { loginForLog, MAX_LOGIN_LENGTH } from './auth.js';
import type { GatewayContext } from './context.js';
import { fetchMessages, type FetchInput } from './fetch-messages.js';
import { reportPushToken, type PushTokenInput } from './push-token.js';
import { sendMessage, type Answer, type SendInput } from './send-message.js';

/** Paths of the app's web services, under the public URL. */
export const APP_PATHS = {
  send: '/acrobits/send',
  fetch: '/acrobits/fetch',
  pushToken: '/acrobits/push-token',
} as const;

const text = { type: 'string', maxLength: 65536 } as const;
// A login longer than any user's can only be a guess; refusing it here keeps it out of memory and logs.
const credentials = { username: { type: 'string', maxLength: MAX_LOGIN_LENGTH }, password: text } as const;

function bodySchema(required: readonly string[], properties: Record<string, unknown>) {
  return {
    body: {
      type: 'object',
      required: ['username', 'password', ...required],
      properties: { ...credentials, ...properties },
    },
  };
}

type Handler<T> = (ctx: GatewayContext, user: GatewayUserConfig, input: T) => Promise<Answer>;

/** Authenticates, then runs `handler`. */
function authenticated<T>(ctx: GatewayContext, handler: Handler<T>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as T & { username: string; password: string };
    const outcome = await ctx.auth.check(body.username, body.password, request.ip);
    if (!outcome.ok) {
      const fields = { login: loginForLog(body.username), address: request.ip, route: pathOf(request.url) };
      if (!outcome.limited) {
        ctx.log.warn(fields, 'wrong login or password');
        return reply.code(401).send({ message: 'Wrong user name or password' });
      }
      const wait = outcome.retryAfterSeconds;
      ctx.log.warn({ ...fields, retryAfterSeconds: wait }, 'login refused: too many failed logins');
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ message: `Too many failed logins; try again in ${String(wait)} s` });
    }
    const nul = fieldWithNul(body);
    if (nul !== undefined)
      return reply.code(400).send({
        message: `${nul} contains the character U+0000 (NUL), which a text message cannot carry; remove it and try again`,
      });
    const answer = await handler(ctx, outcome.user, body);
    return reply.code(answer.status).send(answer.body);
  };
}

/**
 * The first field (other than the credentials) holding U+0000, refused on every endpoint and store
 * alike: no SMS encoding carries it as a character (GSM 03.38's code 0 is "@", and phones end
 * UCS-2 text at it), PostgreSQL cannot store it in text, and dropping it silently would send or
 * keep something other than what the user typed.
 */
function fieldWithNul(body: Record<string, unknown>): string | undefined {
  for (const [name, value] of Object.entries(body))
    if (name !== 'username' && name !== 'password' && typeof value === 'string' && value.includes('\0')) return name;
  return undefined;
}

/** Registers the app's endpoints. */
export function registerAppRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.post(
    APP_PATHS.send,
    {
      schema: bodySchema(['to', 'body'], {
        to: text,
        body: text,
        content_type: text,
        disposition_notification: text,
        from: text,
      }),
    },
    authenticated<SendInput>(ctx, sendMessage),
  );
  app.post(
    APP_PATHS.fetch,
    { schema: bodySchema([], { last_known_sms_id: text, last_known_sent_sms_id: text, device: text }) },
    authenticated<FetchInput>(ctx, fetchMessages),
  );
  app.post(
    APP_PATHS.pushToken,
    {
      schema: bodySchema([], {
        selector: text,
        installid: text,
        pushToken: text,
        pushappid: text,
        pushTokenIncomingCall: text,
        pushappid_incoming_call: text,
        pushTokenOther: text,
        pushappid_other: text,
      }),
    },
    authenticated<PushTokenInput>(ctx, reportPushToken),
  );
}
