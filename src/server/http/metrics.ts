import type { EndpointMetrics } from '../../shared/admin-api.js';

/** Per-endpoint call counts and latency over a recent window, for `GET /api/metrics`. */

const WINDOW = 1024;

interface EndpointStats {
  count: number;
  errors: number;
  /** The latest durations, a ring of WINDOW. */
  durations: Float64Array;
  next: number;
  filled: number;
  lastCall: number;
}

export class Metrics {
  private readonly stats = new Map<string, EndpointStats>();

  record(endpoint: string, status: number, durationMs: number): void {
    let stats = this.stats.get(endpoint);
    if (!stats) {
      stats = { count: 0, errors: 0, durations: new Float64Array(WINDOW), next: 0, filled: 0, lastCall: 0 };
      this.stats.set(endpoint, stats);
    }
    stats.count++;
    if (status >= 400) stats.errors++;
    stats.durations[stats.next] = durationMs;
    stats.next = (stats.next + 1) % WINDOW;
    stats.filled = Math.min(WINDOW, stats.filled + 1);
    stats.lastCall = Date.now();
  }

  snapshot(): EndpointMetrics[] {
    return [...this.stats].map(([endpoint, stats]) => {
      const sorted = stats.durations.slice(0, stats.filled).sort();
      const at = (p: number) =>
        sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!) : null;
      return {
        endpoint,
        count: stats.count,
        errors: stats.errors,
        p50Ms: at(0.5),
        p95Ms: at(0.95),
        window: stats.filled,
        lastCall: new Date(stats.lastCall).toISOString(),
      };
    });
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * The metrics of a cluster's processes as one: counts summed, the latest call, and of the
 * percentiles the highest (a percentile of several windows cannot be summed: this is the slowest
 * process's).
 */
export function sumEndpointMetrics(perProcess: EndpointMetrics[][]): EndpointMetrics[] {
  const summed = new Map<string, EndpointMetrics>();
  const highest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const metrics of perProcess) {
    for (const each of metrics) {
      const total = summed.get(each.endpoint);
      summed.set(
        each.endpoint,
        total
          ? {
              endpoint: each.endpoint,
              count: total.count + each.count,
              errors: total.errors + each.errors,
              p50Ms: highest(total.p50Ms, each.p50Ms),
              p95Ms: highest(total.p95Ms, each.p95Ms),
              window: total.window + each.window,
              lastCall: each.lastCall > total.lastCall ? each.lastCall : total.lastCall,
            }
          : { ...each },
      );
    }
  }
  return [...summed.values()];
}
