/**
 * Checks in several steps report every problem at once (DESIGN §6: "every problem in every file"):
 * a step that finds problems adds them, and the steps after it still run.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';

/** Runs `step`; when it throws ConfigError, adds its issues to `issues` and returns undefined. */
export function gather<T>(issues: ConfigIssue[], step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
    return undefined;
  }
}

/** The value of the last step, or a ConfigError with every issue the steps found. */
export function allOrThrow<T>(issues: readonly ConfigIssue[], value: T | undefined): T {
  if (issues.length > 0 || value === undefined) throw new ConfigError(issues);
  return value;
}
