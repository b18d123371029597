/**
 * What keeps token values out of log lines: a logged request body loses every `"token"` field's
 * value, and a whole line loses every token value the process has known (LogSink.write).
 */

/** A string literal, and the string after it when it is an object key: `"key": "value"`. */
const STRING_OR_PAIR = /("(?:[^"\\]|\\.)*")(?:(\s*:\s*)("(?:[^"\\]|\\.)*"))?/g;
const REDACTED = '"[redacted]"';

/**
 * A request body as it may be logged: the value of every `"token"` key is replaced. A text with
 * no backslash cannot spell a key or a value in escapes, and one regex does. Otherwise each
 * string literal is read as JSON reads it, so `"\u0074oken"` is the key `token`, and a literal
 * whose decoded text holds a known secret (written with escapes, the line-wide scrub cannot see
 * it) is replaced too.
 */
export function redactBody(body: string, secrets: readonly string[]): string {
  if (!body.includes('\\')) return redactPlainTokens(body);
  const scrub = (literal: string): string => {
    if (!literal.includes('\\')) return literal;
    const text = decode(literal);
    return text !== undefined && secrets.some((secret) => text.includes(secret)) ? REDACTED : literal;
  };
  return body.replace(
    STRING_OR_PAIR,
    (_match, first: string, separator: string | undefined, second: string | undefined) => {
      if (second === undefined) return scrub(first);
      if (decode(first) === 'token') return `${first}${separator}${REDACTED}`;
      return `${scrub(first)}${separator}${scrub(second)}`;
    },
  );
}

/**
 * Every `"token": "..."` pair's value replaced, in a text without a backslash (so each `"`
 * starts or ends a string), read by hand: this runs on every logged business call (each body
 * has a token), and a regex replace cost five times as much.
 */
function redactPlainTokens(body: string): string {
  let redacted = '';
  let copied = 0;
  for (let at = body.indexOf('"token"'); at >= 0; at = body.indexOf('"token"', at + 1)) {
    let next = skipSpace(body, at + 7);
    if (body[next] !== ':') continue;
    next = skipSpace(body, next + 1);
    if (body[next] !== '"') continue;
    const end = body.indexOf('"', next + 1);
    if (end < 0) break;
    redacted += body.slice(copied, next) + REDACTED;
    copied = end + 1;
    at = end;
  }
  return copied === 0 ? body : redacted + body.slice(copied);
}

const SPACE = /\s/;
function skipSpace(text: string, from: number): number {
  while (from < text.length && SPACE.test(text[from]!)) from++;
  return from;
}

function decode(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/**
 * The forms a secret takes in a line: as it is, and JSON-escaped once (a field's value) and
 * twice (inside a logged body, itself a string field), when escaping changes it.
 */
export function secretForms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([secret, once, twice])];
}

/**
 * A set of values never to show, each kept from the first time it is known for as long as the
 * process runs (revoked or deleted, it may still be in a client's hands), in every form a JSON
 * line may spell it.
 */
export class Redactor {
  private readonly known = new Set<string>();
  /** The values, for redactBody. */
  readonly values: string[] = [];
  private readonly forms: string[] = [];

  remember(values: readonly string[]): void {
    for (const value of values) {
      if (value.length === 0 || this.known.has(value)) continue;
      this.known.add(value);
      this.values.push(value);
      for (const form of secretForms(value)) if (!this.forms.includes(form)) this.forms.push(form);
    }
  }

  /** `text` (plain text, not JSON) with every known value replaced by `[redacted]`. */
  scrub(text: string): string {
    for (const form of this.forms) {
      if (text.includes(form)) text = text.replaceAll(form, '[redacted]');
    }
    return text;
  }

  /** Whether `text` holds any form of a known value (a loop, not a closure: every line asks). */
  private holdsAny(text: string): boolean {
    for (const form of this.forms) if (text.includes(form)) return true;
    return false;
  }

  /**
   * JSON text with every known value replaced inside its strings, and only there: a short
   * secret (`true`, `200`) must not turn `"debug":true` into invalid JSON, and a match cutting
   * an escape in two takes its whole string. Costs one `includes` per form when nothing matches.
   */
  scrubJson(json: string): string {
    if (!this.holdsAny(json)) return json;
    return json.replace(STRING_LITERAL, (literal) => {
      const scrubbed = this.scrub(literal);
      return scrubbed === literal || decode(scrubbed) !== undefined ? scrubbed : REDACTED;
    });
  }
}

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
