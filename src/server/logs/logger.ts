import pino, { type Logger } from 'pino';
import type { LogSink } from './sink.js';

export type { Logger };

/** The four kinds of log entry the original names. */
export type LogKind = 'request' | 'error' | 'system' | 'auth';

/**
 * The runtime's structured logger: NDJSON lines with a `kind` field, into the sink (ring
 * buffer, rolling file, stdout). Fields that could carry a token are redacted by pino; the sink
 * scrubs token values from whole lines as a second guard.
 */
export function createLogger(sink: LogSink, level = 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        // Plain paths only: wildcards make pino's redaction walk every entry. The sink scrubs
        // token values from whole lines anyway.
        paths: ['token', 'headers.authorization', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    sink,
  );
}
