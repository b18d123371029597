import path from 'node:path';
import { Router } from 'express';
import type { z } from 'zod';
import {
  configUpdateSchema,
  RESTART_KEYS,
  type ConfigUpdateResult,
  type ConfigView,
  type EditableConfig,
} from '../../shared/config-api.js';
import { SETTING_KEYS, SETTINGS } from '../../shared/config-keys.js';
import type { ErrorDetail } from '../../shared/contract.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { updateConfigFile } from '../config/store.js';
import { isInside } from '../workspace/files.js';
import { issuesToDetails, validationError } from '../params/validation.js';
import { adminAction } from './admin.js';
import type { RuntimeContext } from './context.js';
import { HttpError, noConfigFile } from '../core/errors.js';
import { isPlainObject } from './request.js';

type ConfigChanges = z.output<typeof configUpdateSchema>['config'];

/**
 * The settings the control panel edits: `GET /api/config` (the config in effect, never a
 * token) and `PUT /api/config {config: {...}}`, which merges the keys given into the config
 * file (its other content, tokens included, kept as written), checks the result as start-up
 * would, writes it atomically, and applies it as `/api/reload-config` does.
 */
export function settingsRouter(runtime: RuntimeContext): Router {
  const router = Router();

  router.get(
    '/api/config',
    adminAction(runtime, (): ConfigView => {
      const { config } = runtime.state();
      return {
        path: config.configPath ?? null,
        config: editableConfig(config),
        restartRequired: [...RESTART_KEYS],
        ...runtime.settingsState(),
      };
    }),
  );

  router.put(
    '/api/config',
    adminAction(
      runtime,
      async (req): Promise<ConfigUpdateResult> => {
        const { configPath } = runtime.state().config;
        if (!configPath) throw noConfigFile('change settings');
        const changes = parseChanges(req.body);
        try {
          await updateConfigFile(configPath, (raw) => {
            merge(raw, changes);
            // Refused here, before anything is written: a value out of range, or the
            // documented admin token on a public host.
            runtime.previewConfig(raw);
          });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          throw new HttpError('INVALID_CONFIG', `Config not saved, nothing was written: ${error.message}`, [
            { path: error.key ?? '', message: error.message },
          ]);
        }
        const reload = await runtime.reloadConfig();
        return {
          config: editableConfig(runtime.state().config),
          restartRequired: reload.restartRequired,
          ...runtime.settingsState(),
          reload,
        };
      },
      { audit: true },
    ),
  );

  return router;
}

const TOKEN_KEYS = new Set(['config.validTokens', 'config.adminTokens']);

/** The request's changes, or 422 VALIDATION_ERROR listing every key at fault. */
function parseChanges(body: unknown): ConfigChanges {
  const parsed = configUpdateSchema.safeParse(body);
  if (parsed.success) return parsed.data.config;
  const details = issuesToDetails(parsed.error.issues, body).map((detail): ErrorDetail => {
    if (TOKEN_KEYS.has(detail.path)) {
      return { path: detail.path, message: 'Tokens are not settings: manage them with /api/tokens' };
    }
    if (detail.message === 'Unknown parameter' && detail.path.startsWith('config.')) {
      return { path: detail.path, message: 'Unknown config key, or one that cannot be set here' };
    }
    return detail;
  });
  throw validationError(details);
}

/** Sets the changed keys in the file's content; `logging` key by key. Other keys keep their place. */
function merge(raw: Record<string, unknown>, changes: ConfigChanges): void {
  const { logging, ...keys } = changes;
  Object.assign(raw, keys);
  if (logging) raw.logging = { ...(isPlainObject(raw.logging) ? raw.logging : {}), ...logging };
}

/** The config in effect, its settings only (never a token), paths as the config file holds them. */
function editableConfig(config: Config): EditableConfig {
  const asWritten = (file: string) => {
    if (!isInside(config.baseDir, file)) return file;
    const relative = path.relative(config.baseDir, file);
    return relative === '' ? '.' : relative.split(path.sep).join('/');
  };
  const shown: Record<string, unknown> = {};
  const logging: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const [head, name] = key.split('.') as [keyof Config, keyof Config['logging'] | undefined];
    const value: unknown = name === undefined ? config[head] : config.logging[name];
    const kind = SETTINGS[key].kind;
    const copy =
      kind === 'path' ? asWritten(value as string) : kind === 'list' ? [...(value as string[])] : value;
    if (name === undefined) shown[head] = copy;
    else logging[name] = copy;
  }
  return { ...shown, logging } as EditableConfig;
}
