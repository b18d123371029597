import type { IncomingMessage } from 'node:http';
import { ADMIN_TOKEN_INVALID, ADMIN_TOKEN_REQUIRED } from '../../shared/contract.js';
import { HttpError } from '../http/errors.js';
import type { TokenIdentity, TokenStore } from './tokens.js';

/** The token a request presents: `Authorization: Bearer`, then the given fallbacks in order. */
export function presentedToken(req: IncomingMessage, ...fallbacks: unknown[]): unknown {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match) return match[1]!.trim();
  }
  return fallbacks.find((value) => value !== undefined && value !== null && value !== '');
}

/** A business call: any known token, business or admin. */
export function requireToken(tokens: TokenStore, token: unknown): TokenIdentity {
  if (token === undefined) {
    throw new HttpError(
      'MISSING_TOKEN',
      'A token is required: send "token" in the JSON body or an Authorization: Bearer header',
    );
  }
  const identity = typeof token === 'string' ? tokens.identify(token) : undefined;
  if (!identity) throw new HttpError('INVALID_TOKEN', 'Invalid token');
  return identity;
}

/** An admin call: an admin token, with the seed's exact error texts. */
export function requireAdmin(tokens: TokenStore, token: unknown): TokenIdentity {
  if (token === undefined) throw new HttpError('MISSING_ADMIN_TOKEN', ADMIN_TOKEN_REQUIRED);
  const identity = typeof token === 'string' ? tokens.identify(token) : undefined;
  if (identity?.role !== 'admin') throw new HttpError('INVALID_ADMIN_TOKEN', ADMIN_TOKEN_INVALID);
  return identity;
}
