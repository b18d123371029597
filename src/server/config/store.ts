import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-write.js';
import { ConfigError, validateConfig } from './load.js';

/**
 * Changes the config file: reads it, lets `change` edit the parsed JSON, checks the result
 * against the schema, and writes it back atomically. Keys it does not touch keep their values
 * and order. Throws a ConfigError, writing nothing, if the file or the result is invalid.
 */
export async function updateConfigFile(
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
