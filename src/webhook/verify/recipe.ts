/** What every verification recipe compiles to, and how its account values are read. */
import type { RequestFacts } from '../request.js';

/** A compiled recipe: throws a WebhookFailure when the request is not proven to be the provider's. */
export interface Verifier {
  verify(facts: RequestFacts, nowMs: number): void;
  /**
   * What a signature over this request would be, for recipes whose signature can be made from
   * the account's values (HMAC): to sign a made-up request, and to show a failing fixture the
   * string that was signed. Absent for recipes that verify with a public key or a password.
   */
  sign?(facts: RequestFacts): Signature;
}

/** A signature made for a request: the text signed, and the field and value that carry it. */
export interface Signature {
  /** The signed message, as text (the first candidate where canonicalisers give several). */
  readonly signed: string;
  /** Where the signature goes: a header or query key. */
  readonly field: { readonly from: 'header' | 'form' | 'query' | 'param'; readonly name: string };
  /** The field's value, prefix included. */
  readonly value: string;
}

/** Renders a template of the recipe (a key, a user name) with the account's values. */
export type RenderValue = (template: string) => string;

/** A recipe compiled for one account, or the templates it lacks values for. */
export type CompiledRecipe = { ok: true; verifier: Verifier } | { ok: false; missing: string[] };

/** The templates among `templates` that render empty for this account. */
export function missingValues(render: RenderValue, templates: readonly string[]): string[] {
  return templates.filter((t) => render(t) === '');
}
