import { redactBody } from './redact.js';

/**
 * What the request log says of one answered request, as collected on the hot path: plain
 * values, nothing serialized yet (see LogSink.request).
 */
export interface RequestRecord {
  time: number;
  requestId: string;
  /** The W3C trace it belongs to: the caller's (`traceparent`) or the runtime's own span. */
  traceId?: string | undefined;
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
  client: string | undefined;
  /** The label of the token it was authenticated with: logged, never the token itself. */
  tokenLabel: string | undefined;
  /** The request body as received, when `logRequestBody`. */
  body: string | undefined;
  /** The answer's `data` as JSON, when `logResponseData`. */
  response: string | undefined;
  /** `panel` when the control panel itself made the request (see PANEL_SOURCE). */
  source?: string;
  /** An error answer's code and message, as the envelope says them (secrets already redacted). */
  code?: string;
  error?: string;
}

/** Characters a JSON string cannot hold as they are (and lone surrogates, which it escapes). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The request's NDJSON log line, in pino's shape (`level`, `time`, the fields, `msg`), the
 * same text `JSON.stringify` gives for those fields in that order. Written out field by field:
 * this is the line written for every request, and a fixed shape lets most strings be quoted
 * without JSON.stringify's scan of an object (a test compares the two on awkward values).
 * A body, and an error's message, keep no `"token"` value nor any of `secrets` (see redactBody),
 * and the texts are cut to `maxText` characters.
 */
export function requestLine(record: RequestRecord, maxText: number, secrets: readonly string[] = []): string {
  let line = `{"level":30,"time":${record.time},"kind":"request","requestId":${quote(record.requestId)}`;
  // Hex digits only (trace-context.ts): no escaping to look for.
  if (record.traceId !== undefined) line += `,"traceId":"${record.traceId}"`;
  line += `,"method":${quote(record.method)},"endpoint":${quote(record.endpoint)},"status":${record.status},"durationMs":${record.durationMs}`;
  if (record.client !== undefined) line += `,"client":${quote(record.client)}`;
  if (record.tokenLabel !== undefined) line += `,"tokenLabel":${quote(record.tokenLabel)}`;
  if (record.source !== undefined) line += `,"source":${quote(record.source)}`;
  if (record.code !== undefined) line += `,"code":${quote(record.code)}`;
  // An error may quote the body (INVALID_JSON): its token values go as the body's do.
  if (record.error !== undefined)
    line += `,"error":${JSON.stringify(cut(redactBody(record.error, secrets), maxText))}`;
  if (record.body) line += `,"body":${JSON.stringify(cut(redactBody(record.body, secrets), maxText))}`;
  if (record.response) line += `,"response":${JSON.stringify(cut(record.response, maxText))}`;
  return `${line},"msg":${quote(`${record.method} ${record.endpoint} ${record.status}`)}}\n`;
}

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
