import type { IncomingMessage, ServerResponse } from 'node:http';

const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Sends an event; dropped (and counted) while the client reads slower than events come. */
  send(event: string, data: unknown, id?: number): void;
  /** Runs when the client goes away. */
  onClose(cleanup: () => void): void;
}

/**
 * A Server-Sent Events stream with a heartbeat. Memory stays bounded for a slow client: when
 * the socket's buffer is full, events are dropped until it drains, and the client is then told
 * how many it missed (`event: dropped`), rather than queued without limit.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse): EventStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  let blocked = false;
  let dropped = 0;
  const cleanups: (() => void)[] = [];
  const heartbeat = setInterval(() => {
    if (!blocked) res.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  res.on('drain', () => {
    blocked = false;
    if (dropped > 0) {
      const count = dropped;
      dropped = 0;
      write('dropped', { count });
    }
  });
  const write = (event: string, data: unknown, id?: number) => {
    const head = id === undefined ? `event: ${event}\n` : `id: ${id}\nevent: ${event}\n`;
    if (!res.write(`${head}data: ${JSON.stringify(data)}\n\n`)) blocked = true;
  };
  req.on('close', () => {
    clearInterval(heartbeat);
    for (const cleanup of cleanups) cleanup();
  });
  return {
    send(event, data, id) {
      if (blocked) dropped++;
      else write(event, data, id);
    },
    onClose(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
