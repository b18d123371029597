const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Why a JSON text nests too deep, if it does: a single pass over its characters counting the
 * `{` and `[` open at once, outside strings. It does not check the syntax (JSON.parse does that
 * next), only that no value is more than `maxDepth` levels deep (the request object itself is
 * level 1).
 */
export function jsonDepthProblem(text: string, maxDepth: number): string | undefined {
  // Each level opens with a character of its own: a shorter text cannot nest deeper.
  if (text.length <= maxDepth) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (++depth > maxDepth) {
        return `The request body nests deeper than the limit of ${maxDepth} levels (maxJsonDepth in the config)`;
      }
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
    }
  }
  return undefined;
}
