/** Reads a secret: the first line of standard input, or typed on the terminal without echo. */
import { SwitchboardError } from '../errors.js';
import type { Io } from './io.js';

/** The secret, without its line ending. */
export async function readSecret(io: Io, prompt: string): Promise<string> {
  if (process.stdin.isTTY && io.stdin === process.stdin) return promptHidden(prompt, io);
  if (io.stdin === undefined) throw new SwitchboardError('USAGE', 'no standard input to read the password from');
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal with echo off; Ctrl-C aborts. */
function promptHidden(prompt: string, io: Io): Promise<string> {
  const input = process.stdin;
  io.err(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    input.setRawMode(true);
    input.resume();
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new SwitchboardError('USAGE', 'cancelled')));
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    const finish = (then: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      then();
    };
    input.on('data', onData);
  });
}
