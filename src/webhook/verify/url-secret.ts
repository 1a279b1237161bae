/** A shared secret in the webhook URL's query, for providers that sign nothing. */
import type { UrlSecretRecipe } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { firstValue } from '../request.js';
import { secretEqual } from './compare.js';
import { missingValues, type CompiledRecipe, type RenderValue } from './recipe.js';

/** Compiles a URL-secret recipe for an account. */
export function compileUrlSecret(spec: UrlSecretRecipe, render: RenderValue): CompiledRecipe {
  const missing = missingValues(render, [spec.value]);
  if (missing.length > 0) return { ok: false, missing };
  const expected = render(spec.value);
  return {
    ok: true,
    verifier: {
      verify(facts) {
        const given = firstValue(facts.query(), spec.query);
        if (given === undefined)
          throw new WebhookFailure('WEBHOOK_UNVERIFIED', `query key ${spec.query} is missing`, 401);
        if (!secretEqual(given, expected))
          throw new WebhookFailure('WEBHOOK_UNVERIFIED', `query key ${spec.query} holds the wrong secret`);
      },
    },
  };
}
