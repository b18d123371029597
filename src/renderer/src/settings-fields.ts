import type { EditableConfig } from '../../shared/config-api.js';
import { SETTING_GROUP_TITLES, SETTING_KEYS, SETTINGS, type SettingSpec } from '../../shared/config-keys.js';

/** One setting of the form: where it lives in the config, how it is edited, what it does. */
export interface SettingField {
  /** `port`, or `logging.logRotation`. */
  key: string;
  label: string;
  kind: 'text' | 'integer' | 'boolean' | 'list';
  help: string;
  restart?: boolean;
}

export interface SettingGroup {
  title: string;
  fields: SettingField[];
}

/** The settings (SETTINGS in src/shared/config-keys.ts), grouped as a person looks for them. */
export const SETTING_GROUPS: SettingGroup[] = SETTING_GROUP_TITLES.map((title) => ({
  title,
  fields: SETTING_KEYS.filter((key) => SETTINGS[key].group === title).map((key): SettingField => {
    const spec: SettingSpec = SETTINGS[key];
    return {
      key,
      label: spec.label,
      kind: spec.kind === 'path' ? 'text' : spec.kind,
      help: spec.help,
      ...(spec.restart && { restart: true }),
    };
  }),
}));

export type FormValues = Record<string, string | boolean>;

/** The form's values (text for text and numbers, so half-typed numbers are kept). */
export function toFormValues(config: EditableConfig): FormValues {
  const values: FormValues = {};
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    const value = read(config, field.key);
    values[field.key] =
      field.kind === 'boolean'
        ? Boolean(value)
        : field.kind === 'list'
          ? (value as string[]).join('\n')
          : String(value);
  }
  return values;
}

/** The changed settings as `PUT /api/config` takes them, or the problems of the form. */
export function changesOf(
  config: EditableConfig,
  values: FormValues,
): { changes: Record<string, unknown>; problems: Record<string, string> } {
  const changes: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of SETTING_GROUPS.flatMap((group) => group.fields)) {
    const raw = values[field.key];
    let value: unknown = raw;
    if (field.kind === 'integer') {
      const text = String(raw).trim();
      if (!/^-?\d+$/.test(text)) {
        problems[field.key] = 'A whole number is expected';
        continue;
      }
      value = Number(text);
    } else if (field.kind === 'list') {
      value = String(raw)
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    }
    if (JSON.stringify(value) === JSON.stringify(read(config, field.key))) continue;
    const [head, tail] = field.key.split('.') as [string, string | undefined];
    if (tail) changes[head] = { ...(changes[head] as object | undefined), [tail]: value };
    else changes[head] = value;
  }
  return { changes, problems };
}

function read(config: EditableConfig, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown>)?.[part], config);
}
