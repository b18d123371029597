import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/schema.js';

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

/** How the server treats connections: the config's keys of that name. */
export type ConnectionLimits = Pick<
  Config,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'
>;

export const connectionLimits = (config: Config): ConnectionLimits => ({
  headersTimeoutMs: config.headersTimeoutMs,
  requestTimeoutMs: config.requestTimeoutMs,
  keepAliveTimeoutMs: config.keepAliveTimeoutMs,
  maxConnections: config.maxConnections,
});

export interface Listening {
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
  /** Applies changed limits (a reloaded config) to the connections from now on. */
  setLimits(limits: ConnectionLimits): void;
  /** Requests being answered right now. */
  readonly inFlight: number;
}

export interface ListenOptions {
  limits: ConnectionLimits;
  /** The config key of the port, named when it cannot be taken (`port` by default). */
  portKey?: string;
  /** Answers what Node's HTTP parser refused (see client-error.ts). */
  onClientError?: (error: Error, socket: Duplex) => void;
}

/**
 * How often Node looks for connections past their headers or request time limit: its default,
 * 30 s, would let a slow client hold a connection up to 30 s past its limit.
 */
const CONNECTIONS_CHECK_MS = 1000;
/** The timer that closes a connection on which no request arrived. */
const SILENCE = Symbol('api-deploy.silence');

/** Listens with `handler`; a port in use and the like reject with a StartError. */
export async function listen(
  handler: http.RequestListener,
  host: string,
  port: number,
  { limits, onClientError, portKey = 'port' }: ListenOptions,
): Promise<Listening> {
  const server = http.createServer({ connectionsCheckingInterval: CONNECTIONS_CHECK_MS }, handler);
  const setLimits = (next: ConnectionLimits) => {
    server.headersTimeout = next.headersTimeoutMs;
    server.requestTimeout = next.requestTimeoutMs;
    server.keepAliveTimeout = next.keepAliveTimeoutMs;
    server.maxConnections = next.maxConnections;
  };
  setLimits(limits);
  if (onClientError) server.on('clientError', onClientError);
  // Node times a request's headers once its first byte is in, so a connection that never sends
  // one would stay open for good: it gets the same time limit, counted from when it opened.
  server.on('connection', (socket: Socket & { [SILENCE]?: NodeJS.Timeout }) => {
    const timer = setTimeout(() => socket.destroy(), server.headersTimeout);
    timer.unref();
    socket[SILENCE] = timer;
    socket.once('close', () => clearTimeout(timer));
  });
  const inFlight = new Set<http.ServerResponse>();
  // One listener for every response, not a closure per request.
  function answered(this: http.ServerResponse) {
    inFlight.delete(this);
  }
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    clearTimeout((req.socket as { [SILENCE]?: NodeJS.Timeout })[SILENCE]);
    inFlight.add(res);
    res.on('close', answered);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port, portKey)));
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
    setLimits,
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

function listenError(error: NodeJS.ErrnoException, host: string, port: number, portKey: string): Error {
  const choose = portKey === 'port' ? '--port or "port" in the config' : `"${portKey}" in the config`;
  if (error.code === 'EADDRINUSE') {
    return new StartError(
      `port ${port} on ${host} is already in use; stop the program using it, or choose another port with ${choose}`,
      error.code,
    );
  }
  if (error.code === 'EACCES') {
    return new StartError(
      `not allowed to listen on ${host}:${port}; ports below 1024 need privileges, choose another with ${choose}`,
      error.code,
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new StartError(`cannot listen on host "${host}": no such address on this machine`, error.code);
  }
  return error;
}
