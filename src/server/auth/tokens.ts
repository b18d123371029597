import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config, TokenEntry } from '../config/schema.js';

export type Role = 'business' | 'admin';

export interface TokenIdentity {
  role: Role;
  /** A name safe to log: the configured label, or a masked form of the value. */
  label: string;
}

interface StoredToken extends TokenIdentity {
  digest: Buffer;
}

const digestOf = (value: string) => createHash('sha256').update(value).digest();

/** Masks a token for display: the first characters and its length, never the whole value. */
export function maskToken(value: string): string {
  return value.length <= 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}…(${value.length})`;
}

/**
 * The tokens in force. Lookups compare SHA-256 digests with `timingSafeEqual` against every
 * known token, without an early exit, so the answer's timing does not reveal how much of a
 * guess was right, nor which list it matched.
 */
export class TokenStore {
  private readonly tokens: StoredToken[];

  constructor(business: readonly TokenEntry[], admin: readonly TokenEntry[]) {
    const toStored = (entry: TokenEntry, role: Role): StoredToken => {
      const value = typeof entry === 'string' ? entry : entry.token;
      const label = typeof entry === 'string' ? undefined : entry.label;
      return { role, label: label ?? maskToken(value), digest: digestOf(value) };
    };
    // Admin entries first: a value listed in both lists acts as admin.
    this.tokens = [
      ...admin.map((entry) => toStored(entry, 'admin')),
      ...business.map((entry) => toStored(entry, 'business')),
    ];
  }

  static fromConfig(config: Pick<Config, 'validTokens' | 'adminTokens'>): TokenStore {
    return new TokenStore(config.validTokens, config.adminTokens);
  }

  /** The identity a presented token stands for, or undefined when it is not known. */
  identify(presented: string): TokenIdentity | undefined {
    const digest = digestOf(presented);
    let found: StoredToken | undefined;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, digest) && !found) found = token;
    }
    return found && { role: found.role, label: found.label };
  }
}
