/** Where commands write. Only the CLI entry binds this to the process; tests capture it. */
import { styleText } from 'node:util';

/** Output streams of a command run. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether output goes to a terminal (colour, progress). */
  readonly tty: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, for commands that read data from `-`. */
  readonly stdin?: AsyncIterable<Buffer | string>;
  /** Standard error when it is a terminal: where a live progress bar is drawn. */
  readonly errTerminal?: NodeJS.WriteStream;
}

type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan';

/** Colours text when writing to a terminal and NO_COLOR is not set. */
export function paint(io: Io, style: Style, text: string): string {
  return io.tty && !io.env.NO_COLOR ? styleText(style, text) : text;
}
