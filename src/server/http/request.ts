import type { Request } from 'express';

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The endpoint a request addresses, as the envelope names it: its path without a trailing slash. */
export const endpointOf = (req: Request): string =>
  req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
