import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import { editJsonText } from './json-edit.js';
import { withFileLock } from '../core/file-lock.js';
import { ConfigError, validateConfig } from './load.js';

/**
 * Changes the config file: reads it, lets `change` edit the parsed JSON, checks the result
 * against the schema, and writes it back atomically. Only the values it changed are written
 * anew: the rest of the file keeps its text (order, spacing, one-line arrays). Throws a
 * ConfigError, writing nothing, if the file or the result is invalid.
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
  let text: string;
  let raw: unknown;
  try {
    text = (await readFile(configPath, 'utf8')).replace(/^\uFEFF/, '');
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${configPath}: cannot be read as JSON, so it was not changed: ${(error as Error).message}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${configPath}: the config must be a JSON object`);
  }
  const edited = raw as Record<string, unknown>;
  const before: unknown = JSON.parse(text);
  change(edited);
  validateConfig(edited, configPath);
  await writeFileAtomic(configPath, editJsonText(text, before, edited));
}
