/**
 * Issue 16, the house: a project that depends on the engine alone. The engine is packed as npm
 * would publish it and installed into an empty project from npm's cache (`--offline`: no test
 * reaches the network; the clone's own `npm install` filled the cache). What that project gets is
 * then measured for real, not from the lock file: no native build, under 25 MB of dependencies, a
 * working `switchboard render`, and a `switchboard serve` that names the package to install.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, lstat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Bytes of the files under `dir`. */
async function bytesOf(dir: string): Promise<number> {
  let total = 0;
  for (const item of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) total += await bytesOf(path);
    else if (item.isFile()) total += (await lstat(path)).size;
  }
  return total;
}

describe('a project that installs only the engine', () => {
  let project = '';
  beforeAll(async () => {
    // dist/ is built by `npm run build` before the tests; packing runs no script.
    project = await mkdtemp(join(tmpdir(), 'sb-engine-alone-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], {
      cwd: ROOT,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'sends-only', type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${filename}`], { cwd: project });
  }, 180_000);

  it('gets no native build and under 25 MB of dependencies', async () => {
    const modules = join(project, 'node_modules');
    const names = (await readdir(modules)).filter((name) => !name.startsWith('.'));
    expect(names).not.toContain('better-sqlite3');
    expect(names).not.toContain('fastify');
    expect(names).not.toContain('bullmq');
    expect(names).not.toContain('pg');
    const all = await bytesOf(modules);
    const engine = await bytesOf(join(modules, 'switchboard'));
    expect(all - engine).toBeLessThan(25_000_000);
  });

  it('renders a request, and names the package that serve needs', { timeout: 60_000 }, async () => {
    const bin = join(project, 'node_modules', '.bin', 'switchboard');
    const account = join(project, 'demo.json');
    await writeFile(account, JSON.stringify({ provider: 'demo', username: 'u', password: 'p', from: '+15551234567' }));
    const rendered = await run(bin, ['render', '--account', account, '--to', '+15557654321', '--body', 'hi', '--json']);
    expect(JSON.parse(rendered.stdout)).toMatchObject({ method: 'POST' });
    const served = await run(bin, ['serve', '--demo']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(served.code).toBe(2);
    expect(served.stderr).toContain('needs the @switchboard/gateway package');
    expect(served.stderr).not.toContain('Internal error');
  });

  it('imports the library, which has no gateway in it', async () => {
    const script =
      "const sb = await import('switchboard'); console.log(typeof sb.createConnector, typeof sb.startGateway);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    expect(stdout.trim()).toBe('function undefined');
  });
});
