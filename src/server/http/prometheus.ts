import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Aggregator, type Metric } from 'prom-client';
import { authenticate, presentedToken } from '../auth/authenticate.js';
import type { RequestListener } from 'node:http';
import { HttpError } from '../core/errors.js';
import type { RuntimeContext } from './context.js';
import { clientOf } from './request.js';
import { respondError } from './respond.js';
import { RequestTallies } from './request-tallies.js';

/** What the runtime's gauges and counters are read from when Prometheus scrapes. */
export interface MetricsSource {
  inFlight(): number;
  workersInService(): number;
  callsInProgress(): number;
  modulesLoaded(): number;
  modulesFailed(): number;
  generation(): number;
  workerTimeouts(): number;
  workersLost(): number;
  logLinesDropped(): number;
}

/** Upper bounds of the latency histogram, in seconds: 1 ms to 30 s. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The runtime in the Prometheus text format (`GET /metrics`), with prom-client: business
 * requests by endpoint and status, their latency, requests in flight, reloads and failed loads,
 * the worker pool, dropped log lines, and Node's process metrics. Its own registry, not
 * prom-client's global one, so two runtimes in a process (tests) do not mix.
 *
 * On the hot path a request costs a few additions (request-tallies.ts). Everything else is read
 * when Prometheus asks.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly requests = new RequestTallies(BUCKETS);
  private readonly reloads: Counter;
  private readonly failedLoads: Counter;
  /** In a cluster: the whole cluster's metrics (see useClusterMetrics). */
  private clusterText: (() => Promise<string | undefined>) | undefined;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const register = (metric: object) => this.registry.registerMetric(metric as Metric);
    register(
      this.requests.counter(
        'api_deploy_requests_total',
        'Business requests answered, by endpoint (unknown paths as "(unknown)") and status',
      ),
    );
    register(
      this.requests.histogram(
        'api_deploy_request_duration_seconds',
        'Time from a business request to its answer, by endpoint',
      ),
    );
    this.reloads = new Counter({
      name: 'api_deploy_reloads_total',
      help: 'Reloads of the modules',
      registers,
    });
    this.failedLoads = new Counter({
      name: 'api_deploy_module_load_failures_total',
      help: 'Modules that failed to load, summed over the reloads',
      registers,
    });
    // `aggregator`: how a cluster's processes' values make one (summed unless it says).
    const gauge = (name: string, help: string, read: () => number, aggregator?: Aggregator) =>
      new Gauge({
        name,
        help,
        registers,
        ...(aggregator && { aggregator }),
        collect() {
          this.set(read());
        },
      });
    gauge('api_deploy_requests_in_flight', 'Requests being answered now', source.inFlight);
    gauge(
      'api_deploy_workers',
      'Worker threads running the modules (spares not counted)',
      source.workersInService,
    );
    gauge(
      'api_deploy_calls_in_progress',
      'Function calls running, waiting in a worker or queued',
      source.callsInProgress,
    );
    gauge('api_deploy_modules_loaded', 'Modules serving', source.modulesLoaded, 'min');
    gauge('api_deploy_modules_failed', 'Modules whose latest load failed', source.modulesFailed, 'max');
    gauge('api_deploy_generation', 'The registry generation serving', source.generation, 'max');
    // Counted elsewhere (they only grow): exposed as counters read at scrape time.
    const counted = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counted(
      'api_deploy_function_timeouts_total',
      'Calls answered 504: past their time limit',
      source.workerTimeouts,
    );
    counted(
      'api_deploy_workers_lost_total',
      'Workers that ended under calls and were replaced',
      source.workersLost,
    );
    counted(
      'api_deploy_log_lines_dropped_total',
      'Log lines dropped: the disk did not keep up',
      source.logLinesDropped,
    );
  }

  /** A business request answered. */
  request(endpoint: string, status: number, durationMs: number): void {
    this.requests.record(endpoint, status, durationMs / 1000);
  }

  /** A reload finished, with this many modules failing. */
  reloaded(failed: number): void {
    this.reloads.inc();
    if (failed > 0) this.failedLoads.inc(failed);
  }

  /**
   * In a cluster on one box, `/metrics` answers the whole cluster's, as `clusterText` gathers them
   * (this process's own when they cannot be gathered), whichever process a scrape reaches.
   */
  useClusterMetrics(clusterText: () => Promise<string | undefined>): void {
    this.clusterText = clusterText;
  }

  async text(): Promise<string> {
    return (await this.clusterText?.()) ?? this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * The listener of the config's `metricsPort`, bound to 127.0.0.1: `GET /metrics` without a
 * token, for a scraper or agent on the same host (or pod); anything else is answered 404.
 */
export function metricsPortHandler(runtime: RuntimeContext): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      respondError(
        runtime,
        req,
        res,
        new HttpError('ENDPOINT_NOT_FOUND', 'This port answers GET /metrics only'),
      );
      return;
    }
    runtime.prometheus.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': runtime.prometheus.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => respondError(runtime, req, res, error),
    );
  };
}

/**
 * `GET /metrics` for Prometheus: with an admin token, or with the scrape token of
 * `API_DEPLOY_METRICS_TOKEN` (a separate credential that opens nothing else), as a Bearer.
 */
export function metricsRouter(runtime: RuntimeContext, scrapeToken: string | undefined): Router {
  const router = Router();
  const scrape = scrapeToken ? Buffer.from(scrapeToken) : undefined;
  const isScrapeToken = (req: Request) => {
    const presented = presentedToken(req, undefined);
    if (!scrape || typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    return given.length === scrape.length && timingSafeEqual(given, scrape);
  };
  router.get('/metrics', async (req, res) => {
    if (!isScrapeToken(req)) {
      const { tokens } = runtime.state();
      await authenticate(runtime.attempts, tokens, clientOf(req), presentedToken(req, undefined), 'admin');
    }
    const text = await runtime.prometheus.text();
    res.setHeader('content-type', runtime.prometheus.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(text);
  });
  return router;
}
