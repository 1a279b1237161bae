/**
 * Compiles a provider's verification recipe for one account: the closed set of recipes, and
 * `anyOf` over them. A recipe the account has no values for is unusable; `anyOf` needs one usable.
 */
import type { WebhookVerify } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { compileBasic } from './basic.js';
import { compileEd25519 } from './ed25519.js';
import { compileHmac } from './hmac.js';
import { compileJwt } from './jwt.js';
import type { CompiledRecipe, RenderValue, Verifier } from './recipe.js';
import { compileUrlSecret } from './url-secret.js';

/** Compiles `spec`; `missing` lists the account values it lacks when no recipe is usable. */
export function compileVerifier(spec: WebhookVerify, render: RenderValue): CompiledRecipe {
  switch (spec.type) {
    case 'hmac':
      return compileHmac(spec, render);
    case 'ed25519':
      return compileEd25519(spec, render);
    case 'jwt':
      return compileJwt(spec, render);
    case 'basic':
      return compileBasic(spec, render);
    case 'urlSecret':
      return compileUrlSecret(spec, render);
    case 'anyOf':
      return compileAnyOf(spec.recipes, render);
  }
}

function compileAnyOf(recipes: readonly WebhookVerify[], render: RenderValue): CompiledRecipe {
  const compiled = recipes.map((r) => compileVerifier(r, render));
  const usable = compiled.flatMap((c) => (c.ok ? [c.verifier] : []));
  if (usable.length === 0)
    return { ok: false, missing: [...new Set(compiled.flatMap((c) => (c.ok ? [] : c.missing)))] };
  const verifier: Verifier = {
    verify(facts, nowMs) {
      let first: WebhookFailure | undefined;
      for (const v of usable) {
        try {
          v.verify(facts, nowMs);
          return;
        } catch (error) {
          if (!(error instanceof WebhookFailure) || error.code === 'WEBHOOK_MALFORMED') throw error;
          first ??= error;
        }
      }
      throw first as WebhookFailure;
    },
  };
  return { ok: true, verifier };
}
