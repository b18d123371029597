import type { EventEmitter } from 'node:events';
import {
  OVERRIDABLE_KEYS,
  RESTART_KEYS,
  type RestartKey,
  type SettingsState,
} from '../../shared/config-api.js';
import { keysWith } from '../../shared/config-keys.js';
import type { FailedAttempts } from '../auth/attempts.js';
import { refuseExposure } from '../auth/exposure.js';
import type { TokenStore } from '../auth/tokens.js';
import { ConfigError, loadConfig, resolveConfig, type ConfigSource } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { HttpError } from '../core/errors.js';
import type { SupplyOptions, WorkerSupply } from '../exec/supply.js';
import type { ReloadConfigResult, RuntimeEvents } from '../http/context.js';
import { connectionLimits, type Listening } from '../http/listen.js';
import type { Logger } from '../logs/logger.js';
import type { LogSink } from '../logs/sink.js';
import type { ReloadController } from './reloads.js';
import type { StateCell } from './state.js';

const RELOAD_KEYS = keysWith('reloads');
const SUPPLY_KEYS = keysWith('restartsWorkers');
const WATCH_KEYS = keysWith('rewatch');

export interface ConfigControllerOptions {
  state: StateCell;
  /** Where the config is read again; without it, the config file the config came from, if any. */
  source?: ConfigSource;
  /** The token store of a config (usage and session tokens carried over by the caller). */
  tokensOf(config: Config): TokenStore;
  sink: LogSink;
  logger: Logger;
  events: EventEmitter<RuntimeEvents>;
  attempts: FailedAttempts;
  supply: WorkerSupply;
  supplyOptions(config: Config): SupplyOptions;
  reloads: ReloadController;
  /** The listening server, once started. */
  listening(): Listening | undefined;
}

/**
 * Changes of the config while the runtime runs: `reload` (reload-config, a settings save, a
 * token change) applies the file's config to everything that holds a part of it; `preview`
 * validates a config without applying it; `settingsState` says what still waits for a restart.
 * A config that would expose the documented admin token is refused (auth/exposure.ts).
 */
export class ConfigController {
  /** What host and port the server started with: config changes to them wait for a restart. */
  private startedWith: Pick<Config, RestartKey> | undefined;

  constructor(private readonly options: ConfigControllerOptions) {}

  /** The server listens now where `config` says: a reloaded config cannot move it. */
  started(config: Pick<Config, RestartKey>): void {
    this.startedWith = Object.fromEntries(RESTART_KEYS.map((key) => [key, config[key]])) as Pick<
      Config,
      RestartKey
    >;
  }

  preview(raw: Record<string, unknown>): Config {
    const refused = 'Config not saved, nothing was written';
    const { config } = this.options.state.get();
    let next: Config;
    try {
      next = resolveConfig(raw, this.source() ?? { overrides: {} }, config.configPath);
    } catch (error) {
      if (error instanceof ConfigError) throw invalidConfig(refused, error);
      throw error;
    }
    refuseExposure(next, this.servingHost(), refused);
    return next;
  }

  async reload(): Promise<ReloadConfigResult> {
    const { state, sink, logger, attempts, supply, reloads, events } = this.options;
    const source = this.source();
    if (!source) return { message: 'No config file to reload', changed: [], restartRequired: [] };
    const refused = 'Config not reloaded, the running one is kept';
    let next: Config;
    try {
      next = loadConfig(source);
    } catch (error) {
      if (error instanceof ConfigError) throw invalidConfig(refused, error);
      throw error;
    }
    const previous = state.get().config;
    refuseExposure(next, this.servingHost(), refused);
    const changed = (Object.keys(next) as (keyof Config)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(previous[key]),
    );
    state.update({ config: next, tokens: this.options.tokensOf(next) });
    sink.rememberSecrets(state.get().tokens.secrets);
    sink.configure(next.logging);
    this.options.listening()?.setLimits(connectionLimits(next));
    logger.level = next.debug ? 'debug' : 'info';
    attempts.setLimit(next.maxFailedAuthPerMinute);
    if (SUPPLY_KEYS.some((key) => changed.includes(key)))
      supply.reconfigure(this.options.supplyOptions(next));
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
    if (RELOAD_KEYS.some((key) => changed.includes(key))) result.reload = await reloads.reload();
    if (WATCH_KEYS.some((key) => changed.includes(key))) await reloads.watch();
    logger.info({ kind: 'system', event: 'config-reload', changed, restartRequired }, result.message);
    events.emit('configChanged', result);
    return result;
  }

  settingsState(): SettingsState {
    const started = this.startedWith;
    const { config } = this.options.state.get();
    const overrides = this.source()?.overrides ?? {};
    return {
      pendingRestart: started ? RESTART_KEYS.filter((key) => config[key] !== started[key]) : [],
      overridden: OVERRIDABLE_KEYS.filter((key) => overrides[key] !== undefined),
    };
  }

  /** Where the config is read again: the source it started from, else its config file as is. */
  private source(): ConfigSource | undefined {
    const { configPath } = this.options.state.get().config;
    return this.options.source ?? (configPath ? { configPath, explicit: true, overrides: {} } : undefined);
  }

  /** The host the server listens on, or will: a reloaded config cannot move it. */
  private servingHost(): string {
    return this.startedWith?.host ?? this.options.state.get().config.host;
  }
}

const invalidConfig = (refused: string, error: ConfigError) =>
  new HttpError('INVALID_CONFIG', `${refused}: ${error.message}`, [
    { path: error.key ?? '', message: error.message },
  ]);
