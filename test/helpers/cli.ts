/** Runs the CLI in-process with captured output, as a terminal-less user would see it. */
import { COMMANDS } from '../../src/cli/command-list.js';
import { runCli } from '../../src/cli/main.js';

// The CLI loads a command when it runs; tests load them all here, with the test file, so that
// compiling their sources (seconds on a busy machine) does not count against a test's timeout.
await Promise.all(COMMANDS.map((command) => command.load()));

/** Runs `switchboard <argv>` in this process; its exit code and what it printed. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), tty: false, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
