/** `switchboard init`: a commented starting provider file and fixtures that pass as written. */
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
    const shown = relative(process.cwd(), file) || file;
    io.out(
      [
        `Wrote ${shown} and ${relative(process.cwd(), fixtures) || fixtures}/ (success.json, error.json).`,
        'Next:',
        `  1. Fill in ${shown} from the provider's API reference; your editor explains every field.`,
        '  2. Replace the fixtures with the requests and responses its documentation shows.',
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
