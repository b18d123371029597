/**
 * The business requests' Prometheus families, `api_deploy_requests_total` (by endpoint and
 * status) and `api_deploy_request_duration_seconds` (by endpoint), counted in plain numbers on
 * the hot path and turned into prom-client's values only when Prometheus asks. prom-client's
 * own Counter and Histogram hash their labels on every observation, even through a child made
 * once: 2 µs of a request's CPU and 5% of the runtime's throughput (bench, A/B).
 *
 * Each family is a prom-client metric by duck typing (what its Registry reads: `name`, `help`,
 * `type`, `aggregator`, `get`), so `/metrics`, its parser-checked format and a cluster's sums
 * (AggregatorRegistry) are prom-client's, unchanged.
 */

/** One endpoint's requests since the process started. */
interface EndpointTally {
  /** Answers by status. */
  byStatus: Map<number, number>;
  /** Observations per latency bucket, not cumulative; the last is past every bound (+Inf). */
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** A value as prom-client's registry reads it (`sharedLabels` written after `labels`). */
interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads of a metric (see Registry.getMetricsAsString). */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  /** Values with the labels merged, for getMetricsAsJSON (a cluster's aggregation). */
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }>;
  /** Values as the text format writes them: a histogram's `le` first. */
  getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: 'sum';
    values: MetricValue[];
  }>;
}

export class RequestTallies {
  private readonly endpoints = new Map<string, EndpointTally>();

  /** `bounds`: the histogram's upper bounds in seconds, ascending. */
  constructor(private readonly bounds: readonly number[]) {}

  record(endpoint: string, status: number, seconds: number): void {
    let tally = this.endpoints.get(endpoint);
    if (!tally) {
      tally = { byStatus: new Map(), buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.endpoints.set(endpoint, tally);
    }
    tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    tally.buckets[bucket]!++;
    tally.sum += seconds;
    tally.count++;
  }

  /** `api_deploy_requests_total`-like: answers by endpoint and status. */
  counter(name: string, help: string): CollectedMetric {
    const collect = () => {
      const values: MetricValue[] = [];
      for (const [endpoint, tally] of this.endpoints) {
        for (const [status, count] of tally.byStatus) {
          values.push({ labels: { endpoint, status: String(status) }, value: count });
        }
      }
      return Promise.resolve({ name, help, type: 'counter', aggregator: 'sum' as const, values });
    };
    return { name, help, type: 'counter', aggregator: 'sum', get: collect, getForPromString: collect };
  }

  /** `api_deploy_request_duration_seconds`-like: the latency histogram by endpoint. */
  histogram(name: string, help: string): CollectedMetric {
    const collect = (merged: boolean) => {
      const values: MetricValue[] = [];
      const value = (endpoint: string, labels: MetricValue['labels'], metricName: string, count: number) =>
        values.push(
          merged
            ? { labels: { ...labels, endpoint }, value: count, metricName }
            : { labels, sharedLabels: { endpoint }, value: count, metricName },
        );
      for (const [endpoint, tally] of this.endpoints) {
        let below = 0;
        this.bounds.forEach((bound, index) => {
          below += tally.buckets[index]!;
          value(endpoint, { le: bound }, `${name}_bucket`, below);
        });
        value(endpoint, { le: '+Inf' }, `${name}_bucket`, tally.count);
        value(endpoint, {}, `${name}_sum`, tally.sum);
        value(endpoint, {}, `${name}_count`, tally.count);
      }
      return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum' as const, values });
    };
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: () => collect(true),
      getForPromString: () => collect(false),
    };
  }
}
