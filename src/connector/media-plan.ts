/**
 * Decides, before any request, what each recipient of a message with attachments gets: the media
 * (the provider and the destination take it), the text with the links appended, or a refusal, as
 * the account's mediaFallback says. Recipients that get the same are sent together.
 */
import type { Account } from '../config/account.js';
import type { Attachment } from '../generated/attachment.js';
import type { Provider } from '../provider/compile-provider.js';
import { attachmentsProblem, mediaRefusal, recipientCountry, withLinks } from '../media/attachments.js';

/** Recipients (by their index in the message) that are sent the same text and attachments. */
export interface MediaGroup {
  readonly indices: readonly number[];
  readonly body: string;
  readonly media: readonly Attachment[];
}

/** What a message's attachments lead to. */
export type MediaPlan =
  | { readonly kind: 'invalid'; readonly error: string }
  | {
      readonly kind: 'planned';
      readonly groups: readonly MediaGroup[];
      /** Recipients refused, by index, with the reason. */
      readonly refused: ReadonlyMap<number, string>;
    };

/** Plans `media` for `recipients`; `defaultCountry` reads numbers typed without a country code. */
export function planMedia(
  body: string,
  media: readonly Attachment[],
  recipients: readonly string[],
  provider: Provider,
  account: Account,
  defaultCountry: string | undefined,
): MediaPlan {
  const invalid = attachmentsProblem(media);
  if (invalid !== undefined) return { kind: 'invalid', error: invalid };
  const withMedia: number[] = [];
  const withLink: number[] = [];
  const refused = new Map<number, string>();
  // Without a country rule the answer is the same for everyone: worked out once.
  const shared = provider.media?.countries === undefined ? mediaRefusal(provider.media, media, undefined) : undefined;
  recipients.forEach((to, i) => {
    const reason =
      provider.media?.countries === undefined
        ? shared
        : mediaRefusal(provider.media, media, recipientCountry(to, defaultCountry));
    if (reason === undefined) withMedia.push(i);
    else if (account.mediaFallback === 'text-with-link') withLink.push(i);
    else
      refused.set(
        i,
        `${reason}; nothing was sent (set "mediaFallback": "text-with-link" in the account to send the links in the text)`,
      );
  });
  const groups: MediaGroup[] = [];
  if (withMedia.length > 0) groups.push({ indices: withMedia, body, media });
  if (withLink.length > 0) groups.push({ indices: withLink, body: withLinks(body, media), media: [] });
  return { kind: 'planned', groups, refused };
}
