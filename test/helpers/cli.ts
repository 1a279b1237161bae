/** Runs the CLI in-process with captured output, as a terminal-less user would see it. */
import { runCli } from '../../src/cli/main.js';

export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), tty: false, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
