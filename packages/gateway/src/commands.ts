/** The commands this package adds to `switchboard` (loaded by name: src/cli/package-commands.ts). */
export { serve } from './cli/serve.js';
export { gateway } from './cli/gateway.js';
