/** HTTP Basic credentials the provider was configured to send: for providers that sign nothing. */
import type { BasicRecipe } from '../../generated/provider.js';
import { WebhookFailure } from '../failure.js';
import { secretEqual } from './compare.js';
import { missingValues, type CompiledRecipe, type RenderValue } from './recipe.js';

/** Compiles a Basic recipe for an account; both values must be set. */
export function compileBasic(spec: BasicRecipe, render: RenderValue): CompiledRecipe {
  const missing = missingValues(render, [spec.username, spec.password]);
  if (missing.length > 0) return { ok: false, missing };
  const expected = `${render(spec.username)}:${render(spec.password)}`;
  return {
    ok: true,
    verifier: {
      verify(facts) {
        const header = facts.header('authorization');
        const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
        if (match === null) throw new WebhookFailure('WEBHOOK_UNVERIFIED', 'Basic credentials are missing', 401);
        const given = Buffer.from(match[1] as string, 'base64').toString('utf8');
        if (!secretEqual(given, expected))
          throw new WebhookFailure('WEBHOOK_UNVERIFIED', 'the Basic credentials are wrong', 401);
      },
    },
  };
}
