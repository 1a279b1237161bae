/** Issue 9, item 16: `--provider` stands in for the provider an account does not name. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';

let dir: string;
let demo: DemoServer;
let json: string;
let xml: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-provider-flag-'));
  json = join(dir, 'no-provider.json');
  xml = join(dir, 'no-services.xml');
  await writeFile(json, JSON.stringify({ username: 'johndow', password: '12345678', from: '+15017122661' }));
  await writeFile(xml, '<account><username>johndow</username><password>12345678</password></account>');
  demo = await startDemoServer();
});
afterAll(async () => {
  await demo.close();
});

describe('--provider with an account that names no provider', () => {
  it('renders through the provider given on the command line', async () => {
    const { code, out } = await run(
      'render',
      '--account',
      json,
      '--provider',
      'twilio',
      '--to',
      '+15558675310',
      '--body',
      'hi',
    );
    expect(code).toBe(0);
    expect(out).toContain('https://api.twilio.com/2010-04-01/Accounts/johndow/Messages.json');
  });

  it('sends through the provider given on the command line', async () => {
    const { code, out } = await run(
      'send',
      '--account',
      json,
      '--provider',
      'demo',
      '--origin',
      demo.origin,
      '--to',
      '+15551231234',
      '--body',
      'hi',
    );
    expect(out).toContain('sent (HTTP 200');
    expect(code).toBe(0);
  });

  it('exports Account XML for the provider given on the command line', async () => {
    const { code, out } = await run('acrobits', 'export', '--account', json, '--provider', 'demo');
    expect(code).toBe(1); // 1: the demo's E.164 numbers are not expressible in Account XML; it says so

    expect(out).toContain('<genericSmsSendUrl>');
  });

  it('accepts an Account XML document without web services when --provider is given', async () => {
    const { code, out } = await run(
      'render',
      '--account',
      xml,
      '--provider',
      'demo',
      '--to',
      '+15551231234',
      '--body',
      'hi',
    );
    expect(code).toBe(0);
    expect(out).toContain('curl');
  });

  it('still refuses an account that names no provider when none is given', async () => {
    const { code, err } = await run('render', '--account', json, '--to', '+15558675310', '--body', 'hi');
    expect(code).toBe(2);
    expect(err).toContain('#/provider: is missing');
  });
});
