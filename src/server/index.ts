import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { ReloadResult } from '../shared/contract.js';
import { TokenStore } from './auth/tokens.js';
import { ConfigError, loadConfig, type ConfigSource } from './config/load.js';
import type { Config } from './config/schema.js';
import { createApp } from './http/app.js';
import type { ReloadConfigResult, RuntimeContext, RuntimeState } from './http/context.js';
import { HttpError } from './http/errors.js';
import { createLogger, type Logger } from './logs/logger.js';
import { loadGeneration } from './modules/loader.js';
import { Generation } from './modules/registry.js';
import { VERSION } from './version.js';

export type { Config } from './config/schema.js';
export type { ReloadConfigResult } from './http/context.js';

export interface RuntimeOptions {
  config: Config;
  /** Where `reloadConfig()` reads the config again; without it, reload-config keeps the config. */
  source?: ConfigSource;
  logger?: Logger;
}

export interface RuntimeEvents {
  reloaded: [ReloadResult];
  configChanged: [ReloadConfigResult];
}

export interface Runtime {
  /** Loads the modules and listens; resolves to the URL it serves on. */
  start(): Promise<string>;
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  stop(): Promise<void>;
  reload(): Promise<ReloadResult>;
  reloadConfig(): Promise<ReloadConfigResult>;
  readonly url: string | undefined;
  readonly config: Config;
  readonly generation: Generation;
  readonly events: EventEmitter<RuntimeEvents>;
}

/** A start-up failure with a message fit to print as one line (a port in use, say). */
export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

const RESTART_KEYS = ['host', 'port'] as const;

export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? createLogger();
  const events = new EventEmitter<RuntimeEvents>();
  let state: RuntimeState = {
    config: options.config,
    tokens: TokenStore.fromConfig(options.config),
    generation: Generation.empty(),
  };
  let server: http.Server | undefined;
  let url: string | undefined;
  let reloads: Promise<unknown> = Promise.resolve();
  const inFlight = new Set<http.ServerResponse>();

  async function loadOnce(): Promise<ReloadResult> {
    const started = performance.now();
    const generation = await loadGeneration(state.config.apisDir, state.generation);
    state = { ...state, generation }; // the atomic swap: one assignment
    const failed = [...generation.failures.values()];
    const result: ReloadResult = {
      message: `Loaded ${generation.modules.size} module(s) with ${generation.endpoints.length} endpoint(s)${failed.length ? `; ${failed.length} module(s) failed` : ''}`,
      generation: generation.id,
      modules: generation.modules.size,
      endpoints: generation.endpoints.length,
      failed,
      durationMs: Math.round(performance.now() - started),
    };
    logger.info({ kind: 'system', event: 'reload', ...result }, result.message);
    for (const failure of failed)
      logger.warn(
        { kind: 'system', event: 'load-error', ...failure },
        `module ${failure.module} failed to load`,
      );
    events.emit('reloaded', result);
    return result;
  }

  /** Reloads run one at a time, in the order asked for, each on the generation before it. */
  function reload(): Promise<ReloadResult> {
    const next = reloads.then(loadOnce);
    reloads = next.catch(() => undefined);
    return next;
  }

  async function reloadConfig(): Promise<ReloadConfigResult> {
    if (!options.source) return { message: 'No config file to reload', changed: [], restartRequired: [] };
    let next: Config;
    try {
      next = loadConfig(options.source);
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new HttpError(
          'INVALID_CONFIG',
          `Config not reloaded, the running one is kept: ${error.message}`,
          [{ path: error.key ?? '', message: error.message }],
        );
      }
      throw error;
    }
    const previous = state.config;
    const changed = (Object.keys(next) as (keyof Config)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(previous[key]),
    );
    state = { ...state, config: next, tokens: TokenStore.fromConfig(next) };
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
    if (changed.includes('apisDir')) result.reload = await reload();
    logger.info({ kind: 'system', event: 'config-reload', changed, restartRequired }, result.message);
    events.emit('configChanged', result);
    return result;
  }

  const context: RuntimeContext = {
    state: () => state,
    reload,
    reloadConfig,
    startedAt: Date.now(),
    logger,
    version: VERSION,
  };

  async function start(): Promise<string> {
    if (server) throw new Error('the runtime is already started');
    await reload();
    const app = createApp(context);
    const { host, port } = state.config;
    server = http.createServer(app);
    server.on('request', (_req, res: http.ServerResponse) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', (error: NodeJS.ErrnoException) => {
        server = undefined;
        reject(listenError(error, host, port));
      });
      server!.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `http://${shownHost}:${address.port}`;
    logger.info({ kind: 'system', event: 'start', url, version: VERSION }, `listening on ${url}`);
    return url;
  }

  async function stop(): Promise<void> {
    const closing = server;
    if (!closing) return;
    server = undefined;
    logger.info({ kind: 'system', event: 'stop', inFlight: inFlight.size }, 'stopping');
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    closing.closeIdleConnections();
    // Keep-alive sockets of requests still running are closed as soon as each answer is sent.
    for (const res of inFlight) res.once('finish', () => closing.closeIdleConnections());
    await closed;
    await reloads;
    logger.info({ kind: 'system', event: 'stopped' }, 'stopped');
    logger.flush();
  }

  return {
    start,
    stop,
    reload,
    reloadConfig,
    get url() {
      return url;
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

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new StartError(
      `port ${port} on ${host} is already in use; stop the program using it, or choose another port with --port or "port" in the config`,
    );
  }
  if (error.code === 'EACCES') {
    return new StartError(
      `not allowed to listen on ${host}:${port}; ports below 1024 need privileges, choose another with --port`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new StartError(`cannot listen on host "${host}": no such address on this machine`);
  }
  return error;
}
