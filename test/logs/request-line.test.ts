// The request line's own serializer writes what JSON.stringify would, for any text in any field.
import { describe, expect, it } from 'vitest';
import { requestLine, type RequestRecord } from '../../src/server/logs/request-line.js';

const record = (more: Partial<RequestRecord> = {}): RequestRecord => ({
  time: 1_764_000_000_123,
  requestId: '0b6f4b7e-8c1a-4b9e-9a55-5f0e7f1f1234',
  method: 'POST',
  endpoint: '/template/sync_hello',
  status: 200,
  durationMs: 1.25,
  client: '::ffff:127.0.0.1',
  tokenLabel: 'bench',
  body: undefined,
  response: undefined,
  ...more,
});

/** The line as the generic serializer writes it: pino's shape, undefined fields left out. */
function expected(r: RequestRecord, body?: string, response?: string): string {
  const { time, requestId, method, endpoint, status, durationMs, client, tokenLabel } = r;
  return `${JSON.stringify({
    level: 30,
    time,
    kind: 'request',
    requestId,
    method,
    endpoint,
    status,
    durationMs,
    client,
    tokenLabel,
    body,
    response,
    msg: `${method} ${endpoint} ${status}`,
  })}\n`;
}

const AWKWARD = [
  'plain',
  'quote " and backslash \\',
  'control \u0000 \u0001 \t \n \r \u001f',
  'é 日本語 🙂',
  'lone surrogates \ud800 and \udfff',
  '\u2028 line separators \u2029',
  '',
  '</script>',
];

describe('requestLine', () => {
  it('is the JSON.stringify line for ordinary and awkward texts in every field', () => {
    for (const text of AWKWARD) {
      const r = record({ endpoint: `/m/${text}`, tokenLabel: text, client: text, requestId: text });
      expect(requestLine(r, 1000)).toBe(expected(r));
      expect(JSON.parse(requestLine(r, 1000)).tokenLabel).toBe(text);
    }
  });

  it('leaves out a client or token label it does not have', () => {
    const r = record({ client: undefined, tokenLabel: undefined, status: 401 });
    expect(requestLine(r, 1000)).toBe(expected(r));
    expect(JSON.parse(requestLine(r, 1000))).not.toHaveProperty('tokenLabel');
  });

  it('writes the body and the response as texts, a "token" value in the body redacted', () => {
    const body = '{"token": "s3cret\\"x", "body": {"name": "Ada", "note": "token"}}';
    const r = record({ body, response: '{"message":"Hello, Ada!"}' });
    expect(requestLine(r, 1000)).toBe(
      expected(
        r,
        '{"token": "[redacted]", "body": {"name": "Ada", "note": "token"}}',
        '{"message":"Hello, Ada!"}',
      ),
    );
    expect(requestLine(r, 1000)).not.toContain('s3cret');
  });

  it('cuts the body and the response to the limit, saying how long they were', () => {
    const r = record({ body: `{"text":"${'x'.repeat(100)}"}`, response: 'y'.repeat(50) });
    const entry = JSON.parse(requestLine(r, 20));
    expect(entry.body).toBe(`{"text":"${'x'.repeat(11)}… (111 chars)`);
    expect(entry.response).toBe(`${'y'.repeat(20)}… (50 chars)`);
  });

  it("says the panel's own requests and an error answer's code and message, in awkward texts too", () => {
    for (const text of AWKWARD) {
      const r = record({ status: 422, source: 'panel', code: 'VALIDATION_ERROR', error: text });
      const line = requestLine(r, 1000);
      expect(JSON.parse(line)).toMatchObject({ source: 'panel', code: 'VALIDATION_ERROR', error: text });
    }
    const cutShort = JSON.parse(requestLine(record({ code: 'FUNCTION_ERROR', error: 'e'.repeat(50) }), 20));
    expect(cutShort.error).toBe(`${'e'.repeat(20)}… (50 chars)`);
    expect(requestLine(record(), 1000)).not.toMatch(/"(source|code|error)"/);
    const quoting = record({
      code: 'INVALID_JSON',
      error: 'Unexpected token \'}\', "{"token": "s3cret", }" is not valid JSON',
    });
    expect(requestLine(quoting, 1000)).not.toContain('s3cret');
  });

  it('writes every duration, status and time as JSON.stringify does', () => {
    const durations = [0, 0.01, 0.1, 0.35, 1, 1.05, 1.15, 2.5, 12.34, 999.99, 1000, 123456.78, 21474836.47];
    // not whole hundredths, or past what the short form takes: written by String
    durations.push(0.125, 1 / 3, 21474836.48, 1e12 + 0.5, 1e21, -1.5);
    for (const durationMs of durations) {
      for (const status of [200, 404, 422, 500]) {
        const r = record({ durationMs, status, time: 1_764_000_000_000 + status });
        expect(requestLine(r, 1000)).toBe(expected(r));
      }
    }
  });

  it('writes the right line for each of thousands of paths, kept or not', () => {
    for (let i = 0; i < 5000; i++) {
      const r = record({
        endpoint: `/m${i % 2500}/f "${i}"`,
        status: 200 + (i % 3),
        method: i % 2 ? 'POST' : 'GET',
      });
      expect(requestLine(r, 1000)).toBe(expected(r));
    }
  });
});
