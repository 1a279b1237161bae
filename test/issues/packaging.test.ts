/**
 * Issue 9, items 20 and 21: a fresh clone's `npm install` leaves the lockfile as committed, and the
 * package ships its licence and docs, no source map without its source, and builds on prepack only.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Pkg {
  scripts: Record<string, string | undefined>;
  files: string[];
  license: string;
}

describe('the lockfile', () => {
  it('holds no libc fields, which npm 10 (bundled with Node 20) drops, rewriting the file on install', async () => {
    const lock = await readFile('package-lock.json', 'utf8');
    expect(lock).not.toContain('"libc"');
  });

  it('has a root entry that matches package.json, which npm would otherwise rewrite', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as Record<string, unknown>;
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as {
      packages: Record<string, Record<string, unknown>>;
    };
    const root = lock.packages[''] ?? {};
    for (const key of ['name', 'version', 'license', 'bin', 'engines', 'dependencies', 'devDependencies'])
      expect({ [key]: root[key] }).toEqual({ [key]: pkg[key] });
  });
});

describe('the package', () => {
  it('ships LICENSE, docs/, schemas and providers, and no source maps (their sources are not shipped)', async () => {
    const { stdout } = await exec(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { maxBuffer: 1 << 24 });
    const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('docs/adding-a-provider.md');
    expect(files).toContain('providers/twilio.json');
    expect(files).toContain('dist/cli/main.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  }, 30_000);

  it('declares the MIT licence it carries', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as Pkg;
    expect(pkg.license).toBe('MIT');
    const license = await readFile('LICENSE', 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Switchboard contributors\n/);
  });

  it('builds on prepack, and has no prepare or install script that would run for its users', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as Pkg;
    expect(pkg.scripts.prepack).toBe('npm run build');
    for (const script of ['prepare', 'preinstall', 'install', 'postinstall'])
      expect(pkg.scripts[script]).toBeUndefined();
  });

  it('runs from a clone that was never built: the command builds dist/ once, then runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-clone-'));
    for (const part of ['bin', 'src', 'schemas', 'providers', 'package.json', 'tsconfig.json'])
      await cp(part, join(dir, part), { recursive: true });
    // The workspace packages' sources, which the command builds too (not their dist/).
    await cp('packages', join(dir, 'packages'), {
      recursive: true,
      filter: (path) => !/[\\/](dist|node_modules)$/.test(path),
    });
    await symlink(resolve('node_modules'), join(dir, 'node_modules'), 'junction');
    const { stdout, stderr } = await exec(process.execPath, [join(dir, 'bin/switchboard.js'), 'providers', '--json'], {
      maxBuffer: 1 << 24,
    });
    expect(stderr).toContain('Building Switchboard from its sources');
    expect((JSON.parse(stdout) as { id: string }[]).map((p) => p.id)).toContain('twilio');
    const again = await exec(process.execPath, [join(dir, 'bin/switchboard.js'), '--version']);
    expect(again).toEqual({ stdout: '0.1.0\n', stderr: '' });
    // Issue 16, item 16: after a pull (here, an edited source) the command builds again, and runs
    // the new code rather than the stale dist/.
    const list = join(dir, 'src/cli/command-list.ts');
    await writeFile(list, (await readFile(list, 'utf8')).replace('Send a message to one', 'Send one message to one'));
    const pulled = await exec(process.execPath, [join(dir, 'bin/switchboard.js'), '--help']);
    expect(pulled.stderr).toContain('src/cli/command-list.ts changed since the last build');
    expect(pulled.stdout).toContain('Send one message to one or more recipients');
  }, 600_000); // two builds of the whole project, on a machine that may be busy
});
