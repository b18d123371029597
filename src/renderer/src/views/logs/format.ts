import type { LogEntry } from '../../../../shared/admin-api.js';
import type { Replay } from '../../request-history.js';
import { formatClock, formatDateTime } from '../../time.js';

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** pino's level number as its name (`info`), or the number when it is not a standard one. */
export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? String(level);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** A log line's time of day, to the millisecond, in the user's locale. */
export const formatLogTime = (time: number) => formatClock(time, { ms: true });

/** A log line's date and time, for a tooltip or the details. */
export const formatLogDateTime = (time: number) => formatDateTime(time, { ms: true });

export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  return `${ms >= 100 ? Math.round(ms) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`;
}

/** The CSS class colouring a status: good (2xx), muted (1xx, 3xx), warn (4xx), bad (5xx). */
export function statusClass(status: unknown): string {
  if (typeof status !== 'number') return '';
  if (status >= 500) return 'bad';
  if (status >= 400) return 'warn';
  if (status >= 200 && status < 300) return 'good';
  return 'muted';
}

/**
 * The line's message. A request line's own `msg` repeats its request and status: it says
 * instead what went wrong (`CODE: message`), else what the function logged during the call
 * (`functionLog`: its `app` lines' text). Other lines: pino's `msg`, or an error's message.
 */
export function messageOf(entry: LogEntry, functionLog?: string): string {
  if (entry.kind === 'request') {
    if (typeof entry.code === 'string') return [entry.code, entry.error].filter(Boolean).join(': ');
    return functionLog ?? '';
  }
  if (typeof entry.msg === 'string' && entry.msg) return entry.msg;
  const err = entry.err as { message?: unknown } | undefined;
  return typeof err?.message === 'string' ? err.message : '';
}

/** The text each call's function logged (its `app` lines), by request id, oldest line first. */
export function functionLogs(entries: Iterable<LogEntry>): Map<string, string> {
  const logs = new Map<string, string>();
  for (const entry of entries) {
    if (entry.kind !== 'app' || typeof entry.requestId !== 'string' || !entry.msg) continue;
    const before = logs.get(entry.requestId);
    logs.set(entry.requestId, before === undefined ? entry.msg : `${before} · ${entry.msg}`);
  }
  return logs;
}

/** The entries as NDJSON: one JSON object a line. */
export function toNdjson(entries: Iterable<LogEntry>): string {
  let text = '';
  for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
  return text;
}

/** `api-deploy-logs-2026-11-24T10-20-30.ndjson`, in local time, safe as a file name anywhere. */
export function downloadName(now = new Date()): string {
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return `api-deploy-logs-${stamp}.ndjson`;
}

/**
 * What "Open in request panel" hands the request view: the endpoint and, when the request's
 * body was logged, its parameters. The logged text is the whole request `{"token", "body"}`
 * (its token already blanked by the server): only `body` is kept, so no token is ever passed
 * on. A text cut at `logMaxBodySize` does not parse and is passed as it is.
 */
export function replayOf(entry: LogEntry): Replay | undefined {
  if (entry.kind !== 'request' || typeof entry.endpoint !== 'string' || !entry.endpoint.startsWith('/'))
    return;
  const logged = entry.body;
  if (logged === undefined || logged === null || logged === '') return { endpoint: entry.endpoint };
  let parsed: unknown = logged;
  if (typeof logged === 'string') {
    try {
      parsed = JSON.parse(logged);
    } catch {
      return { endpoint: entry.endpoint, body: logged };
    }
  }
  const isEnvelope =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    ('body' in parsed || 'token' in parsed);
  return {
    endpoint: entry.endpoint,
    body: isEnvelope ? ((parsed as { body?: unknown }).body ?? {}) : parsed,
  };
}
