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
  let line = `{"level":30,"time":${timeText(record.time)},"kind":"request","requestId":${quote(record.requestId)}`;
  // Hex digits only (trace-context.ts): no escaping to look for.
  if (record.traceId !== undefined) line += `,"traceId":"${record.traceId}"`;
  const frame = frameOf(record.method, record.endpoint, record.status);
  line += `${frame.fields}${hundredths(record.durationMs)}`;
  if (record.client !== undefined) line += `,"client":${quote(record.client)}`;
  if (record.tokenLabel !== undefined) line += `,"tokenLabel":${quote(record.tokenLabel)}`;
  if (record.source !== undefined) line += `,"source":${quote(record.source)}`;
  if (record.code !== undefined) line += `,"code":${quote(record.code)}`;
  // An error may quote the body (INVALID_JSON): its token values go as the body's do.
  if (record.error !== undefined)
    line += `,"error":${JSON.stringify(cut(redactBody(record.error, secrets), maxText))}`;
  if (record.body) line += `,"body":${JSON.stringify(cut(redactBody(record.body, secrets), maxText))}`;
  if (record.response) line += `,"response":${JSON.stringify(cut(record.response, maxText))}`;
  return line + frame.msg;
}

/**
 * What a line says of its method, endpoint and status: the fields from `"method"` to
 * `"durationMs":`, and its end from `"msg"`. The same for every call of an endpoint, so they
 * are written once per endpoint and status and kept, for up to MAX_FRAMES of them (a client
 * may send any path: past that, a line's are written without being kept).
 */
interface Frame {
  fields: string;
  msg: string;
}
const MAX_FRAMES = 2000;
/**
 * By endpoint, then method, then status: looked up by the strings the line is made of, with
 * no key to build (a new string would be hashed again for every line; an endpoint's registered
 * path and a method keep theirs).
 */
const frames = new Map<string, Map<string, Map<number, Frame>>>();
let framesKept = 0;

function frameOf(method: string, endpoint: string, status: number): Frame {
  const kept = frames.get(endpoint)?.get(method)?.get(status);
  if (kept) return kept;
  const msg = `${method} ${endpoint} ${status}`;
  const frame = {
    fields: `,"method":${quote(method)},"endpoint":${quote(endpoint)},"status":${status},"durationMs":`,
    msg: `,"msg":${quote(msg)}}\n`,
  };
  if (framesKept < MAX_FRAMES) {
    framesKept++;
    let byMethod = frames.get(endpoint);
    if (!byMethod) frames.set(endpoint, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    byStatus.set(status, frame);
  }
  return frame;
}

/** `time` as JSON writes it: the same for every line of a millisecond, so written once for them. */
let lastTime = -1;
let lastTimeText = '';
function timeText(time: number): string {
  if (time !== lastTime) {
    lastTime = time;
    lastTimeText = String(time);
  }
  return lastTimeText;
}

/**
 * A duration in milliseconds rounded to hundredths, as JSON writes it, from its whole and
 * hundredths parts: a double's shortest form is the slowest of the line's numbers to write.
 * Anything else (not a whole number of hundredths, too large) is written by String.
 */
function hundredths(value: number): string {
  const count = Math.round(value * 100);
  if (!(count >= 0 && count < 2 ** 31) || count / 100 !== value) return String(value);
  const whole = (count / 100) | 0;
  const part = count % 100;
  if (part === 0) return `${whole}`;
  if (part % 10 === 0) return `${whole}.${part / 10}`;
  return `${whole}.${part < 10 ? '0' : ''}${part}`;
}

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
