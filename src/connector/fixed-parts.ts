/**
 * The parts of a request that read no parameter, only account values and literal text: a
 * URL such as `.../Accounts/%account[username]%/...`, a Basic credential, an API key header. They come
 * out the same for every request of one account, so they are rendered once per account, service
 * and origin instead of once per message. Templates are pure (their functions are digests and
 * encodings), and the account's values are fixed when the connector binds it.
 */
import type { CompiledService } from '../provider/compile-service.js';
import type { CompiledTemplate } from '../template/compile.js';
import { RenderError } from '../template/escape.js';
import { renderTemplate, type Scope } from '../template/render.js';

/** What one service renders the same for every request of one account; undefined where it does not. */
export interface FixedParts {
  readonly origin: string | undefined;
  /** The URL with the origin override applied. */
  readonly url: string | undefined;
  /** Header values, by their index in the service's headers. */
  readonly headers: readonly (string | undefined)[];
  /** `Basic …` for a Basic auth whose user name and password read no parameter. */
  readonly basic: string | undefined;
}

// Keyed by the account values object itself: a connector's binding keeps one for its life, and
// the entries go when it does.
const FIXED = new WeakMap<object, WeakMap<CompiledService, FixedParts>>();
const NO_PARAMS: Scope['params'] = Object.freeze(Object.create(null) as Record<string, string>);

/**
 * The fixed parts of `service` for `account` (unmasked, as sent). `render` turns the user name and
 * password into the Basic header, so its checks (no `:` in the user name) stay in one place.
 */
export function fixedParts(
  service: CompiledService,
  account: Scope['account'],
  origin: string | undefined,
  withOrigin: (url: string, origin: string | undefined) => string,
  basic: (username: string, password: string) => string,
): FixedParts {
  let byService = FIXED.get(account);
  if (byService === undefined) FIXED.set(account, (byService = new WeakMap()));
  const known = byService.get(service);
  if (known !== undefined && known.origin === origin) return known;
  const scope: Scope = { params: NO_PARAMS, account };
  const url = fixedText(service.url, scope);
  const auth = service.auth;
  const parts: FixedParts = {
    origin,
    url: url === undefined ? undefined : withOrigin(url, origin),
    headers: service.headers.map((header) => fixedText(header.value, scope)),
    basic:
      auth?.type === 'basic'
        ? fixed(() => {
            const username = fixedText(auth.username, scope);
            const password = fixedText(auth.password, scope);
            return username === undefined || password === undefined ? undefined : basic(username, password);
          })
        : undefined,
  };
  byService.set(service, parts);
  return parts;
}

/** The text of a template that reads no parameter; undefined when it reads one or cannot render (then each request renders it, and fails, itself). */
function fixedText(template: CompiledTemplate, scope: Scope): string | undefined {
  if (template.params.size > 0) return undefined;
  return fixed(() => renderTemplate(template, scope));
}

function fixed(render: () => string | undefined): string | undefined {
  try {
    return render();
  } catch (error) {
    if (error instanceof RenderError) return undefined;
    throw error;
  }
}
