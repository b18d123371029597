import pino, { type Logger } from 'pino';
import type { LogSink } from './sink.js';

export type { Logger };

/**
 * The runtime's structured logger: NDJSON lines with a `kind` field, into the sink (ring
 * buffer, rolling file, stdout). No entry carries a token or an Authorization header: requests
 * are logged by token label, logged bodies have their `"token"` fields blanked, and the sink
 * replaces every token value in whole lines, whatever the field. (pino's own `redact` is not
 * used: it costs on every line and would only repeat that.)
 */
export function createLogger(sink: LogSink, level = 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
    },
    sink,
  );
}
