import type { EventEmitter } from 'node:events';
import type { ReloadResult } from '../../shared/contract.js';
import { GenerationPool, type PoolCounters, type PoolOptions } from '../exec/pool.js';
import type { WorkerSupply } from '../exec/supply.js';
import type { RuntimeEvents } from '../http/context.js';
import { BuildCache } from '../load/build.js';
import { loadGeneration, planGeneration, type GenerationPlan } from '../load/loader.js';
import { watchModules } from '../load/watcher.js';
import type { Logger } from '../logs/logger.js';
import { recordDiskChanges, type HistoryStore } from '../workspace/history.js';
import type { StateCell } from './state.js';
import { packagesDirOf } from '../core/workspace-paths.js';

export interface ReloadControllerOptions {
  state: StateCell;
  supply: WorkerSupply;
  logger: Logger;
  events: EventEmitter<RuntimeEvents>;
  /** How long loading every module may take before the one loading is declared hung. */
  loadTimeoutMs: number;
  /** The workspace's secrets now, for the workers of a new generation. */
  secrets(): Record<string, string>;
  /** Where files the watcher sees change are kept as versions (with the reload's result). */
  history?: HistoryStore;
  /** What the generations' pools count over the runtime's life (metrics). */
  poolCounters?: PoolCounters;
  /**
   * Where a process of a cluster that does not compile gets its plans: from the one that does,
   * undefined when that one could not answer (this one then compiles). Such a process does not
   * watch the APIs folder either. Without it, this process compiles, and watches.
   */
  plans?: () => Promise<GenerationPlan | undefined>;
  /** A reload the watcher asked for was made (the compiling process tells the others). */
  onWatchedReload?: () => void;
}

/**
 * Reloads of the modules, and the watcher that asks for them. A reload builds the next
 * generation completely, swaps it in with one assignment, then retires the one before it (its
 * calls in progress finish on its own code). Reloads run one at a time, in the order asked for,
 * each on the generation before it.
 */
export class ReloadController {
  private readonly builds = new BuildCache();
  private queue: Promise<unknown> = Promise.resolve();
  /** Plans are made one at a time, so two asked for at once do not compile one change twice. */
  private planning: Promise<unknown> = Promise.resolve();
  private watcher: ReturnType<typeof watchModules> | undefined;
  private stopped = false;
  /** Changes on disk still being kept in the history. */
  private recording: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ReloadControllerOptions) {}

  reload(): Promise<ReloadResult> {
    const next = this.queue.then(() => this.loadOnce());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts watching the APIs folder when `hotReload` is on (again, after a config change). */
  async watch(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    const { config } = this.options.state.get();
    if (!config.hotReload || this.stopped || this.options.plans) return;
    const { logger, history, onWatchedReload } = this.options;
    this.watcher = watchModules(config.apisDir, (changed) => {
      logger.debug({ kind: 'system', event: 'files-changed', changed }, 'files changed');
      const recorded = this.reload().then(
        // The changed files as they are now, kept in their history with how the reload went.
        (result) => {
          onWatchedReload?.();
          return (
            history &&
            recordDiskChanges(history, config.apisDir, changed, result).catch((error: unknown) =>
              logger.warn({ kind: 'error', err: error }, 'a change on disk could not be kept in the history'),
            )
          );
        },
        (error: unknown) => logger.error({ kind: 'error', err: error }, 'hot reload failed'),
      );
      this.recording = Promise.all([this.recording, recorded]);
    });
    await this.watcher.ready;
  }

  /** No more watching or reloading; a reload under way ends without swapping (see settled). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.close();
  }

  /**
   * The next generation's plan, compiled here (reusing the builds whose inputs did not change);
   * what a cluster's compiling process answers the others with.
   */
  plan(): Promise<GenerationPlan> {
    const next = this.planning.then(async () => {
      const plan = await planGeneration(this.options.state.get().config.apisDir, this.builds);
      if (plan.compiled.length > 0) {
        this.options.logger.debug(
          { kind: 'system', event: 'compiled', modules: plan.compiled },
          `compiled ${plan.compiled.length} module(s)`,
        );
      }
      return plan;
    });
    this.planning = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the reloads asked for have ended. */
  settled(): Promise<unknown> {
    return Promise.all([this.queue, this.recording]);
  }

  /** The plan to load: the compiling process's (its builds adopted), else one compiled here. */
  private async nextPlan(): Promise<GenerationPlan> {
    const { plans, logger } = this.options;
    if (!plans) return this.plan();
    const received = await plans();
    if (!received) {
      logger.warn(
        { kind: 'system', event: 'plan-unavailable' },
        'the compiling process did not answer: this process compiles the modules itself',
      );
      return this.plan();
    }
    const builds = received.results.flatMap((result) => ('build' in result ? [result.build] : []));
    this.builds.keepOnly(builds);
    return {
      ...received,
      results: received.results.map((result) =>
        'build' in result ? { build: this.builds.adopt(result.build) } : result,
      ),
    };
  }

  private async loadOnce(): Promise<ReloadResult> {
    const { state, supply, logger, events, loadTimeoutMs, secrets } = this.options;
    const started = performance.now();
    const { config, generation: previous } = state.get();
    const pool: PoolOptions = {
      supply,
      apisDir: config.apisDir,
      packagesDir: packagesDirOf(config.baseDir),
      threads: config.workers,
      maxThreads: config.maxWorkers,
      loadTimeoutMs,
      secrets: secrets(),
      counters: this.options.poolCounters,
      onAppLog: ({ level, requestId, endpoint, message, fields }) =>
        logger[level]({ ...fields, kind: 'app', requestId, endpoint }, message),
    };
    const generation = await loadGeneration(
      { loadTimeoutMs, start: (modules) => GenerationPool.start(modules, pool) },
      previous,
      this.builds,
      await this.nextPlan(),
    );
    if (this.stopped) {
      await generation.pool?.close();
      throw new Error('the runtime has stopped');
    }
    state.update({ generation }); // the atomic swap: one assignment
    // Secrets changed while it loaded went to the generation before: send the latest.
    generation.pool?.updateSecrets(secrets());
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
}
