import pino, { type Logger } from 'pino';

export type { Logger };

/** The four kinds of log entry the original names. */
export type LogKind = 'request' | 'error' | 'system' | 'auth';

/**
 * The runtime's structured logger: NDJSON lines with a `kind` field. Anything that could carry a
 * token is redacted here, once, so no caller has to remember to.
 */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: {
        paths: ['token', 'body.token', 'headers.authorization', 'req.headers.authorization', '*.token'],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
