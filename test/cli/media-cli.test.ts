/** `send --media` and `render --media`: attachments from the command line, as a user meets them. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();
let dir: string;
let mms: string;
let textOnly: string;

const provider = (id: string, media: boolean) => ({
  id,
  name: 'Media test',
  docs: 'https://example.com/docs',
  parameters: { password: { description: 'key', required: true, secret: true } },
  ...(media ? { media: { maxCount: 3, contentTypes: ['image/*'] } } : {}),
  services: {
    sendMessage: {
      url: 'https://api.example.com/Messages.json',
      auth: { type: 'bearer', token: '%account[password]%' },
      body: { To: '%sms_to%', Body: '%sms_body%', ...(media ? { MediaUrl: { $media: '%media_url%' } } : {}) },
    },
  },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-media-cli-'));
  for (const [name, media] of [
    ['mms', true],
    ['sms', false],
  ] as const) {
    await writeFile(join(dir, `${name}.json`), JSON.stringify(provider(name, media)));
    await writeFile(join(dir, `${name}.account.json`), JSON.stringify({ provider: `./${name}.json`, password: 'k3y' }));
  }
  mms = join(dir, 'mms.account.json');
  textOnly = join(dir, 'sms.account.json');
});

const a = 'https://cdn.example.com/a.jpg?x=1&y=2';
const b = 'https://cdn.example.com/b.png';

describe('switchboard send and render with --media', () => {
  it('sends each --media URL, in order, as the provider places them', async () => {
    const s = await server(() => ({ status: 201 }));
    const { code } = await run(
      'send',
      '--account',
      mms,
      '--to',
      '+15551230001',
      '--body',
      '',
      '--media',
      a,
      '--media',
      b,
      '--origin',
      s.origin,
    );
    expect(code).toBe(0);
    const form = new URLSearchParams(s.requests[0]?.body);
    expect(form.getAll('MediaUrl')).toEqual([a, b]);
    expect(form.get('Body')).toBe('');
  });

  it('renders the request with the attachments', async () => {
    const { code, out } = await run(
      'render',
      '--account',
      mms,
      '--to',
      '+15551230001',
      '--body',
      'Hi',
      '--media',
      a,
      '--json',
    );
    expect(code).toBe(0);
    const request = JSON.parse(out) as { body: string; headers: Record<string, string> };
    expect(new URLSearchParams(request.body).getAll('MediaUrl')).toEqual([a]);
    expect(request.headers.authorization).toBe('Bearer ****');
  });

  it('refuses what the provider cannot take, saying why and how to send links instead', async () => {
    const rendered = await run('render', '--account', textOnly, '--to', '+15551230001', '--body', 'Hi', '--media', a);
    expect(rendered.code).toBe(2);
    expect(rendered.err).toContain('the provider takes no media');
    const s = await server(() => ({ status: 201 }));
    const sent = await run(
      'send',
      '--account',
      textOnly,
      '--to',
      '+15551230001',
      '--body',
      'Hi',
      '--media',
      a,
      '--origin',
      s.origin,
      '--json',
    );
    expect(sent.code).toBe(1);
    expect(JSON.parse(sent.out)).toMatchObject([{ ok: false, code: 'MEDIA_NOT_SUPPORTED' }]);
    expect(s.requests).toHaveLength(0);
  });

  it('refuses a --media URL no provider could fetch as a usage error', async () => {
    const { code, err } = await run(
      'send',
      '--account',
      mms,
      '--to',
      '+15551230001',
      '--body',
      'Hi',
      '--media',
      'http://example.com/a.jpg',
    );
    expect(code).toBe(2);
    expect(err).toContain('--media: the url must be https://');
  });
});
