import type { IncomingMessage } from 'node:http';
import { RESERVED_MODULE_NAMES } from '../load/discover.js';

/** Paths the runtime keeps for itself; every other path names a business endpoint. */
const RESERVED = new RegExp(`^/(?:${[...RESERVED_MODULE_NAMES].join('|')})(?:[/?]|$)`);

export const isReservedPath = (url: string): boolean => RESERVED.test(url);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The endpoint a request addresses, as the envelope names it: its path, without query or trailing slash. */
export function endpointOf(req: IncomingMessage): string {
  // Inside a router mounted on a path (the panel's `/panel`), Express strips the mount point
  // from `req.url`; `originalUrl` keeps the path the client asked for.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The client's address, read when the request arrived (see trackRequest). */
const CLIENT = Symbol('api-deploy.client');
type WithClient = IncomingMessage & { [CLIENT]?: string };

/**
 * Remembers the client's address while the request's socket is there: once a request has ended
 * (a body refused, a client gone), `req.socket` may be null, and its address with it.
 */
export function keepClient(req: IncomingMessage): string | undefined {
  return ((req as WithClient)[CLIENT] = req.socket?.remoteAddress);
}

/** The client's address: the one kept on arrival, else the socket's if it is still there. */
export const clientOf = (req: IncomingMessage): string | undefined =>
  (req as WithClient)[CLIENT] ?? req.socket?.remoteAddress;
