/**
 * Push Token Reporter: the app reports its tokens on every start. They are kept per device (its
 * selector, else its installid), replacing the device's old ones; an empty token is ignored, so a
 * report without one never erases a working token.
 */
import type { GatewayUserConfig } from '../config/gateway-config.js';
import type { GatewayContext } from './context.js';
import type { Answer } from './send-message.js';

/** What the app sends (Acrobits' parameter names). */
export interface PushTokenInput {
  readonly selector?: string | undefined;
  readonly installid?: string | undefined;
  readonly pushToken?: string | undefined;
  readonly pushappid?: string | undefined;
  readonly pushTokenIncomingCall?: string | undefined;
  readonly pushappid_incoming_call?: string | undefined;
  readonly pushTokenOther?: string | undefined;
  readonly pushappid_other?: string | undefined;
}

/** Handles one Push Token Reporter call of an authenticated user. */
export async function reportPushToken(
  ctx: GatewayContext,
  user: GatewayUserConfig,
  input: PushTokenInput,
): Promise<Answer> {
  const selector = input.selector?.trim() ?? '';
  const installid = input.installid?.trim() ?? '';
  if (selector === '' && installid === '')
    return { status: 400, body: { message: 'the report names no device: selector and installid are both empty' } };
  await ctx.store.saveDevice(user.login, {
    selector,
    installid,
    pushToken: input.pushToken?.trim() ?? '',
    pushAppId: input.pushappid?.trim() ?? '',
    tokenCall: input.pushTokenIncomingCall?.trim() ?? '',
    appIdCall: input.pushappid_incoming_call?.trim() ?? '',
    tokenOther: input.pushTokenOther?.trim() ?? '',
    appIdOther: input.pushappid_other?.trim() ?? '',
  });
  return { status: 200, body: {} };
}
