/**
 * Replies to opt-out keywords (STOP, START, HELP and the words configured with them), sent through
 * the provider account of the user who owns the number, from that number. A reply is sent once,
 * when the keyword's message is first stored (a provider's retry sends none), and is not kept as
 * a message: it is the gateway's answer, not the user's. It goes past the opt-out check, since the
 * confirmation of a STOP is the one message carriers expect after it. A reply lost to a crash
 * between storing and sending is not sent later.
 */
import type { Log } from '../app/context.js';
import type { Senders } from '../app/senders.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { AutoReply } from '../config/opt-out-config.js';

/** Sends replies through `senders` (made without the opt-out check); never rejects. */
export function createAutoReplier(config: GatewayConfig, senders: Senders, log: Log) {
  return async (reply: AutoReply): Promise<void> => {
    const user = config.users.find((u) => u.login === reply.login && u.numbers.includes(reply.ownNumber));
    if (user === undefined) return;
    const fields = { login: reply.login, keyword: reply.kind };
    try {
      const result = await senders.forUser(user, reply.ownNumber)({ to: reply.peer, body: reply.text });
      if (result.ok) log.info(fields, 'keyword reply sent through the provider');
      else log.warn({ ...fields, code: result.code, error: result.error }, 'keyword reply not sent');
    } catch (error) {
      log.error({ ...fields, err: String(error) }, 'keyword reply failed');
    }
  };
}
