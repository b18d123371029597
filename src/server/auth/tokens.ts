import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenInfo, TokenRole } from '../../shared/admin-api.js';
import type { Config, TokenEntry } from '../config/schema.js';
import { isUnguessable } from './strength.js';

export type Role = TokenRole;

export interface TokenIdentity {
  /** A stable id derived from the token (a digest prefix), safe to show and to log. */
  id: string;
  role: Role;
  /** A name safe to log: the configured label, or a masked form of the value. */
  label: string;
  /** Random enough that guessing it is hopeless (isUnguessable): a lockout does not apply to it. */
  unguessable: boolean;
}

/**
 * An admin token held in memory for one run of the runtime (the desktop app's own credential):
 * never written to the config file, kept across reload-config, gone when the process ends.
 */
export interface SessionToken {
  token: string;
  label: string;
}

interface StoredToken extends TokenIdentity {
  digest: Buffer;
  masked: string;
  created?: string;
  session?: boolean;
}

// One-shot hashing (crypto.hash, Node 20.12+): no Hash object per request on the hot path.
const digestOf = (value: string) => hash('sha256', value, 'buffer');

/** The id of a token value, as the admin API names it. */
export const tokenId = (value: string) => digestOf(value).toString('hex').slice(0, 12);

/** A new token: 32 random bytes, URL-safe. */
export const newTokenValue = () => `adt_${randomBytes(32).toString('base64url')}`;

export const entryValue = (entry: TokenEntry) => (typeof entry === 'string' ? entry : entry.token);

/** Masks a token for display: the first characters and its length, never the whole value. */
export function maskToken(value: string): string {
  return value.length <= 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}…(${value.length})`;
}

/**
 * The tokens in force. Lookups compare SHA-256 digests with `timingSafeEqual` against every
 * known token, without an early exit, so the answer's timing does not reveal how much of a
 * guess was right, nor which list it matched. When a token was last used is kept in `usage`,
 * which outlives a store rebuilt from a reloaded config.
 */
export class TokenStore {
  private readonly tokens: StoredToken[];
  /** The token values, for the log sink to scrub from lines; never logged or sent. */
  readonly secrets: string[];

  constructor(
    business: readonly TokenEntry[],
    admin: readonly TokenEntry[],
    private readonly usage = new Map<string, number>(),
    session: readonly SessionToken[] = [],
  ) {
    const toStored = (entry: TokenEntry, role: Role, inSession = false): StoredToken => {
      const value = entryValue(entry);
      const digest = digestOf(value);
      const masked = maskToken(value);
      const details: { label?: string; created?: string } = typeof entry === 'string' ? {} : entry;
      return {
        id: digest.toString('hex').slice(0, 12),
        role,
        label: details.label ?? masked,
        unguessable: isUnguessable(value),
        masked,
        created: details.created,
        digest,
        ...(inSession && { session: true }),
      };
    };
    this.secrets = [...session, ...admin, ...business].map(entryValue);
    // Admin entries first: a value listed in both lists acts as admin.
    this.tokens = [
      ...session.map((entry) => toStored(entry, 'admin', true)),
      ...admin.map((entry) => toStored(entry, 'admin')),
      ...business.map((entry) => toStored(entry, 'business')),
    ];
  }

  static fromConfig(
    config: Pick<Config, 'validTokens' | 'adminTokens'>,
    usage?: Map<string, number>,
    session?: readonly SessionToken[],
  ): TokenStore {
    return new TokenStore(config.validTokens, config.adminTokens, usage, session);
  }

  /** The identity a presented token stands for, or undefined when it is not known. */
  identify(presented: string): TokenIdentity | undefined {
    const digest = digestOf(presented);
    let found: StoredToken | undefined;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, digest) && !found) found = token;
    }
    if (!found) return undefined;
    this.usage.set(found.id, Date.now());
    return { id: found.id, role: found.role, label: found.label, unguessable: found.unguessable };
  }

  list(): TokenInfo[] {
    const seen = new Set<string>();
    return this.tokens
      .filter((token) => !seen.has(token.id) && seen.add(token.id))
      .map(({ id, role, label, masked, created, session }) => {
        const lastUsed = this.usage.get(id);
        return {
          id,
          role,
          label,
          masked,
          created,
          lastUsed: lastUsed ? new Date(lastUsed).toISOString() : undefined,
          ...(session && { session }),
        };
      });
  }
}
