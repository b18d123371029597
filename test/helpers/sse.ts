/** A Server-Sent Events client for tests: fetch + a stream reader, events parsed as they come. */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
  /** `performance.now()` when the event was parsed. */
  receivedAt: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The body when the answer was not a stream (an error envelope). */
  text: string;
  /** Every event received so far (comments such as the heartbeat are left out). */
  events: SseEvent[];
  /** Every comment line received so far (`: connected`, `: heartbeat`). */
  comments: string[];
  /**
   * The first event received since `after` (an index into `events`, 0 by default) that passes
   * `predicate`; rejects when none has come within `timeoutMs`.
   */
  next(predicate: (event: SseEvent) => boolean, timeoutMs: number, after?: number): Promise<SseEvent>;
  close(): void;
}

interface Waiter {
  predicate: (event: SseEvent) => boolean;
  after: number;
  resolve: (event: SseEvent) => void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<Waiter>();
  let text = '';
  const isStream = response.status === 200 && /event-stream/.test(response.headers.get('content-type') ?? '');
  if (!isStream) text = await response.text();
  else {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const parse = (block: string) => {
      let event = 'message';
      const data: string[] = [];
      let id: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        else if (line.startsWith('id:')) id = line.slice(3).trim();
      }
      if (data.length === 0) return;
      const parsed: SseEvent = { event, data: data.join('\n'), id, receivedAt: performance.now() };
      events.push(parsed);
      const index = events.length - 1;
      for (const waiter of waiters) {
        if (index >= waiter.after && waiter.predicate(parsed)) {
          waiters.delete(waiter);
          waiter.resolve(parsed);
        }
      }
    };
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    events,
    comments,
    next(predicate, timeoutMs, after = 0) {
      const found = events.slice(after).find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          after,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching event within ${timeoutMs} ms; got: ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => controller.abort(),
  };
}

/** Waits until `check` returns a value other than undefined, polling; throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
