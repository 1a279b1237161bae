/** `switchboard init`: a commented starting provider file and fixtures that pass as written. */
import { createHmac } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { packagePath } from '../../config/paths.js';
import { SwitchboardError } from '../../errors.js';
import { EXIT, str, type Command } from '../command.js';

const ID = /^[a-z0-9][a-z0-9-]*$/;

export const init: Command = {
  name: 'init',
  summary: 'Start a new provider file, with fixtures to fill in from its documentation',
  usage: 'switchboard init <id> [--dir <folder>]',
  help: [
    '--dir <folder>        where to write <id>.json and fixtures/<id>/ (default: providers/ if there is one, else here)',
  ],
  options: { dir: { type: 'string' } },
  positionals: true,
  async run(args, io) {
    const [id, ...rest] = args.positionals;
    if (id === undefined || rest.length > 0 || !ID.test(id))
      throw new SwitchboardError(
        'USAGE',
        'give one id of lower-case letters, digits and dashes: switchboard init <id>',
      );
    const dir = resolve(str(args, 'dir') ?? ((await isDir('providers')) ? 'providers' : '.'));
    const file = join(dir, `${id}.json`);
    const fixtures = join(dir, 'fixtures', id);
    if (await exists(file))
      throw new SwitchboardError(
        'USAGE',
        `${relative(process.cwd(), file)} already exists; choose another id or --dir`,
      );
    await mkdir(fixtures, { recursive: true });
    const schema = (name: string, from: string) => relative(from, packagePath('schemas', name)).split('\\').join('/');
    await writeFile(file, `${JSON.stringify(starter(id, schema('provider.schema.json', dir)), null, 2)}\n`);
    for (const [name, fixture] of Object.entries(starterFixtures(schema('fixture.schema.json', fixtures)))) {
      await writeFile(join(fixtures, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    }
    const hooks = join(fixtures, 'webhooks');
    await mkdir(hooks, { recursive: true });
    for (const [name, fixture] of Object.entries(
      starterWebhookFixtures(schema('webhook-fixture.schema.json', hooks)),
    )) {
      await writeFile(join(hooks, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    }
    const shown = relative(process.cwd(), file) || file;
    io.out(
      [
        `Wrote ${shown} and ${relative(process.cwd(), fixtures) || fixtures}/ (success.json, error.json, webhooks/inbound.json, webhooks/tampered.json).`,
        'Next:',
        `  1. Fill in ${shown} from the provider's API reference; your editor explains every field.`,
        '  2. Replace the fixtures with the requests and responses its documentation shows; describe its webhooks',
        '     (or delete the webhooks section and fixtures/…/webhooks/ if it has none): docs/receiving-webhooks.md.',
        `  3. switchboard test ${shown}`,
        'The guide: docs/adding-a-provider.md in the Switchboard repository.',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function starter(id: string, schema: string) {
  return {
    $schema: schema,
    $comment: `Describe ${id}'s HTTP API here; every field is explained by the schema (hover in your editor). Then write fixtures/${id}/ from its documentation and run switchboard test on this file.`,
    id,
    name: `${id} SMS API`,
    description: 'Which API generation this is, how it authenticates, and anything an account owner must know.',
    docs: 'https://example.com/docs/sms/send',
    parameters: {
      username: {
        $comment: 'Shared names: username (account or key id), password (its secret), from (sender).',
        description: 'Account ID, shown in the provider console.',
        required: true,
        example: 'AC123',
      },
      password: { description: 'API token for that account.', required: true, secret: true, example: 'token' },
      webhookSecret: {
        description: 'Secret the provider signs webhooks with, shown where the webhook URL is set. Only for receiving.',
        required: false,
        secret: true,
        example: 'whsec_test',
      },
      from: {
        description: 'Sender: a number of the account.',
        required: true,
        phoneNumber: true,
        example: '+15557122661',
      },
    },
    numbers: { format: 'E164' },
    services: {
      sendMessage: {
        $comment:
          'One request per recipient. Placeholders are escaped for where they stand (URL, form, JSON, XML): never pre-encode.',
        url: 'https://api.example.com/v1/accounts/%account[username]%/messages',
        method: 'POST',
        contentType: 'application/json',
        body: { to: '%sms_to%', from: '%account[from]%', text: '%sms_body%' },
        auth: { type: 'basic', username: '%account[username]%', password: '%account[password]%' },
        response: { messageId: '/id', error: ['/error/message'] },
      },
    },
    webhooks: {
      description: 'Where the webhook URL and its signing secret are set in the provider console.',
      docs: 'https://example.com/docs/webhooks',
      endpoints: {
        events: {
          $comment:
            'Verify over the raw request first, then read. See docs/receiving-webhooks.md for every recipe (hmac, ed25519, jwt, basic, urlSecret, anyOf) and field source.',
          verify: {
            type: 'hmac',
            algorithm: 'sha256',
            key: '%account[webhookSecret]%',
            message: [
              { from: 'header', name: 'X-Example-Timestamp' },
              { from: 'literal', value: '.' },
              { from: 'rawBody' },
            ],
            signature: { from: 'header', name: 'X-Example-Signature', encoding: 'hex' },
            timestamp: { from: 'header', name: 'X-Example-Timestamp', unit: 'seconds', skewSeconds: 300 },
          },
          read: {
            format: 'json',
            type: { json: '/type' },
            events: {
              'message.received': {
                kind: 'inbound',
                eventId: { json: '/id' },
                from: { json: '/data/from', number: true },
                to: { json: '/data/to', number: true },
                text: { json: '/data/text', default: '' },
                providerMessageId: { json: '/data/id' },
                receivedAt: { json: '/data/received_at', time: 'iso8601' },
              },
              'message.status': {
                kind: 'status',
                eventId: { json: '/id' },
                providerMessageId: { json: '/data/id' },
                status: { json: '/data/status' },
                statuses: { queued: 'queued', sent: 'sent', delivered: 'delivered', failed: 'failed' },
                errorCode: { json: '/data/error_code' },
              },
            },
          },
          answer: { status: 200 },
        },
      },
    },
  };
}

/** Webhook fixtures that pass as written: one signed inbound event, and the same with its body changed. */
function starterWebhookFixtures(schema: string) {
  const account = { username: 'AC123', password: 'token', from: '+15557122661', webhookSecret: 'whsec_test' };
  const timestamp = '1767225600';
  const body = JSON.stringify({
    id: 'evt_1',
    type: 'message.received',
    data: {
      id: 'msg_in_1',
      from: '+15558675310',
      to: '+15557122661',
      text: 'Tom & Jerry: 50% off "today"\nà bientôt',
      received_at: '2026-01-01T00:00:00Z',
    },
  });
  const request = (signedBody: string, sentBody: string) => ({
    method: 'POST',
    url: 'https://hooks.example.com/acme/events',
    headers: {
      'content-type': 'application/json',
      'x-example-timestamp': timestamp,
      'x-example-signature': createHmac('sha256', account.webhookSecret)
        .update(`${timestamp}.${signedBody}`)
        .digest('hex'),
    },
    body: sentBody,
  });
  return {
    inbound: {
      $schema: schema,
      $comment:
        "Take the request from the provider's webhook documentation; sign it with the provider's own SDK if it has one.",
      description: 'A signed inbound message is verified and read: numbers in E.164, the text exactly as typed.',
      source: 'https://example.com/docs/webhooks',
      account,
      now: '2026-01-01T00:00:30Z',
      request: request(body, body),
      expect: {
        ok: true,
        answerStatus: 200,
        events: [
          {
            type: 'inbound',
            from: '+15558675310',
            to: '+15557122661',
            text: 'Tom & Jerry: 50% off "today"\nà bientôt',
            providerMessageId: 'msg_in_1',
            receivedAt: '2026-01-01T00:00:00.000Z',
            media: [],
          },
        ],
      },
    },
    tampered: {
      $schema: schema,
      description: 'The same request with its body changed after signing is refused.',
      account,
      now: '2026-01-01T00:00:30Z',
      request: request(body, body.replace('Tom', 'Tim')),
      expect: { ok: false, code: 'WEBHOOK_UNVERIFIED', answerStatus: 403 },
    },
  };
}

function starterFixtures(schema: string) {
  const account = { username: 'AC123', password: 'token', from: '+15557122661' };
  return {
    success: {
      $schema: schema,
      $comment:
        'Take the request and response from the documentation. Keep a body with & % " a newline and a non-ASCII letter.',
      description:
        'A message with &, %, a double quote, a newline and an accented letter is sent as one JSON POST; the answer gives its id.',
      source: 'https://example.com/docs/sms/send',
      account,
      message: { to: '+1 (555) 867-5310', body: 'Tom & Jerry: 50% off "today"\nà bientôt' },
      request: {
        method: 'POST',
        path: '/v1/accounts/AC123/messages',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('AC123:token').toString('base64')}`,
        },
        json: { to: '+15558675310', from: '+15557122661', text: 'Tom & Jerry: 50% off "today"\nà bientôt' },
      },
      response: {
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: { id: 'msg_1', status: 'queued' },
      },
      result: { ok: true, status: 201, messageId: 'msg_1' },
    },
    error: {
      $schema: schema,
      description: 'An invalid recipient is refused with 400; the result shows the provider’s message.',
      source: 'https://example.com/docs/errors',
      account,
      message: { to: '+15558675310', body: 'Hi' },
      response: {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: { error: { code: 'invalid_to', message: 'The To number is not valid' } },
      },
      result: { ok: false, status: 400, error: 'The To number is not valid', retryable: false },
    },
  };
}
