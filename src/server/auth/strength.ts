/**
 * Whether a token value is beyond guessing, so that locking out its holder (see FailedAttempts)
 * protects nothing. The estimate is the text's length times the Shannon entropy of its
 * characters: a random 32-byte base64url token (every token this program makes) is about 200
 * bits; `your-admin-token` or a word with digits is well under 80. It cannot see that a long
 * text is a phrase someone could guess from a dictionary, which is why the bar is high.
 */
export const UNGUESSABLE_BITS = 100;
/** Below this many characters no value counts, whatever its mix. */
const MIN_LENGTH = 20;

export function estimatedBits(value: string): number {
  const characters = [...value];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return characters.length * perCharacter;
}

export const isUnguessable = (value: string): boolean =>
  value.length >= MIN_LENGTH && estimatedBits(value) >= UNGUESSABLE_BITS;
