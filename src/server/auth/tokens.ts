import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
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

/**
 * What is known of a token without its value: its SHA-256 digest, and what the admin API shows.
 * Replicas share tokens as these (through Redis), so no value leaves the process that made it.
 */
export const tokenRecordSchema = z.strictObject({
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(['business', 'admin']),
  label: z.string().min(1),
  masked: z.string(),
  created: z.string().optional(),
  unguessable: z.boolean(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

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

/** The id of a token record (the same as its value's). */
export const recordId = (record: TokenRecord) => record.digest.slice(0, 12);

/** A new token: 32 random bytes, URL-safe. */
export const newTokenValue = () => `adt_${randomBytes(32).toString('base64url')}`;

export const entryValue = (entry: TokenEntry) => (typeof entry === 'string' ? entry : entry.token);

/** Masks a token for display: the first characters and its length, never the whole value. */
export function maskToken(value: string): string {
  return value.length <= 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}…(${value.length})`;
}

/** The record of a config entry or a session token. */
export function recordOf(entry: TokenEntry, role: Role): TokenRecord {
  const value = entryValue(entry);
  const masked = maskToken(value);
  const details: { label?: string; created?: string } = typeof entry === 'string' ? {} : entry;
  return {
    digest: digestOf(value).toString('hex'),
    role,
    label: details.label ?? masked,
    masked,
    ...(details.created !== undefined && { created: details.created }),
    unguessable: isUnguessable(value),
  };
}

/** The records of a config's token lists, admin entries first (see TokenStore). */
export const recordsOfConfig = (config: Pick<Config, 'validTokens' | 'adminTokens'>): TokenRecord[] => [
  ...config.adminTokens.map((entry) => recordOf(entry, 'admin')),
  ...config.validTokens.map((entry) => recordOf(entry, 'business')),
];

/**
 * The tokens in force. Lookups compare SHA-256 digests with `timingSafeEqual` against every
 * known token, without an early exit, so the answer's timing does not reveal how much of a
 * guess was right, nor which list it matched. When a token was last used is kept in `usage`,
 * which outlives a store rebuilt from a reloaded config (or from the replicas' shared records).
 */
export class TokenStore {
  private readonly tokens: StoredToken[];
  /** The token values this store knows, for the log sink to scrub from lines; never logged or sent. */
  readonly secrets: string[];

  /**
   * `records` are the tokens in force (admin ones first: a value listed in both lists acts as
   * admin), `known` the values among them this process has (the config's, a session's).
   */
  constructor(
    records: readonly TokenRecord[],
    private readonly usage = new Map<string, number>(),
    session: readonly SessionToken[] = [],
    known: readonly string[] = [],
  ) {
    const toStored = (record: TokenRecord, inSession = false): StoredToken => ({
      id: recordId(record),
      role: record.role,
      label: record.label,
      unguessable: record.unguessable,
      masked: record.masked,
      created: record.created,
      digest: Buffer.from(record.digest, 'hex'),
      ...(inSession && { session: true }),
    });
    this.secrets = [...session.map(entryValue), ...known];
    this.tokens = [
      ...session.map((entry) => toStored(recordOf(entry, 'admin'), true)),
      ...records.map((record) => toStored(record)),
    ];
  }

  static fromConfig(
    config: Pick<Config, 'validTokens' | 'adminTokens'>,
    usage?: Map<string, number>,
    session?: readonly SessionToken[],
  ): TokenStore {
    const known = [...config.adminTokens, ...config.validTokens].map(entryValue);
    return new TokenStore(recordsOfConfig(config), usage, session, known);
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

  /**
   * The role of a token value in force, not counted as a use (for the documented defaults'
   * check of the status page; calls go through identify).
   */
  roleOf(value: string): Role | undefined {
    const digest = digestOf(value);
    return this.tokens.find((token) => token.digest.equals(digest))?.role;
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
