/**
 * The start of a message text that a push carries. Cut on code points, never inside a surrogate
 * pair: half an emoji is a lone surrogate, which no JSON or form escaper can write, and the push
 * would be lost.
 */

/** The first `max` code points of `text`, with any lone surrogate already in it made U+FFFD. */
export function previewOf(text: string, max: number): string {
  const points = Array.from(text);
  const cut = points.length > max ? points.slice(0, max).join('') : text;
  return cut.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
