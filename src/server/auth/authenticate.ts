import type { IncomingMessage } from 'node:http';
import { ADMIN_TOKEN_INVALID, ADMIN_TOKEN_REQUIRED } from '../../shared/contract.js';
import { HttpError } from '../core/errors.js';
import type { FailedAttempts } from './attempts.js';
import type { PresentedBefore, TokenIdentity, TokenStore } from './tokens.js';

/** The token a request presents: `Authorization: Bearer`, then the given fallbacks in order. */
export function presentedToken(req: IncomingMessage, ...fallbacks: unknown[]): unknown {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match) return match[1]!.trim();
  }
  return fallbacks.find((value) => value !== undefined && value !== null && value !== '');
}

const PRESENTED_BEFORE = Symbol('api-deploy.presentedBefore');
type RememberingSocket = IncomingMessage['socket'] & { [PRESENTED_BEFORE]?: PresentedBefore };

/** What the request's connection presented before (see TokenStore.identify), kept on its socket. */
export function presentedBefore(req: IncomingMessage): PresentedBefore | undefined {
  const socket = req.socket as RememberingSocket | null;
  if (!socket) return undefined;
  return (socket[PRESENTED_BEFORE] ??= { store: undefined, value: '', identity: undefined });
}

/** A business call: any known token, business or admin. */
export function requireToken(
  tokens: TokenStore,
  token: unknown,
  before?: PresentedBefore,
): Readonly<TokenIdentity> {
  if (token === undefined) {
    throw new HttpError(
      'MISSING_TOKEN',
      'A token is required: send "token" in the JSON body or an Authorization: Bearer header',
    );
  }
  const identity = typeof token === 'string' ? tokens.identify(token, before) : undefined;
  if (!identity) throw new HttpError('INVALID_TOKEN', 'Invalid token');
  return identity;
}

/** An admin call: an admin token, with the seed's exact error texts. */
export function requireAdmin(tokens: TokenStore, token: unknown): Readonly<TokenIdentity> {
  if (token === undefined) throw new HttpError('MISSING_ADMIN_TOKEN', ADMIN_TOKEN_REQUIRED);
  const identity = typeof token === 'string' ? tokens.identify(token) : undefined;
  if (identity?.role !== 'admin') throw new HttpError('INVALID_ADMIN_TOKEN', ADMIN_TOKEN_INVALID);
  return identity;
}

/**
 * The identity behind a request's token, for a business call or an admin one, with failed
 * guesses throttled per address. An address locked out (FailedAttempts) is answered 429 for
 * any token that could be guessed, right or wrong, so the lock gives a guesser no answer; a
 * token beyond guessing (isUnguessable: every token this program makes) is still let in, since
 * the lock protects nothing there. So an attacker sharing an address with the admin (a NAT, a
 * proxy, this machine) cannot lock the admin out, unless the admin's token is a guessable one.
 * A wrong token (INVALID_TOKEN, INVALID_ADMIN_TOKEN) counts as a failed attempt.
 */
export async function authenticate(
  attempts: FailedAttempts,
  tokens: TokenStore,
  client: string | undefined,
  presented: unknown,
  need: 'business' | 'admin',
): Promise<TokenIdentity> {
  const checked = checkToken(attempts, tokens, client, presented, need);
  return checked instanceof HttpError ? refuse(attempts, client, checked) : checked;
}

/**
 * authenticate's answer without a promise, for the hot path: the identity, or the error to
 * answer with, which must go through `refuse` (it counts a wrong token).
 */
export function checkToken(
  attempts: FailedAttempts,
  tokens: TokenStore,
  client: string | undefined,
  presented: unknown,
  need: 'business' | 'admin',
  before?: PresentedBefore,
): Readonly<TokenIdentity> | HttpError {
  const lockout = attempts.lockout(client);
  if (lockout) {
    const identity = typeof presented === 'string' ? tokens.identify(presented) : undefined;
    if (!identity?.unguessable) return lockout;
  }
  try {
    return need === 'admin' ? requireAdmin(tokens, presented) : requireToken(tokens, presented, before);
  } catch (error) {
    return error as HttpError;
  }
}

/**
 * Throws checkToken's error, a wrong token counted first: with replicas, the count (and a lock
 * it leads to) is in Redis before the guesser can try another replica.
 */
export async function refuse(
  attempts: FailedAttempts,
  client: string | undefined,
  error: HttpError,
): Promise<never> {
  if (error.code === 'INVALID_TOKEN' || error.code === 'INVALID_ADMIN_TOKEN') await attempts.fail(client);
  throw error;
}
