import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LogEntry, LogQuery } from '../../../../shared/admin-api.js';
import { adminRequest, ApiError } from '../../api/client.js';
import { useSession } from '../../api/hooks.js';
import { followStream } from '../../api/stream.js';
import { LogTail, type TailState } from './log-tail.js';

/** Lines asked for on opening (and after a reconnect, to fill the gap); the server allows 5000. */
export const HISTORY_LIMIT = 1000;

export interface LogTailControls {
  state: TailState;
  pause(): void;
  resume(): void;
  clear(): void;
}

/**
 * The recent log lines matching `query`, then the new ones live: `GET /api/logs` and
 * `/api/logs/stream` with the same filters, restarted when they change. Lines are applied once
 * per animation frame, however fast they come.
 */
export function useLogTail(query: LogQuery, { tail: given }: { tail?: LogTail } = {}): LogTailControls {
  const session = useSession();
  const [tail] = useState(() => given ?? new LogTail());
  const state = useSyncExternalStore(tail.subscribe, tail.getState);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    const filters = JSON.parse(queryKey) as LogQuery;
    const abort = new AbortController();
    const { signal } = abort;
    tail.reset();
    const history = (since?: number) =>
      adminRequest<{ entries: LogEntry[] }>(session, 'GET', '/api/logs', {
        query: { ...filters, limit: HISTORY_LIMIT, since },
        signal,
      }).then((data) => data.entries);

    history().then(
      (entries) => !signal.aborted && tail.load(entries),
      (error: unknown) => !signal.aborted && tail.fail(describe(error)),
    );
    void followStream(
      session,
      '/api/logs/stream',
      { ...filters },
      {
        onEvent(event, data) {
          if (event === 'log') {
            const entry = parseEntry(data);
            if (entry) tail.receive([entry]);
          } else if (event === 'dropped') {
            tail.noteSkipped(Number(parseJson<{ count?: unknown }>(data)?.count) || 0);
          }
        },
        onConnected(connected) {
          tail.setConnection(connected ? 'live' : 'reconnecting');
          if (!connected) return;
          // Ask for what was written before the stream was following: after a drop, and on
          // the first connection too, as a line written between the history's answer and the
          // stream's start would otherwise never show (duplicates are ignored).
          history(tail.newestTime()).then(
            (entries) => !signal.aborted && tail.receive(entries),
            () => undefined,
          );
        },
      },
      signal,
    );
    return () => {
      abort.abort();
      tail.cancel();
    };
  }, [session, tail, queryKey]);

  return {
    state,
    pause: () => tail.pause(),
    resume: () => tail.resume(),
    clear: () => tail.clear(),
  };
}

function parseEntry(data: string): LogEntry | undefined {
  const entry = parseJson<LogEntry>(data);
  return entry && typeof entry.seq === 'number' && typeof entry.time === 'number' ? entry : undefined;
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
