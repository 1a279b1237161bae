/** Where the package's own files (schemas, built-in providers) are, from src/ and from dist/ alike. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A path inside the installed package. */
export function packagePath(...parts: string[]): string {
  return join(root, ...parts);
}

/** The folder of built-in providers. */
export const PROVIDERS_DIR = packagePath('providers');
