import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ReloadResult } from '../shared/contract.js';
import { FailedAttempts } from './auth/attempts.js';
import { publicDefaultTokenProblem } from './auth/exposure.js';
import { entryValue, recordsOfConfig, TokenStore, type SessionToken } from './auth/tokens.js';
import type { ConfigSource } from './config/load.js';
import type { Config } from './config/schema.js';
import { VERSION } from './core/version.js';
import { permissionArgs } from './exec/permissions.js';
import { dataDirOf, packagesDirOf } from './core/workspace-paths.js';
import { findNpm } from './workspace/npm.js';
import { PackageManager } from './workspace/packages.js';
import { defaultWorkerFile } from './exec/pool.js';
import { WorkerSupply, type SupplyOptions } from './exec/supply.js';
import { clientErrorHandler } from './http/client-error.js';
import type { Lifecycle, ReloadConfigResult, RuntimeContext, RuntimeEvents } from './http/context.js';
import { createHandler } from './http/handler.js';
import { withHealth } from './http/health.js';
import { connectionLimits, listen, StartError, type Listening } from './http/listen.js';
import { Metrics } from './http/metrics.js';
import { metricsPortHandler, PrometheusMetrics } from './http/prometheus.js';
import type { PoolCounters } from './exec/pool.js';
import { Generation } from './load/registry.js';
import { createLogger } from './logs/logger.js';
import { Redactor } from './logs/redact.js';
import { LogSink } from './logs/sink.js';
import { ConfigController } from './runtime/config-controller.js';
import { ReloadController } from './runtime/reloads.js';
import { ClusterPlans } from './cluster/plans.js';
import { ClusterMetrics } from './cluster/metrics.js';
import { ClusterView } from './cluster/view.js';
import { ClusterPeers, type PeerReactions, type Peers } from './runtime/cluster-peers.js';
import { Replicas } from './runtime/replicas.js';
import { StateCell } from './runtime/state.js';
import { HistoryStore } from './workspace/history.js';
import { startTracing, type Tracer } from './trace/tracer.js';
import { SecretStore, type SecretCipher } from './workspace/secrets.js';

// The server's front door: what its hosts (the CLI, host.ts, the desktop app in src/main) use.
export type { Config, ConfigFile } from './config/schema.js';
export type { ReloadConfigResult, RuntimeEvents } from './http/context.js';
export { newTokenValue, type SessionToken } from './auth/tokens.js';
export { StartError } from './http/listen.js';
export type { SecretCipher } from './workspace/secrets.js';
export { writeFileAtomic } from './core/atomic-write.js';
export { updateConfigFile } from './config/store.js';
export {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  resolveConfigSource,
  validateConfig,
  type ConfigOverrides,
} from './config/load.js';

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
   * The secrets file (`--secrets`); by default `api-deploy.secrets.json` beside the config file
   * (or in the current folder without one).
   */
  secretsFile?: string;
  /** Where `API_DEPLOY_SECRET_*` variables are read; the process's environment by default. */
  env?: NodeJS.ProcessEnv;
  /**
   * Seals the secrets file's values (the desktop app's, on Electron's safeStorage). Without one
   * values are stored in plain text (the file is still 0600); a file sealed earlier then cannot
   * be read, and start-up stops saying so.
   */
  secretCipher?: SecretCipher;
  /**
   * Origins allowed to call the server from a browser (CORS) beside the config's `corsOrigins`,
   * for this run only (the desktop app's renderer dev server).
   */
  extraCorsOrigins?: string[];
  /**
   * This process's number (1..N) when it is one of a cluster's runtime processes (`cluster`
   * config key, forked by the primary): its log file is named after it (see logFileOfProcess),
   * it shares its changes and failed attempts with the others through the primary (unless a
   * Redis makes every process a replica), and only process 1 compiles the modules and watches
   * them: the others load the builds it makes.
   */
  processNumber?: number;
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

const LOAD_TIMEOUT_MS = 10_000;
const SECRETS_FILE = 'api-deploy.secrets.json';

/**
 * The runtime: its state, and the pieces that change it wired together. The reload controller
 * loads the modules (and watches them), the config controller applies config changes, the HTTP
 * layer reads the state through `RuntimeContext`, and start/stop bring it all up and down.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const tokenUsage = new Map<string, number>();
  const sessionTokens = [...(options.sessionAdminTokens ?? [])];
  const state = new StateCell({
    config: options.config,
    tokens: TokenStore.fromConfig(options.config, tokenUsage, sessionTokens),
    generation: Generation.empty(),
  });
  const sink = new LogSink(options.config.logging, options.stdout, options.now, options.processNumber);
  sink.rememberSecrets(state.get().tokens.secrets);
  const logger = createLogger(sink, options.config.debug ? 'debug' : 'info');
  /** What another process's announcement makes this one do. */
  const reactions: PeerReactions = {
    locked: (key, ms) => attempts.lock(key, ms),
    reload: () => reloads.reload(),
    reloadConfig: (): Promise<unknown> => configs.reload(),
    rereadSecrets: async () => secrets?.reread(),
  };
  // With a Redis, the tokens in force are the replicas' (the config file's only seed it).
  const replicas: Replicas | undefined =
    options.config.redis &&
    new Replicas({
      redis: options.config.redis,
      state,
      logger,
      storeOf: (records) => {
        const { config } = state.get();
        const known = [...config.adminTokens, ...config.validTokens].map(entryValue);
        return new TokenStore(records, tokenUsage, sessionTokens, known);
      },
      seedRecords: () => recordsOfConfig(state.get().config),
      uses: tokenUsage,
      remember: (value) => sink.rememberSecrets([value]),
      on: {
        ...reactions,
        // the panel's token list refreshes on it, whichever replica made the change
        tokensChanged: () => events.emit('tokensChanged', {}),
      },
    });
  // The processes this one tells of its changes: the replicas, else the cluster's other processes.
  const peers: Peers | undefined =
    replicas ??
    (options.processNumber === undefined
      ? undefined
      : new ClusterPeers({
          logger,
          on: {
            ...reactions,
            reloadConfig: async () => {
              const { changed } = await configs.reload();
              // The tokens are the config file's: this process's panel refreshes its token list.
              if (changed.includes('validTokens') || changed.includes('adminTokens')) {
                events.emit('tokensChanged', {});
              }
            },
          },
        }));
  const tokensOf = (config: Config): TokenStore =>
    replicas?.tokenStore() ?? TokenStore.fromConfig(config, tokenUsage, sessionTokens);
  const events = new EventEmitter<RuntimeEvents>();
  const workerFile = options.workerFile ?? defaultWorkerFile();
  const supplyOptions = (config: Config): SupplyOptions => ({
    workerFile,
    memoryMb: config.workerMemoryMb,
    spares: config.workers,
    execArgv: config.restrictWorkers
      ? permissionArgs(workerFile, config.apisDir, packagesDirOf(config.baseDir))
      : // a CPU profile of the server (`node --cpu-prof`, bench/profile.mjs) covers its workers
        process.execArgv.filter((flag) => flag.startsWith('--cpu-prof')),
  });
  const supply = new WorkerSupply(supplyOptions(options.config));
  const attempts = new FailedAttempts(options.config.maxFailedAuthPerMinute, peers?.attempts());
  let listening: Listening | undefined;
  /** The loopback listener of `metricsPort`, when the config opens one. */
  let metricsListening: Listening | undefined;
  let stopped = false;
  let lifecycle: Lifecycle = 'starting';
  let secrets: SecretStore | undefined;
  let tracer: Tracer | undefined;
  const secretValues = () => secrets?.values() ?? {};
  const answerRedactor = new Redactor();
  const history = new HistoryStore({
    // The version history of the APIs folder's files: `.api-deploy/history/` of the workspace.
    root: path.join(dataDirOf(options.config.baseDir), 'history'),
    limits: () => {
      const { historyMaxVersions, historyMaxBytes } = state.get().config;
      return { maxVersions: historyMaxVersions, maxBytes: historyMaxBytes };
    },
    logger,
  });

  const packages = new PackageManager({
    dir: packagesDirOf(options.config.baseDir),
    npm: findNpm(),
    afterChange: async () => {
      const { generation, endpoints, failed } = await reloadEverywhere();
      return { generation, endpoints, failed: failed.length };
    },
  });

  const poolCounters: PoolCounters = { timeouts: 0, workersLost: 0 };
  const prometheus = new PrometheusMetrics({
    inFlight: () => listening?.inFlight ?? 0,
    workersInService: () => supply.inService,
    callsInProgress: () => state.get().generation.pool?.inProgress ?? 0,
    modulesLoaded: () => state.get().generation.modules.size,
    modulesFailed: () => state.get().generation.failures.size,
    generation: () => state.get().generation.id,
    workerTimeouts: () => poolCounters.timeouts,
    workersLost: () => poolCounters.workersLost,
    logLinesDropped: () => sink.droppedLines,
  });
  events.on('reloaded', (result) => prometheus.reloaded(result.failed.length));
  if (options.processNumber !== undefined) {
    const clusterMetrics = new ClusterMetrics(prometheus.registry);
    prometheus.useClusterMetrics(() => clusterMetrics.text());
  }

  // In a cluster, process 1 compiles (and watches); the others load the plans it makes.
  const clusterPlans =
    options.processNumber === undefined ? undefined : new ClusterPlans(options.processNumber);
  const plansOfCompiler = clusterPlans && !clusterPlans.compiles ? clusterPlans : undefined;
  const reloads = new ReloadController({
    plans: plansOfCompiler && (() => plansOfCompiler.request()),
    // A save the compiling process saw: the others reload (with its plan).
    onWatchedReload: clusterPlans && (() => void peers?.announce('reload')),
    state,
    supply,
    logger,
    events,
    loadTimeoutMs: options.loadTimeoutMs ?? LOAD_TIMEOUT_MS,
    secrets: secretValues,
    history,
    poolCounters,
  });
  if (clusterPlans?.compiles) clusterPlans.serve(() => reloads.plan());
  const configs = new ConfigController({
    state,
    source: options.source,
    tokensOf,
    sink,
    logger,
    events,
    attempts,
    supply,
    supplyOptions,
    reloads,
    listening: () => listening,
  });

  /** Reloads here, and has the other processes (if any) do the same. */
  async function reloadEverywhere(): Promise<ReloadResult> {
    const result = await reloads.reload();
    await peers?.announce('reload');
    return result;
  }

  const startedAt = Date.now();
  const metrics = new Metrics();
  /** In a cluster: what this process's admin API shows of every process. */
  const clusterView =
    options.processNumber === undefined
      ? undefined
      : new ClusterView(options.processNumber, () => {
          const { generation } = state.get();
          return {
            number: options.processNumber!,
            pid: process.pid,
            lifecycle,
            generation: generation.id,
            modules: generation.modules.size,
            endpoints: generation.endpoints.length,
            failedModules: generation.failures.size,
            inFlight: listening?.inFlight ?? 0,
            rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
            uptime: Math.round((Date.now() - startedAt) / 100) / 10,
            reportedAt: new Date().toISOString(),
            metrics: metrics.snapshot(),
          };
        });

  const context: RuntimeContext = {
    state: state.get,
    reload: reloadEverywhere,
    reloadConfig: async () => {
      const result = await configs.reload();
      await peers?.announce('reload-config');
      return result;
    },
    previewConfig: (raw) => configs.preview(raw),
    settingsState: () => configs.settingsState(),
    startedAt,
    logger,
    logs: sink,
    events,
    metrics,
    prometheus,
    lifecycle: () => lifecycle,
    workersInService: () => supply.inService,
    attempts,
    tracer: () => tracer,
    sharedState: replicas,
    cluster: clusterView,
    url: () => listening?.url,
    version: VERSION,
    secrets: () => {
      if (!secrets) throw new Error('the runtime has not started');
      return secrets;
    },
    packages: () => packages,
    withoutSecrets: (text) => answerRedactor.scrub(text),
    withoutSecretsInJson: (json) => answerRedactor.scrubJson(json),
    history,
  };

  /** Opens the secrets; each change reaches the running workers, and its values the redaction. */
  async function openSecrets(): Promise<void> {
    const { config } = state.get();
    const file = options.secretsFile ?? path.join(config.baseDir, SECRETS_FILE);
    try {
      secrets = await SecretStore.open(file, options.env, options.secretCipher);
    } catch (error) {
      throw new StartError((error as Error).message);
    }
    const take = () => {
      const values = secretValues();
      sink.rememberSecrets(Object.values(values));
      answerRedactor.remember(Object.values(values));
      state.get().generation.pool?.updateSecrets(values);
    };
    take();
    secrets.onChange((how) => {
      take();
      // A value written here: the processes sharing the workspace read the file again.
      if (how === 'written') void peers?.announce('secrets');
    });
  }

  async function start(): Promise<string> {
    if (listening) throw new Error('the runtime is already started');
    const { config } = state.get();
    const { host, port } = config;
    const problem = publicDefaultTokenProblem(host, config);
    if (problem) throw new StartError(problem);
    try {
      tracer = await startTracing(options.env ?? process.env, VERSION);
    } catch (error) {
      throw new StartError(`Tracing could not start: ${(error as Error).message}`);
    }
    const sharedStateLoaded = replicas?.start();
    await openSecrets();
    await reloads.reload();
    await sharedStateLoaded;
    if (!stopped) lifecycle = 'serving';
    try {
      listening = await listen(
        // /healthz and /readyz are answered before the handler (see health.ts).
        withHealth(
          context,
          createHandler(context, {
            panelDir: options.panelDir,
            extraCorsOrigins: options.extraCorsOrigins,
            metricsToken: (options.env ?? process.env).API_DEPLOY_METRICS_TOKEN || undefined,
          }),
        ),
        host,
        port,
        { limits: connectionLimits(config), onClientError: clientErrorHandler(context) },
      );
      if (config.metricsPort) {
        metricsListening = await listen(metricsPortHandler(context), '127.0.0.1', config.metricsPort, {
          limits: connectionLimits(config),
          portKey: 'metricsPort',
        });
      }
      configs.started(config);
    } catch (error) {
      await listening?.close();
      await state.get().generation.pool?.close();
      await supply.close();
      await tracer?.shutdown();
      await replicas?.stop();
      throw error;
    }
    await reloads.watch();
    logger.info(
      {
        kind: 'system',
        event: 'start',
        url: listening.url,
        version: VERSION,
        ...(metricsListening && { metricsUrl: `${metricsListening.url}/metrics` }),
      },
      `listening on ${listening.url}`,
    );
    return listening.url;
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    lifecycle = 'stopping';
    logger.info({ kind: 'system', event: 'stop', inFlight: listening?.inFlight ?? 0 }, 'stopping');
    await reloads.stop();
    clusterView?.stop();
    await Promise.all([listening?.close(), metricsListening?.close()]);
    await reloads.settled();
    await state.get().generation.pool?.close();
    await supply.close();
    // The spans still buffered are sent (the exporter gives up after its own timeout).
    await tracer
      ?.shutdown()
      .catch((error: unknown) => logger.warn({ kind: 'system', err: error }, 'traces could not be sent'));
    await replicas?.stop();
    logger.info({ kind: 'system', event: 'stopped' }, 'stopped');
    sink.flushSync();
    await sink.end();
  }

  return {
    start,
    stop,
    reload: context.reload,
    reloadConfig: context.reloadConfig,
    get url() {
      return listening?.url;
    },
    get config() {
      return state.get().config;
    },
    get generation() {
      return state.get().generation;
    },
    events,
  };
}
