/** The commands this package adds to `switchboard` (loaded by name: src/cli/package-commands.ts). */
export { enqueue, worker, status } from './cli/queue.js';
