import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type ConfigSource } from './config/load.js';
import { createRuntime, StartError, type Runtime, type RuntimeOptions } from './index.js';
import { VERSION } from './core/version.js';

/**
 * What both hosts of the runtime share, the headless server (cli.ts) and the desktop app
 * (src/main): one way to read the config, find the build's files and create the runtime, so the
 * two cannot drift apart.
 */
export interface HostOptions extends Omit<RuntimeOptions, 'config' | 'source' | 'panelDir'> {
  /** Where the config comes from (resolveConfigSource); reload-config reads it again. */
  source: ConfigSource;
  /**
   * The build output folder (`out/`): the control panel in `renderer/` (`npm run build:panel`)
   * and the worker script in `server/worker.js` (`npm run build:server`).
   */
  outDir: string;
  /**
   * The worker script when not `server/worker.js` below `outDir` (the desktop app's copy
   * unpacked from its asar archive: a worker thread cannot start from inside one).
   */
  workerFile?: string;
}

/** The built files a host serves from, below the build output folder. */
export function builtFiles(outDir: string): { panelDir: string; workerFile: string } {
  return {
    panelDir: path.join(outDir, 'renderer'),
    workerFile: path.join(outDir, 'server', 'worker.js'),
  };
}

/**
 * Reads the config and creates the runtime (not started). Throws a ConfigError naming the key
 * at fault when the config is broken, and a StartError saying what to build when the worker
 * script is missing.
 */
export function hostRuntime({ source, outDir, workerFile, ...options }: HostOptions): Runtime {
  const config = loadConfig(source);
  const files = builtFiles(outDir);
  if (workerFile) files.workerFile = workerFile;
  if (!existsSync(files.workerFile)) {
    throw new StartError(`the worker script is missing (${files.workerFile}); run "npm run build:server"`);
  }
  return createRuntime({ ...options, config, source, ...files });
}

/** What a host says once the runtime serves: its URL, endpoints, failures, the panel, folders. */
export function servingSummary(runtime: Runtime): string {
  const { generation, config, url } = runtime;
  return (
    `API Deploy ${VERSION} serving ${generation.endpoints.length} endpoint(s) at ${url}` +
    `${generation.failures.size ? ` (${generation.failures.size} module(s) failed to load: see ${url}/)` : ''}\n` +
    `Control panel: ${url}/panel/\n` +
    `Modules: ${config.apisDir}${config.configPath ? `   Config: ${config.configPath}` : ' (no config file: defaults)'}\n`
  );
}
