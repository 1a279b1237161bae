/** Small builders for webhook tests: a provider file with one endpoint, an account, a receiver. */
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { WebhookEndpoint } from '../../src/generated/provider.js';
import { createWebhookReceiver, type WebhookOptions } from '../../src/webhook/receiver.js';

/** A provider value with `endpoints` and the parameters they use (all secret, optional). */
export function providerWith(endpoints: Record<string, WebhookEndpoint>, params: string[] = ['secret']) {
  return {
    $schema: '../schemas/provider.schema.json',
    id: 'acme',
    name: 'Acme',
    docs: 'https://example.com/docs',
    parameters: Object.fromEntries(params.map((p) => [p, { description: `The ${p}.`, required: false, secret: true }])),
    services: {
      sendMessage: { url: 'https://api.example.com/send', contentType: 'application/json', body: { to: '%sms_to%' } },
    },
    webhooks: { endpoints },
  };
}

/** A receiver for a provider value and account values. */
export function receiverFor(
  provider: ReturnType<typeof providerWith>,
  values: Record<string, string>,
  options: WebhookOptions = {},
) {
  const loaded = providerFromValue(provider, 'acme.json');
  const account = accountFromValue({ provider: 'acme', ...values }, 'account', undefined);
  return createWebhookReceiver({ provider: loaded, account, options });
}

/** A JSON event endpoint with an inbound event at the top level and the given verification. */
export function jsonInbound(verify: WebhookEndpoint['verify'], extra: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    verify,
    read: {
      format: 'json',
      event: {
        kind: 'inbound',
        from: { json: '/from', number: true },
        to: { json: '/to', number: true },
        text: { json: '/text' },
        providerMessageId: { json: '/id' },
      },
    },
    answer: { status: 200 },
    ...extra,
  };
}

/** A JSON inbound body. */
export function inboundBody(text = 'hi', id = 'm1'): string {
  return JSON.stringify({ from: '+15558675310', to: '+15557122661', text, id });
}
