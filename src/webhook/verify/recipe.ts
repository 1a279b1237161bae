/** What every verification recipe compiles to, and how its account values are read. */
import type { RequestFacts } from '../request.js';

/** A compiled recipe: throws a WebhookFailure when the request is not proven to be the provider's. */
export interface Verifier {
  verify(facts: RequestFacts, nowMs: number): void;
}

/** Renders a template of the recipe (a key, a user name) with the account's values. */
export type RenderValue = (template: string) => string;

/** A recipe compiled for one account, or the templates it lacks values for. */
export type CompiledRecipe = { ok: true; verifier: Verifier } | { ok: false; missing: string[] };

/** The templates among `templates` that render empty for this account. */
export function missingValues(render: RenderValue, templates: readonly string[]): string[] {
  return templates.filter((t) => render(t) === '');
}
