/**
 * Whether a JSON value contains an expected one, for a saved request's `expect`:
 *
 * - an object matches an object that has each of its keys, each matching (other keys are
 *   allowed: `{"total": 7.2}` matches `{"sku": "TEA", "total": 7.2}`);
 * - an array matches an array of the same length whose elements match one by one, by index
 *   (so `[{"id": 1}]` matches `[{"id": 1, "name": "a"}]` but not `[]` nor two elements);
 * - anything else (string, number, boolean, null) matches only an equal value of the same type.
 *
 * Answers the first difference, depth first in the expected value's order, as
 * `path: expected X, got Y` (`data.total: expected 7.2, got 7`), or undefined when it matches.
 */
export function subsetMismatch(expected: unknown, actual: unknown, path = 'data'): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${count(expected.length)}, got ${count(actual.length)}`;
    }
    for (const [index, item] of expected.entries()) {
      const mismatch = subsetMismatch(item, actual[index], `${path}[${index}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [key, item] of Object.entries(expected)) {
      const at = `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      if (!Object.hasOwn(actual, key)) return `${at}: expected ${show(item)}, got nothing (no such key)`;
      const mismatch = subsetMismatch(item, actual[key], at);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return expected === actual ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const count = (length: number) => `${length} item${length === 1 ? '' : 's'}`;

/** A value as JSON, cut short when long. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
