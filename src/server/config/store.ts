import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { withFileLock } from '../core/file-lock.js';
import { ConfigError, validateConfig } from './load.js';

/**
 * Changes the config file: reads it, lets `change` edit the parsed JSON, checks the result
 * against the schema, and writes it back atomically. Keys it does not touch keep their values
 * and order. Throws a ConfigError, writing nothing, if the file or the result is invalid.
 */
export function updateConfigFile(
  configPath: string,
  change: (raw: Record<string, unknown>) => void,
): Promise<void> {
  // One change at a time per file: two read-edit-write cycles that overlap would lose one edit.
  // In this process, a queue; between the processes sharing the workspace, the file's lock.
  const previous = pending.get(configPath) ?? Promise.resolve();
  const next = previous.then(() => withFileLock(configPath, () => applyChange(configPath, change)));
  const settled = next.catch(() => undefined);
  pending.set(configPath, settled);
  void settled.then(() => {
    if (pending.get(configPath) === settled) pending.delete(configPath);
  });
  return next;
}

const pending = new Map<string, Promise<unknown>>();

async function applyChange(
  configPath: string,
  change: (raw: Record<string, unknown>) => void,
): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse((await readFile(configPath, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(
      `${configPath}: cannot be read as JSON, so it was not changed: ${(error as Error).message}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${configPath}: the config must be a JSON object`);
  }
  const edited = raw as Record<string, unknown>;
  change(edited);
  validateConfig(edited, configPath);
  await writeFileAtomic(configPath, `${JSON.stringify(edited, null, 2)}\n`);
}
