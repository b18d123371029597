import { AggregatorRegistry, type Registry } from 'prom-client';
import { primaryMessageSchema, type MemberMessage } from './messages.js';

/** Longer than prom-client's own 5 s for gathering every process's metrics. */
const METRICS_TIMEOUT_MS = 6000;

/**
 * The whole cluster's Prometheus metrics for `/metrics`, whichever process a scrape reaches: it
 * asks the primary, which gathers every process's registry and adds them up (prom-client's
 * AggregatorRegistry: counters and histograms summed, each gauge as it says).
 */
export class ClusterMetrics {
  private nextId = 0;
  private readonly waiting = new Map<number, (text: string | undefined) => void>();

  constructor(registry: Registry) {
    // This process answers the primary's requests for its registry (prom-client's own messages).
    AggregatorRegistry.setRegistries(registry);
    new AggregatorRegistry();
    process.on('message', (message: unknown) => {
      const said = primaryMessageSchema.safeParse(message).data;
      if (said?.type === 'metrics') this.waiting.get(said.id)?.(said.text ?? undefined);
    });
  }

  /** The cluster's metrics as text; undefined when they could not be gathered in time. */
  text(): Promise<string | undefined> {
    if (!process.send || !process.connected) return Promise.resolve(undefined);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), METRICS_TIMEOUT_MS);
      const settle = (text: string | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(text);
      };
      this.waiting.set(id, settle);
      process.send!({ type: 'metrics-request', id } satisfies MemberMessage);
    });
  }
}
