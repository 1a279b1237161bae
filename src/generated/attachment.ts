/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * One file sent with a message (a picture, a video, a vCard): providers fetch it by URL, so it must be reachable by the provider. The optional facts let Switchboard check the provider's media rules before sending; the provider checks what it fetches itself.
 */
export interface Attachment {
  /**
   * Where the provider fetches the file: an https:// URL (plain http:// only on a loopback host, for tests and local providers).
   */
  url: string;
  /**
   * The file's MIME type, such as image/jpeg, as the URL serves it; checked against the provider's accepted types.
   */
  contentType?: string;
  /**
   * The file's name as the recipient should see it, for providers that take one.
   */
  filename?: string;
  /**
   * The file's size in bytes; checked against the provider's limits per attachment and per message.
   */
  size?: number;
}
