import { createParser } from 'eventsource-parser';
import type { Session } from '../session.js';
import { adminHeaders, urlOf, type Query } from './client.js';

export interface StreamHandlers {
  onEvent(event: string, data: string): void;
  /** The stream is (re)connected; `false` while waiting to reconnect. */
  onConnected?(connected: boolean): void;
}

const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * Follows a Server-Sent Events endpoint of the admin API until `signal` aborts, reconnecting
 * after a drop. Read with fetch rather than EventSource so the admin token travels in the
 * Authorization header, never in a URL.
 */
export async function followStream(
  session: Session,
  path: string,
  query: Query,
  handlers: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    try {
      const response = await fetch(urlOf(session, path, query), {
        headers: { ...adminHeaders(session), accept: 'text/event-stream' },
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      attempt = 0;
      handlers.onConnected?.(true);
      const parser = createParser({
        onEvent: (message) => handlers.onEvent(message.event ?? 'message', message.data),
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      if (signal.aborted) return;
    }
    handlers.onConnected?.(false);
    await sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]!, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
