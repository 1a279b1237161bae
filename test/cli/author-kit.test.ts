/** The author's kit: init writes a starter that passes its own fixtures; test shows differences side by side. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

describe('switchboard init and test', () => {
  it('writes a commented starter whose fixtures pass, and refuses to overwrite it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-kit-'));
    const created = await run('init', 'acme', '--dir', dir);
    expect(created.code).toBe(0);
    const file = join(dir, 'acme.json');
    const starter = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(starter).slice(0, 3)).toEqual(['$schema', '$comment', 'id']);
    expect(starter.$schema).toMatch(/schemas\/provider\.schema\.json$/);
    const tested = await run('test', file);
    expect(tested.code).toBe(0);
    expect(tested.out).toMatch(/^Provider acme \(.*acme\.json\), 4 fixtures from /);
    expect(tested.out).toContain('✓ webhooks/inbound');
    expect(tested.out).toMatch(/4 passed, 0 failed$/);
    expect(await run('init', 'acme', '--dir', dir)).toMatchObject({
      code: 2,
      err: expect.stringContaining('already exists'),
    });
  });

  it('shows what differs between the expected and the actual exchange, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-kit-'));
    await run('init', 'acme', '--dir', dir);
    const file = join(dir, 'acme.json');
    const provider = JSON.parse(await readFile(file, 'utf8'));
    provider.numbers.format = 'E164_NO_PLUS';
    provider.services.sendMessage.response.messageId = '/message_id';
    await writeFile(file, JSON.stringify(provider));
    const { code, out } = await run('test', file);
    expect(code).toBe(1);
    expect(out).toContain('✗ success');
    expect(out).toMatch(/JSON body \/to\s+"\+15558675310"\s+"15558675310"\n/);
    expect(out).toMatch(/result\.messageId\s+"msg_1"\s+\(none\)/);
    expect(out).toMatch(/3 passed, 1 failed$/);
  });

  it('runs the fixtures of a built-in provider by id', async () => {
    const { code, out } = await run('test', 'twilio');
    expect(code).toBe(0);
    expect(out).toMatch(/^Provider twilio \(providers\/twilio\.json\), \d+ fixtures from /);
  });
});
