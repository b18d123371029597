/**
 * The settings API (`GET|PUT /api/config`), shared by the runtime and the control panel: the
 * request's zod schema and the answers' types. Plain zod and types, nothing from the server.
 *
 * The schema here checks the request's shape: which keys may be set, and their JSON types.
 * Ranges and formats (a port up to 65535, a rotation such as "1 day") are the server's config
 * schema's to check; it answers `422 INVALID_CONFIG` with `details` naming the key.
 */
import { z } from 'zod';
import {
  keysWith,
  SETTING_KEYS,
  SETTINGS,
  type KeysWith,
  type SettingKey,
  type SettingKind,
} from './config-keys.js';
import type { ReloadResult } from './contract.js';

/** Config keys that take effect only when the server is started again: it listens once, at start. */
export const RESTART_KEYS = keysWith('restart');
export type RestartKey = KeysWith<'restart'>;
/** Keys a command-line flag or an `API_DEPLOY_*` variable can set, over the config file. */
export const OVERRIDABLE_KEYS = keysWith('overridable');
export type OverridableKey = KeysWith<'overridable'>;

/** What the settings answers add to the config in effect. */
export interface SettingsState {
  /** Restart keys whose value in effect is not the one the server started with: a restart applies it. */
  pendingRestart: RestartKey[];
  /** Keys set by a flag or variable: saving them writes the file, but the flag's value stays in effect. */
  overridden: OverridableKey[];
}

/** The zod schema of each kind of setting: its JSON type (ranges are the server's to check). */
interface KindSchemas {
  text: z.ZodString;
  path: z.ZodString;
  integer: z.ZodNumber;
  boolean: z.ZodBoolean;
  list: z.ZodArray<z.ZodString>;
}
const kindSchema = (kind: SettingKind): z.ZodType =>
  kind === 'integer'
    ? z.number().int()
    : kind === 'boolean'
      ? z.boolean()
      : kind === 'list'
        ? z.array(z.string())
        : z.string();
type SchemaOf<Key extends SettingKey> = KindSchemas[(typeof SETTINGS)[Key]['kind']];
type LoggingShape = {
  [Key in SettingKey as Key extends `logging.${infer Name}` ? Name : never]: SchemaOf<Key>;
};
type TopShape = { [Key in Exclude<SettingKey, `logging.${string}`>]: SchemaOf<Key> };

function shapeOf(inLogging: boolean): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const key of SETTING_KEYS) {
    const [head, name] = key.split('.') as [string, string | undefined];
    if (inLogging === (name !== undefined)) shape[name ?? head] = kindSchema(SETTINGS[key].kind);
  }
  return shape;
}

/** The `logging` keys the settings API shows and sets (SETTINGS). */
export const editableLoggingSchema = z.strictObject(shapeOf(true) as LoggingShape);

/**
 * Every config key the settings API shows and sets (SETTINGS). Tokens (`validTokens`,
 * `adminTokens`) are not among them: they are managed by `/api/tokens`, and their values are
 * never shown.
 */
export const editableConfigSchema = z.strictObject({
  ...(shapeOf(false) as TopShape),
  logging: editableLoggingSchema,
});

/**
 * The config as the settings API shows it: the values in effect. Paths are shown as the config
 * file would hold them, relative to its folder (absolute when outside it), so a value read here
 * can be sent back unchanged.
 */
export type EditableConfig = z.infer<typeof editableConfigSchema>;

/** `PUT /api/config`: the keys to change (any subset; `logging` keys one by one). */
export const configUpdateSchema = z.strictObject({
  /** The admin token, when sent in the body rather than as Bearer. */
  token: z.string().optional(),
  config: editableConfigSchema.extend({ logging: editableLoggingSchema.partial() }).partial(),
});

/** What `/api/reload-config` answers, and `PUT /api/config` under `reload`. */
export interface ReloadConfigResult {
  message: string;
  /** Top-level keys whose value changed. */
  changed: string[];
  /** Keys that changed but take effect only after a restart (host, port). */
  restartRequired: string[];
  /** The modules' reload, when a change needed one (apisDir, workers...). */
  reload?: ReloadResult;
}

/** `GET /api/config`. */
export interface ConfigView extends SettingsState {
  /** The config file (absolute), or null when the server runs on defaults without one. */
  path: string | null;
  config: EditableConfig;
  /** The keys whose change takes effect only after a restart. */
  restartRequired: RestartKey[];
}

/** `PUT /api/config`. */
export interface ConfigUpdateResult extends SettingsState {
  /** The config in effect after the change. */
  config: EditableConfig;
  /** Keys this change changed that take effect only after a restart. */
  restartRequired: string[];
  reload: ReloadConfigResult;
}
