import { EventEmitter } from 'node:events';
import { OVERRIDABLE_KEYS, RESTART_KEYS, type RestartKey, type SettingsState } from '../shared/config-api.js';
import type { ReloadResult } from '../shared/contract.js';
import { TokenStore, type SessionToken } from './auth/tokens.js';
import { ConfigError, loadConfig, resolveConfig, type ConfigSource } from './config/load.js';
import type { Config } from './config/schema.js';
import { defaultWorkerFile, GenerationPool, type PoolOptions } from './exec/pool.js';
import { permissionArgs } from './exec/permissions.js';
import { WorkerSupply, type SupplyOptions } from './exec/supply.js';
import { createHandler } from './http/handler.js';
import type { ReloadConfigResult, RuntimeContext, RuntimeEvents, RuntimeState } from './http/context.js';
import { Metrics } from './http/metrics.js';
import { FailedAttempts } from './auth/attempts.js';
import { HttpError } from './core/errors.js';
import { clientErrorHandler } from './http/client-error.js';
import { connectionLimits, listen, StartError, type Listening } from './http/listen.js';
import { entryValue } from './auth/tokens.js';
import { DEFAULT_ADMIN_TOKEN } from './config/schema.js';
import { createLogger } from './logs/logger.js';
import { LogSink } from './logs/sink.js';
import { BuildCache } from './load/build.js';
import { loadGeneration } from './load/loader.js';
import { Generation } from './load/registry.js';
import { watchModules } from './load/watcher.js';
import { VERSION } from './core/version.js';

// The server's front door: what its hosts (the CLI, host.ts, the desktop app in src/main) use.
export type { Config, ConfigFile } from './config/schema.js';
export type { ReloadConfigResult, RuntimeEvents } from './http/context.js';
export { newTokenValue, type SessionToken } from './auth/tokens.js';
export { StartError } from './http/listen.js';
export { writeFileAtomic } from './core/atomic-write.js';
export { updateConfigFile } from './config/store.js';
export {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  resolveConfigSource,
  validateConfig,
  type ConfigOverrides,
} from './config/load.js';

/** Whether a host only accepts connections from this machine. */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Why this config must not serve on `host`, if it must not: the documented admin token off this machine. */
function publicDefaultTokenProblem(host: string, config: Config): string | undefined {
  if (isLoopback(host) || !config.adminTokens.some((entry) => entryValue(entry) === DEFAULT_ADMIN_TOKEN))
    return undefined;
  return `refusing to listen on ${host}: the admin token is still the documented default "${DEFAULT_ADMIN_TOKEN}", which anyone who read the README knows; set your own in "adminTokens" (or listen on 127.0.0.1)`;
}

export interface RuntimeOptions {
  config: Config;
  /** Where `reloadConfig()` reads the config again; without it, reload-config keeps the config. */
  source?: ConfigSource;
  /** Also write log lines here (the headless server passes its standard output). */
  stdout?: NodeJS.WritableStream;
  /** The clock of log rotation; tests pass a fake one. */
  now?: () => number;
  /** The built worker script; found beside the bundle, or in out/server, by default. */
  workerFile?: string;
  /** How long loading every module may take before the one loading is declared hung. */
  loadTimeoutMs?: number;
  /**
   * The built control panel (index.html and assets/), served at `/panel`. Without it, or
   * before it is built, `/panel/` answers 503 saying how to build it.
   */
  panelDir?: string;
  /**
   * Admin tokens of this run only (the desktop app's credential for its own window): accepted
   * like the config's admin tokens, listed by `/api/tokens` with their label and `session: true`,
   * kept across reload-config, never written to the config file and not revocable through the
   * admin API (they end with the process).
   */
  sessionAdminTokens?: SessionToken[];
  /**
   * Origins allowed to call the server from a browser (CORS) beside the config's `corsOrigins`,
   * for this run only (the desktop app's renderer dev server).
   */
  extraCorsOrigins?: string[];
}

export interface Runtime {
  /** Loads the modules, listens, and starts watching; resolves to the URL it serves on. */
  start(): Promise<string>;
  /** Stops accepting connections, lets requests in flight finish, ends the workers. */
  stop(): Promise<void>;
  reload(): Promise<ReloadResult>;
  reloadConfig(): Promise<ReloadConfigResult>;
  readonly url: string | undefined;
  readonly config: Config;
  readonly generation: Generation;
  readonly events: EventEmitter<RuntimeEvents>;
}

/** Config keys that change how modules are loaded or run: a change reloads them. */
const RELOAD_KEYS = ['apisDir', 'workers', 'maxWorkers', 'workerMemoryMb', 'restrictWorkers'] as const;
/** Config keys that change how workers are started: a change replaces the spare workers. */
const SUPPLY_KEYS = ['apisDir', 'workers', 'workerMemoryMb', 'restrictWorkers'] as const;
const LOAD_TIMEOUT_MS = 10_000;

export function createRuntime(options: RuntimeOptions): Runtime {
  const tokenUsage = new Map<string, number>();
  const sessionTokens = [...(options.sessionAdminTokens ?? [])];
  const tokens = TokenStore.fromConfig(options.config, tokenUsage, sessionTokens);
  const sink = new LogSink(options.config.logging, options.stdout, options.now);
  sink.rememberSecrets(tokens.secrets);
  const logger = createLogger(sink, options.config.debug ? 'debug' : 'info');
  const events = new EventEmitter<RuntimeEvents>();
  const workerFile = options.workerFile ?? defaultWorkerFile();
  const supplyOptions = (config: Config): SupplyOptions => ({
    workerFile,
    memoryMb: config.workerMemoryMb,
    spares: config.workers,
    execArgv: config.restrictWorkers ? permissionArgs(workerFile, config.apisDir) : [],
  });
  const supply = new WorkerSupply(supplyOptions(options.config));
  const builds = new BuildCache();
  let state: RuntimeState = {
    config: options.config,
    tokens,
    generation: Generation.empty(),
  };
  let listening: Listening | undefined;
  /** The host the server listens on (once started): a reloaded config cannot move it. */
  let listeningHost: string | undefined;
  let watcher: ReturnType<typeof watchModules> | undefined;
  let reloads: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const poolOptions = (config: Config): PoolOptions => ({
    supply,
    apisDir: config.apisDir,
    threads: config.workers,
    maxThreads: config.maxWorkers,
    loadTimeoutMs: options.loadTimeoutMs ?? LOAD_TIMEOUT_MS,
  });

  async function loadOnce(): Promise<ReloadResult> {
    const started = performance.now();
    const { config } = state;
    const previous = state.generation;
    const pool = poolOptions(config);
    const generation = await loadGeneration(
      {
        apisDir: config.apisDir,
        loadTimeoutMs: pool.loadTimeoutMs,
        start: (modules) => GenerationPool.start(modules, pool),
      },
      previous,
      builds,
    );
    if (stopped) {
      await generation.pool?.close();
      throw new Error('the runtime has stopped');
    }
    state = { ...state, generation }; // the atomic swap: one assignment
    previous.pool?.retire(); // its calls in progress finish on its own code, then its workers end
    const failed = [...generation.failures.values()];
    const result: ReloadResult = {
      message:
        `Loaded ${generation.modules.size} module(s) with ${generation.endpoints.length} endpoint(s)` +
        (failed.length ? `; ${failed.length} module(s) failed` : ''),
      generation: generation.id,
      modules: generation.modules.size,
      endpoints: generation.endpoints.length,
      failed,
      durationMs: Math.round(performance.now() - started),
    };
    logger.info({ kind: 'system', event: 'reload', ...result }, result.message);
    for (const failure of failed) {
      logger.warn(
        { kind: 'system', event: 'load-error', ...failure },
        `module ${failure.module} failed to load`,
      );
      events.emit('loadError', failure);
    }
    events.emit('reloaded', result);
    return result;
  }

  /** Reloads run one at a time, in the order asked for, each on the generation before it. */
  function reload(): Promise<ReloadResult> {
    const next = reloads.then(loadOnce);
    reloads = next.catch(() => undefined);
    return next;
  }

  async function watch(): Promise<void> {
    await watcher?.close();
    watcher = undefined;
    const { config } = state;
    if (!config.hotReload || stopped) return;
    watcher = watchModules(config.apisDir, (changed) => {
      logger.debug({ kind: 'system', event: 'files-changed', changed }, 'files changed');
      reload().catch((error: unknown) => logger.error({ kind: 'error', err: error }, 'hot reload failed'));
    });
    await watcher.ready;
  }

  /** Where reload-config reads the config: the source it started from, else its config file as is. */
  const configSource = (): ConfigSource | undefined =>
    options.source ??
    (state.config.configPath
      ? { configPath: state.config.configPath, explicit: true, overrides: {} }
      : undefined);

  const invalidConfig = (refused: string, error: ConfigError) =>
    new HttpError('INVALID_CONFIG', `${refused}: ${error.message}`, [
      { path: error.key ?? '', message: error.message },
    ]);

  /**
   * Refuses a config that must not serve: the documented admin token while the server listens
   * beyond this machine, or would after a restart (its `host`).
   */
  function refuseExposure(next: Config, refused: string): void {
    const serving = listeningHost ?? state.config.host;
    const problem = publicDefaultTokenProblem(serving, next);
    const hostProblem = problem ? undefined : publicDefaultTokenProblem(next.host, next);
    if (problem || hostProblem) {
      throw new HttpError('INVALID_CONFIG', `${refused}: ${problem ?? hostProblem}`, [
        { path: problem ? 'adminTokens' : 'host', message: (problem ?? hostProblem)! },
      ]);
    }
  }

  function previewConfig(raw: Record<string, unknown>): Config {
    const refused = 'Config not saved, nothing was written';
    let next: Config;
    try {
      next = resolveConfig(raw, configSource() ?? { overrides: {} }, state.config.configPath);
    } catch (error) {
      if (error instanceof ConfigError) throw invalidConfig(refused, error);
      throw error;
    }
    refuseExposure(next, refused);
    return next;
  }

  async function reloadConfig(): Promise<ReloadConfigResult> {
    const source = configSource();
    if (!source) return { message: 'No config file to reload', changed: [], restartRequired: [] };
    const refused = 'Config not reloaded, the running one is kept';
    let next: Config;
    try {
      next = loadConfig(source);
    } catch (error) {
      if (error instanceof ConfigError) throw invalidConfig(refused, error);
      throw error;
    }
    const previous = state.config;
    refuseExposure(next, refused);
    const changed = (Object.keys(next) as (keyof Config)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(previous[key]),
    );
    state = { ...state, config: next, tokens: TokenStore.fromConfig(next, tokenUsage, sessionTokens) };
    sink.rememberSecrets(state.tokens.secrets);
    sink.configure(next.logging);
    listening?.setLimits(connectionLimits(next));
    logger.level = next.debug ? 'debug' : 'info';
    context.attempts.setLimit(next.maxFailedAuthPerMinute);
    if (SUPPLY_KEYS.some((key) => changed.includes(key))) supply.reconfigure(supplyOptions(next));
    const restartRequired = RESTART_KEYS.filter((key) => changed.includes(key));
    const result: ReloadConfigResult = {
      message:
        changed.length === 0
          ? 'Config reloaded; nothing changed'
          : `Config reloaded; changed: ${changed.join(', ')}` +
            (restartRequired.length
              ? `. A restart is needed for ${restartRequired.join(' and ')} to take effect`
              : ''),
      changed,
      restartRequired: [...restartRequired],
    };
    if (RELOAD_KEYS.some((key) => changed.includes(key))) result.reload = await reload();
    if (changed.includes('hotReload') || changed.includes('apisDir')) await watch();
    logger.info({ kind: 'system', event: 'config-reload', changed, restartRequired }, result.message);
    events.emit('configChanged', result);
    return result;
  }

  /** What host and port the server started with: config changes to them wait for a restart. */
  let startedWith: Pick<Config, RestartKey> | undefined;
  const settingsState = (): SettingsState => {
    const started = startedWith;
    const overrides = configSource()?.overrides ?? {};
    return {
      pendingRestart: started ? RESTART_KEYS.filter((key) => state.config[key] !== started[key]) : [],
      overridden: OVERRIDABLE_KEYS.filter((key) => overrides[key] !== undefined),
    };
  };

  const context: RuntimeContext = {
    state: () => state,
    reload,
    reloadConfig,
    previewConfig,
    settingsState,
    startedAt: Date.now(),
    logger,
    logs: sink,
    events,
    metrics: new Metrics(),
    attempts: new FailedAttempts(options.config.maxFailedAuthPerMinute),
    url: () => listening?.url,
    version: VERSION,
  };

  async function start(): Promise<string> {
    if (listening) throw new Error('the runtime is already started');
    const { host, port } = state.config;
    const problem = publicDefaultTokenProblem(host, state.config);
    if (problem) throw new StartError(problem);
    await reload();
    try {
      listening = await listen(
        createHandler(context, { panelDir: options.panelDir, extraCorsOrigins: options.extraCorsOrigins }),
        host,
        port,
        { limits: connectionLimits(state.config), onClientError: clientErrorHandler(context) },
      );
      listeningHost = host;
      startedWith = { host, port };
    } catch (error) {
      await state.generation.pool?.close();
      await supply.close();
      throw error;
    }
    await watch();
    logger.info(
      { kind: 'system', event: 'start', url: listening.url, version: VERSION },
      `listening on ${listening.url}`,
    );
    return listening.url;
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    logger.info({ kind: 'system', event: 'stop', inFlight: listening?.inFlight ?? 0 }, 'stopping');
    await watcher?.close();
    await listening?.close();
    await reloads;
    await state.generation.pool?.close();
    await supply.close();
    logger.info({ kind: 'system', event: 'stopped' }, 'stopped');
    sink.flushSync();
    await sink.end();
  }

  return {
    start,
    stop,
    reload,
    reloadConfig,
    get url() {
      return listening?.url;
    },
    get config() {
      return state.config;
    },
    get generation() {
      return state.generation;
    },
    events,
  };
}
