/** The JSON API's limit on a message (api.md); chat channels cut longer texts rather than drop them. */
export const MAX_TEXT_CHARS = 2000;

/** The text cut to its first MAX_TEXT_CHARS characters (code points, never half a surrogate pair). */
export function limitText(text: string, max = MAX_TEXT_CHARS): string {
  // Each code point is one or two UTF-16 units: at most `max` units always fits.
  if (text.length <= max) return text;
  let count = 0;
  for (let i = 0; i < text.length; count++) {
    if (count === max) return text.slice(0, i);
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return text;
}
