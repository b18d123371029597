import type { ClusterProcessStatus, EndpointMetrics } from '../../shared/admin-api.js';
import { primaryMessageSchema, type MemberMessage, type ProcessReport } from './messages.js';

/** How often this process sends its figures to the primary. */
const REPORT_MS = 1000;

/**
 * The whole cluster as one process's admin API shows it: this process's figures of now, and the
 * others' as they last reported them (each sends its own to the primary every second, and the
 * primary sends every process the latest of all).
 */
export class ClusterView {
  private others: ProcessReport[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** This process's number in the cluster. */
    private readonly number: number,
    /** This process's figures of now. */
    private readonly report: () => ProcessReport,
  ) {
    process.on('message', (message: unknown) => {
      const said = primaryMessageSchema.safeParse(message).data;
      if (said?.type === 'reports') this.others = said.reports.filter((each) => each.number !== number);
    });
    this.timer = setInterval(() => this.send(), REPORT_MS).unref();
  }

  /** Every process, by number; this one marked `answering`. */
  processes(): ClusterProcessStatus[] {
    return this.reports().map(({ metrics: _metrics, ...figures }) => ({
      ...figures,
      answering: figures.number === this.number,
    }));
  }

  /** Each process's per-endpoint metrics. */
  metrics(): EndpointMetrics[][] {
    return this.reports().map((report) => report.metrics);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private reports(): ProcessReport[] {
    return [this.report(), ...this.others].sort((a, b) => a.number - b.number);
  }

  private send(): void {
    if (process.connected) process.send?.({ type: 'report', report: this.report() } satisfies MemberMessage);
  }
}
