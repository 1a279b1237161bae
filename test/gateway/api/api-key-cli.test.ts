/**
 * Issue 19, item 1: `switchboard gateway api-key create` stores only a hash of the key it prints,
 * and a key the gateway file could not hold (a number nobody owns, an id taken) leaves the file as
 * it was, with every problem named.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../packages/gateway/src/config/password.js';
import { run } from '../../helpers/cli.js';
import { writeGatewayFiles } from '../../helpers/gateway.js';

const ALICE = { login: 'alice', password: 'pw', numbers: ['+15550100001'] };

describe('gateway api-key create', () => {
  it('prints the key once and stores only its scrypt hash, with the numbers, accounts and rate given', async () => {
    const { file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE]);
    const made = await run(
      'gateway',
      'api-key',
      'create',
      '--config',
      file,
      '--id',
      'crm',
      '--number',
      '+15550100001',
      '--account',
      'provider-account.json',
      '--rate',
      '5/60',
    );
    expect(made.code).toBe(0);
    const key = made.out.trim();
    expect(key).toMatch(/^sbk_crm_[A-Za-z0-9_-]{43}$/);
    const text = await readFile(file, 'utf8');
    const secret = key.slice('sbk_crm_'.length);
    expect(text).not.toContain(secret);
    const stored = (JSON.parse(text) as { apiKeys: Record<string, unknown>[] }).apiKeys;
    expect(stored).toEqual([
      {
        id: 'crm',
        hash: expect.stringMatching(/^scrypt\$/),
        numbers: ['+15550100001'],
        accounts: ['provider-account.json'],
        rateLimit: { requests: 5, perSeconds: 60 },
      },
    ]);
    expect(await verifyPassword(secret, String(stored[0]?.hash))).toBe(true);
    expect(made.err).toContain('shown once');
  });

  it('leaves the file untouched and names each problem: a number nobody owns, an unknown account, an id taken', async () => {
    const { file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE]);
    expect(
      (await run('gateway', 'api-key', 'create', '--config', file, '--id', 'crm', '--number', '+15550100001')).code,
    ).toBe(0);
    const before = await readFile(file, 'utf8');
    const refused = await run(
      'gateway',
      'api-key',
      'create',
      '--config',
      file,
      '--id',
      'crm',
      '--number',
      '+15550109999',
      '--account',
      'other.json',
    );
    expect(refused.code).toBe(2);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('/apiKeys/1/id');
    expect(refused.err).toContain('/apiKeys/1/numbers/0');
    expect(refused.err).toContain('/apiKeys/1/accounts/0');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('asks for at least one number', async () => {
    const { file } = await writeGatewayFiles('http://127.0.0.1:9', [ALICE]);
    const refused = await run('gateway', 'api-key', 'create', '--config', file, '--id', 'crm');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--number');
  });
});
