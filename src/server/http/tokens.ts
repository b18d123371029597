import { Router } from 'express';
import { z } from 'zod';
import { entryValue, newTokenValue, tokenId, type Role } from '../auth/tokens.js';
import { ConfigError } from '../config/load.js';
import type { TokenEntry } from '../config/schema.js';
import { updateConfigFile } from '../config/store.js';
import { adminAction } from './admin.js';
import type { RuntimeContext, TokenWriter } from './context.js';
import { HttpError, noConfigFile } from '../core/errors.js';

const createSchema = z.strictObject({
  label: z.string().trim().min(1, 'a label is required').max(80),
  role: z.enum(['business', 'admin']).default('business'),
  token: z.string().optional(), // the admin token, when sent in the body
});

const LIST_KEY: Record<Role, 'validTokens' | 'adminTokens'> = {
  business: 'validTokens',
  admin: 'adminTokens',
};

/**
 * `GET /api/tokens` (never values), `POST /api/tokens {label, role}` (a strong random token,
 * its value answered once), `DELETE /api/tokens/{id}`. Changes are written to the config file
 * atomically, keeping its other content, and apply at once; with replicas, to Redis, and apply
 * on every replica (runtime/replicas.ts). A session token (the desktop app's,
 * held in memory only) is listed with `session: true` and cannot be revoked: 409 SESSION_TOKEN.
 */
export function tokensRouter(runtime: RuntimeContext): Router {
  const router = Router();

  router.get(
    '/api/tokens',
    adminAction(runtime, () => ({ tokens: runtime.state().tokens.list() })),
  );

  router.post(
    '/api/tokens',
    adminAction(runtime, async (req) => {
      const parsed = createSchema.safeParse(req.body);
      if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        throw new HttpError('VALIDATION_ERROR', `Invalid token request: ${details[0]!.message}`, details);
      }
      const { label, role } = parsed.data;
      const value = newTokenValue();
      const created = new Date().toISOString();
      await tokenWriter(runtime).add({ token: value, label, created }, role);
      const id = tokenId(value);
      runtime.events.emit('tokensChanged', { created: id });
      return { id, label, role, created, token: value };
    }),
  );

  router.delete(
    '/api/tokens/:id',
    adminAction(runtime, async (req) => {
      const id = String(req.params.id);
      const known = runtime
        .state()
        .tokens.list()
        .find((token) => token.id === id);
      if (!known) throw new HttpError('TOKEN_NOT_FOUND', `No token with id ${id}`);
      if (known.session) {
        throw new HttpError(
          'SESSION_TOKEN',
          `${known.label} is this session's own admin token: it is not in the config file and ends when the app quits`,
        );
      }
      await tokenWriter(runtime).remove(id);
      runtime.events.emit('tokensChanged', { revoked: id });
      return { revoked: id };
    }),
  );

  return router;
}

type TokenLists = Record<'validTokens' | 'adminTokens', TokenEntry[]>;

/** Where token changes go: the replicas' Redis when there is one, else the config file. */
const tokenWriter = (runtime: RuntimeContext): TokenWriter =>
  runtime.sharedState?.tokens ?? configFileTokens(runtime);

/** Token changes written to the config file's lists. */
const configFileTokens = (runtime: RuntimeContext): TokenWriter => ({
  add: (entry, role) => changeTokens(runtime, (lists) => lists[LIST_KEY[role]].push(entry)),
  remove: (id) =>
    changeTokens(runtime, (lists) => {
      for (const key of ['validTokens', 'adminTokens'] as const) {
        lists[key] = lists[key].filter((entry) => tokenId(entryValue(entry)) !== id);
      }
      if (lists.adminTokens.length === 0) throw new HttpError('LAST_ADMIN_TOKEN');
    }),
});

/** Edits the token lists in the config file, then applies the file at once. */
async function changeTokens(runtime: RuntimeContext, edit: (lists: TokenLists) => void): Promise<void> {
  const { config } = runtime.state();
  if (!config.configPath) throw noConfigFile('manage tokens');
  try {
    await updateConfigFile(config.configPath, (raw) => {
      const lists: TokenLists = {
        validTokens: (raw.validTokens as TokenEntry[] | undefined) ?? [...config.validTokens],
        adminTokens: (raw.adminTokens as TokenEntry[] | undefined) ?? [...config.adminTokens],
      };
      edit(lists);
      raw.validTokens = lists.validTokens;
      raw.adminTokens = lists.adminTokens;
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new HttpError('INVALID_CONFIG', error.message);
    throw error;
  }
  await runtime.reloadConfig();
}
