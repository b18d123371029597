import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A start-up failure with a message fit to print as one line (a port in use, say). */
export class StartError extends Error {
  constructor(
    message: string,
    /** The system's error code when there is one (`EADDRINUSE`: the port is taken). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StartError';
  }
}

export interface Listening {
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
  /** Requests being answered right now. */
  readonly inFlight: number;
}

/** Listens with `handler`; a port in use and the like reject with a StartError. */
export async function listen(handler: http.RequestListener, host: string, port: number): Promise<Listening> {
  const server = http.createServer(handler);
  const inFlight = new Set<http.ServerResponse>();
  server.on('request', (_req, res: http.ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    get inFlight() {
      return inFlight.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Keep-alive sockets of requests still running close as soon as each answer is sent.
        for (const res of inFlight) res.once('finish', () => server.closeIdleConnections());
      });
      return closing;
    },
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new StartError(
      `port ${port} on ${host} is already in use; stop the program using it, or choose another port with --port or "port" in the config`,
      error.code,
    );
  }
  if (error.code === 'EACCES') {
    return new StartError(
      `not allowed to listen on ${host}:${port}; ports below 1024 need privileges, choose another with --port`,
      error.code,
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new StartError(`cannot listen on host "${host}": no such address on this machine`, error.code);
  }
  return error;
}
