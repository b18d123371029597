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
