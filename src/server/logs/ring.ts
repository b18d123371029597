import { z } from 'zod';

/** A log entry as the admin API returns it: pino's fields, plus its sequence number. */
export type LogEntry = Record<string, unknown> & { seq: number; time: number; level: number };

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The filters of `GET /api/logs` and `/api/logs/stream`, validated from the query string. */
export const logFilterSchema = z.strictObject({
  type: z.enum(['request', 'error', 'system', 'auth']).optional(),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
  endpoint: z.string().min(1).optional(),
  status: z
    .string()
    .regex(/^[1-5](\d\d|xx)$/i, 'expected a status such as 404 or 5xx')
    .optional(),
  q: z.string().min(1).max(200).optional(),
  since: z
    .string()
    .refine((value) => !Number.isNaN(sinceMs(value)), 'expected an ISO date or milliseconds since 1970')
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
  token: z.string().optional(), // the admin token may come as ?token=
});

export type LogFilter = z.output<typeof logFilterSchema>;

function sinceMs(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** Whether an entry passes the filters. */
export function matches(entry: LogEntry, line: string, filter: LogFilter): boolean {
  if (filter.type && entry.kind !== filter.type) return false;
  if (filter.level && entry.level < LEVELS[filter.level]!) return false;
  if (filter.endpoint && !String(entry.endpoint ?? '').startsWith(filter.endpoint)) return false;
  if (filter.status) {
    const status = String(entry.status ?? '');
    const wanted = filter.status.toLowerCase();
    if (wanted.endsWith('xx') ? status[0] !== wanted[0] : status !== wanted) return false;
  }
  if (filter.since && entry.time < sinceMs(filter.since)) return false;
  if (filter.q && !line.toLowerCase().includes(filter.q.toLowerCase())) return false;
  return true;
}

interface Slot {
  seq: number;
  line: string;
  entry?: LogEntry;
}

/**
 * The most recent log lines, kept as written (parsed only when asked for), for the admin API's
 * query and live stream. Fixed capacity: the oldest line goes when a new one comes.
 */
export class LogRing {
  private readonly slots: Slot[] = [];
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: LogEntry, line: string) => void>();

  constructor(private capacity: number) {}

  resize(capacity: number): void {
    const kept = this.ordered().slice(-capacity);
    this.slots.length = 0;
    this.slots.push(...kept);
    this.next = kept.length % capacity;
    this.capacity = capacity;
  }

  push(line: string): void {
    const slot: Slot = { seq: ++this.seq, line };
    if (this.slots.length < this.capacity) this.slots.push(slot);
    else this.slots[this.next] = slot;
    this.next = (this.next + 1) % this.capacity;
    if (this.listeners.size > 0) {
      const entry = parse(slot);
      if (entry) for (const listener of this.listeners) listener(entry, line);
    }
  }

  /** The last `limit` entries passing the filters, oldest first. */
  query(filter: LogFilter): LogEntry[] {
    const found: LogEntry[] = [];
    const ordered = this.ordered();
    for (let index = ordered.length - 1; index >= 0 && found.length < filter.limit; index--) {
      const slot = ordered[index]!;
      const entry = parse(slot);
      if (entry && matches(entry, slot.line, filter)) found.push(entry);
    }
    return found.reverse();
  }

  /** Calls `listener` with every new entry until the returned function is called. */
  subscribe(listener: (entry: LogEntry, line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ordered(): Slot[] {
    return this.slots.length < this.capacity
      ? [...this.slots]
      : [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
  }
}

function parse(slot: Slot): LogEntry | undefined {
  if (!slot.entry) {
    try {
      slot.entry = { ...(JSON.parse(slot.line) as LogEntry), seq: slot.seq };
    } catch {
      return undefined;
    }
  }
  return slot.entry;
}
