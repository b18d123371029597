import { describe, expect, it } from 'vitest';
import { Redactor, redactBody, secretForms } from '../../src/server/logs/redact.js';

const SECRET = 'adt_s3cr3t-value-0123456789';

describe('redactBody', () => {
  it('blanks a plainly written "token" field, anywhere', () => {
    expect(redactBody('{"token":"abc","body":{"token" : "def","x":1}}', [])).toBe(
      '{"token":"[redacted]","body":{"token" : "[redacted]","x":1}}',
    );
  });

  it('reads keys as JSON does: an escaped "token" key is blanked too', () => {
    expect(redactBody('{"\\u0074oken":"abc","body":{}}', [])).toBe('{"\\u0074oken":"[redacted]","body":{}}');
    expect(redactBody('{"to\\u006ben" :"abc"}', [])).toBe('{"to\\u006ben" :"[redacted]"}');
  });

  it('blanks a literal that spells a known secret in escapes, key or value', () => {
    const escapedValue = `{"body":{"name":"\\u0061${SECRET.slice(1)}","other":"kept \\n"}}`;
    expect(redactBody(escapedValue, [SECRET])).toBe('{"body":{"name":"[redacted]","other":"kept \\n"}}');
    const inKey = `{"body":{"\\u0061${SECRET.slice(1)}":1}}`;
    expect(redactBody(inKey, [SECRET])).toBe('{"body":{"[redacted]":1}}');
  });

  it('blanks the same as a regex over any text without a backslash, broken JSON included', () => {
    const pairs = /("token"\s*:\s*)"[^"]*"/g;
    const parts = ['"token"', ':', ' ', '"', 'x', '{', '}', ',', '\u00a0', '"tok"', 'en'];
    let seed = 7;
    const pick = () => parts[(seed = (seed * 48271) % 2147483647) % parts.length]!;
    for (let n = 0; n < 5000; n++) {
      const text = Array.from({ length: 1 + (n % 12) }, pick).join('');
      expect(redactBody(text, []), text).toBe(text.replace(pairs, '$1"[redacted]"'));
    }
  });

  it('leaves other text as it was sent, broken JSON included', () => {
    const text = '{"a":"x\\"y", "b": [1, 2], "c": "unterminated';
    expect(redactBody(text, [SECRET])).toBe(text);
  });
});

describe('secretForms', () => {
  it('gives the value as a log line may spell it: as is, escaped once and twice', () => {
    expect(secretForms('plain')).toEqual(['plain']);
    expect(secretForms('a"b')).toEqual(['a"b', 'a\\"b', 'a\\\\\\"b']);
  });
});

describe('Redactor.scrubJson', () => {
  const redactor = new Redactor();
  redactor.remember([SECRET, 'true', 'a\\']);

  it('replaces a value inside strings, in every form', () => {
    const line = JSON.stringify({ msg: `key ${SECRET}`, body: JSON.stringify({ key: SECRET }) });
    const scrubbed = redactor.scrubJson(line);
    expect(scrubbed).not.toContain(SECRET);
    expect(JSON.parse(scrubbed)).toEqual({ msg: 'key [redacted]', body: '{"key":"[redacted]"}' });
  });

  it('keeps the JSON valid: a short secret spelling `true` leaves the booleans alone', () => {
    const scrubbed = redactor.scrubJson('{"debug":true,"msg":"it is true"}');
    expect(JSON.parse(scrubbed)).toEqual({ debug: true, msg: 'it is [redacted]' });
  });

  it('takes a whole string when a match would cut an escape in two', () => {
    // the secret a\ as is matches the first half of the escaped form a\\
    const scrubbed = redactor.scrubJson(JSON.stringify({ msg: 'xa\\\\y' }));
    expect(() => JSON.parse(scrubbed) as unknown).not.toThrow();
    expect(scrubbed).not.toContain('a\\');
  });

  it('returns the very text when nothing matches', () => {
    const line = '{"level":30,"msg":"nothing here"}';
    expect(redactor.scrubJson(line)).toBe(line);
  });
});
