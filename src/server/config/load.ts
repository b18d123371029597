import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { clusterSchema, configSchema, loggingSchema, redisSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'api-deploy.config.json';

/** A config problem, phrased as the one line start-up prints before it stops. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The key at fault, dotted (`logging.logRotation`), when there is one. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Values that win over the file: command-line flags first, then `API_DEPLOY_*` variables. */
export interface ConfigOverrides {
  host?: string;
  port?: string | number;
  /** A path relative to the current directory, not to the config file. */
  apisDir?: string;
  /** `redis.url`, from `API_DEPLOY_REDIS_URL` (a URL with a password is kept out of `ps`). */
  redisUrl?: string;
  /** `cluster.processes`: a whole number or `auto` (`--processes`, `API_DEPLOY_PROCESSES`). */
  processes?: string;
}

export interface ConfigSource {
  /** The file to read; when it is the default name and missing, defaults are used. */
  configPath: string;
  /** Whether the path was asked for explicitly (a flag or variable): then it must exist. */
  explicit: boolean;
  overrides: ConfigOverrides;
}

/** Where the config comes from, given flags and the environment (flags win). */
export function resolveConfigSource(
  flags: ConfigOverrides & { config?: string },
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ConfigSource {
  const explicitPath = flags.config ?? env.API_DEPLOY_CONFIG;
  const pick = (flag: string | undefined, variable: string | undefined) =>
    flag ?? (variable === undefined || variable === '' ? undefined : variable);
  const apisDir = pick(flags.apisDir, env.API_DEPLOY_APIS_DIR);
  return {
    configPath: path.resolve(cwd, explicitPath ?? DEFAULT_CONFIG_FILE),
    explicit: explicitPath !== undefined,
    overrides: {
      host: pick(flags.host, env.API_DEPLOY_HOST),
      port: pick(flags.port?.toString(), env.API_DEPLOY_PORT),
      apisDir: apisDir === undefined ? undefined : path.resolve(cwd, apisDir),
      redisUrl: pick(undefined, env.API_DEPLOY_REDIS_URL),
      processes: pick(flags.processes, env.API_DEPLOY_PROCESSES),
    },
  };
}

/** Reads, validates and resolves the config. Throws a ConfigError naming the key at fault. */
export function loadConfig(source: ConfigSource): Config {
  const { configPath } = source;
  let raw: unknown = {};
  let text: string | undefined;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || source.explicit) {
      throw new ConfigError(
        code === 'ENOENT'
          ? `config file not found: ${configPath}`
          : `cannot read config file ${configPath}: ${(error as Error).message}`,
      );
    }
  }
  if (text !== undefined) raw = parseJson(text, configPath);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${configPath}: the config must be a JSON object`);
  }
  return resolveConfig(raw as Record<string, unknown>, source, text === undefined ? undefined : configPath);
}

/**
 * The config a config file's content gives: the source's flags and variables applied over it,
 * validated, paths made absolute. Throws a ConfigError naming the key at fault.
 */
export function resolveConfig(
  raw: Record<string, unknown>,
  source: Pick<ConfigSource, 'overrides'>,
  configPath?: string,
): Config {
  return validateConfig(applyOverrides(raw, source.overrides), configPath);
}

/** Validates a config object (as read from a file) and makes its paths absolute. */
export function validateConfig(raw: unknown, configPath?: string): Config {
  const result = configSchema.safeParse(raw);
  const where = configPath ?? 'config';
  if (!result.success) {
    const { key, message } = describeIssue(result.error.issues[0]!);
    throw new ConfigError(`${where}: ${key ? `"${key}": ` : ''}${message}`, key);
  }
  const config = result.data;
  const baseDir = configPath ? path.dirname(configPath) : process.cwd();
  return {
    ...config,
    apisDir: path.resolve(baseDir, config.apisDir),
    logging: { ...config.logging, logFilePath: path.resolve(baseDir, config.logging.logFilePath) },
    configPath,
    baseDir,
  };
}

function applyOverrides(raw: Record<string, unknown>, overrides: ConfigOverrides) {
  const merged = { ...raw };
  if (overrides.host !== undefined) merged.host = overrides.host;
  if (overrides.apisDir !== undefined) merged.apisDir = overrides.apisDir;
  if (overrides.redisUrl !== undefined) {
    const redis = merged.redis;
    merged.redis = { ...(typeof redis === 'object' && redis !== null ? redis : {}), url: overrides.redisUrl };
  }
  if (overrides.processes !== undefined) {
    const value = overrides.processes.trim();
    if (value !== 'auto' && !/^\d+$/.test(value)) {
      throw new ConfigError(
        `"cluster.processes": expected a whole number or "auto", got "${overrides.processes}" (from --processes or API_DEPLOY_PROCESSES)`,
        'cluster.processes',
      );
    }
    const cluster = merged.cluster;
    merged.cluster = {
      ...(typeof cluster === 'object' && cluster !== null ? cluster : {}),
      processes: value === 'auto' ? value : Number(value),
    };
  }
  if (overrides.port !== undefined) {
    const port = Number(overrides.port);
    if (!/^\d+$/.test(String(overrides.port).trim()) || port > 65535) {
      throw new ConfigError(
        `"port": expected a whole number from 0 to 65535, got "${overrides.port}" (from --port or API_DEPLOY_PORT)`,
        'port',
      );
    }
    merged.port = port;
  }
  return merged;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      throw new ConfigError(`${file}:${line}:${column}: invalid JSON: ${message}`);
    }
    throw new ConfigError(`${file}: invalid JSON: ${message}`);
  }
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(configSchema.shape),
  logging: Object.keys(loggingSchema.shape),
  redis: Object.keys(redisSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
};

function describeIssue(issue: z.core.$ZodIssue): { key: string; message: string } {
  const parent = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0]!;
    const key = parent ? `${parent}.${unknown}` : unknown;
    const suggestion = closest(unknown, KNOWN_KEYS[parent] ?? []);
    return {
      key,
      message: `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    };
  }
  return { key: parent, message: issue.message.replace(/^Invalid input: /, '') };
}

/** The known key a misspelt one most likely meant: same letters ignoring case, or one edit away. */
function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase().replace(/[_-]/g, '');
  return (
    candidates.find((candidate) => candidate.toLowerCase() === lower) ??
    candidates.find((candidate) => editDistance(candidate.toLowerCase(), lower) <= 2)
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
