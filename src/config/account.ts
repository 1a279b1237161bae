/** The loaded account type, shared by the JSON and Acrobits XML loaders. */
import type { ConfigIssue } from '../errors.js';
import type { RewritingRule } from '../generated/rewriting.js';
import type { Provider } from '../provider/compile-provider.js';

/** A loaded account: values resolved (environment read), ready to combine with a provider. */
export interface Account {
  /** The file it came from, or `account` for one given in code. */
  readonly source: string;
  /** The provider it names: a built-in id or an absolute path. Absent for Acrobits XML accounts. */
  readonly provider: string | undefined;
  /** The services an Acrobits Account XML document defines itself. */
  readonly inlineProvider: Provider | undefined;
  /** Every account value as text, by key (`%account[KEY]%`). */
  readonly values: Readonly<Record<string, string>>;
  readonly defaultCountry: string | undefined;
  readonly rewriting: readonly RewritingRule[] | undefined;
  readonly allowInsecureSecrets: boolean;
  /** Replaces scheme, host and port of every URL of its provider (`origin` in the file); a connector's own `origin` option wins. */
  readonly origin?: string;
  /**
   * What happens to attachments the provider or the destination cannot take (`mediaFallback` in the
   * file): refuse (the default) fails the message with MEDIA_NOT_SUPPORTED before any request;
   * text-with-link sends the text with each attachment's URL appended.
   */
  readonly mediaFallback?: 'refuse' | 'text-with-link';
  /**
   * What loads but is probably a mistake: a key a letter away from a web-service key
   * (`genericSmsContentTyp`). The CLI prints these; a program may show or ignore them.
   */
  readonly warnings: readonly ConfigIssue[];
}
