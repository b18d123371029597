import { LOG_KINDS, PANEL_SOURCE } from '../../shared/admin-api.js';
import { z } from 'zod';

/** A log entry as the admin API returns it: pino's fields, plus its sequence number. */
export type LogEntry = Record<string, unknown> & { seq: number; time: number; level: number };

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The filters of `GET /api/logs` and `/api/logs/stream`, validated from the query string. */
export const logFilterSchema = z.strictObject({
  type: z.enum(LOG_KINDS).optional(),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
  endpoint: z.string().min(1).optional(),
  /** One request's lines: its request line and its function's own (`app`) lines. */
  requestId: z.string().min(1).max(100).optional(),
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
  /** `hide`: leave out the request lines the control panel itself caused (`source: "panel"`). */
  panel: z.enum(['show', 'hide']).default('show'),
  token: z.string().optional(), // the admin token may come as ?token=
});

export type LogFilter = z.output<typeof logFilterSchema>;

function sinceMs(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** Whether an entry passes the filters. */
export function matches(entry: LogEntry, line: string, filter: LogFilter): boolean {
  if (filter.type && entry.kind !== filter.type) return false;
  if (filter.panel === 'hide' && entry.source === PANEL_SOURCE) return false;
  if (filter.level && entry.level < LEVELS[filter.level]!) return false;
  if (filter.requestId && entry.requestId !== filter.requestId) return false;
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

/** Takes a line's UTF-8 bytes: `bytes` from `start` to `end`, to be copied before it returns. */
export type EncodedLine = (bytes: Buffer, start: number, end: number) => void;

/** Bytes of line text kept per entry of capacity (lines average 300-500 bytes). */
const BYTES_PER_ENTRY = 1024;
const MIN_BYTES = 1024 * 1024;
/** A line longer than this is kept as a string on its own, outside the byte store. */
const LONG_LINE_BYTES = 64 * 1024;

/**
 * The most recent log lines, for the admin API's query and live stream: fixed capacity, the
 * oldest line goes when a new one comes.
 *
 * The lines are kept as UTF-8 in one buffer outside the JavaScript heap, not as strings. Held
 * as strings, every request's line outlived the young generation, and copying and promoting
 * them made garbage collection the largest cost of logging: a quarter of the server's
 * throughput at saturation, against a few percent with the lines out of the heap. A line is
 * parsed only when asked for (a query, a live stream).
 *
 * Entry `seq` (numbered from 1) is at slot `seq % capacity`; its text at `offsets[slot]` for
 * `lengths[slot]` bytes, written one after the other and wrapping around. Capacity counts
 * lines; the buffer holds `capacity` KiB, so lines averaging over 1 KiB (long bodies, stack
 * traces) leave fewer than `capacity` kept.
 */
export class LogRing {
  private bytes!: Buffer;
  private offsets!: Int32Array;
  private lengths!: Int32Array;
  /** Lines over LONG_LINE_BYTES, by seq (their offset is -1). */
  private readonly longLines = new Map<number, string>();
  /** Seq of the oldest line kept, and the one the next line gets. */
  private oldest = 1;
  private next = 1;
  /** Where the next line's bytes go. */
  private head = 0;
  private readonly listeners = new Set<(entry: LogEntry, line: string) => void>();

  constructor(private capacity: number) {
    this.allocate(capacity);
  }

  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    const kept = this.lines().slice(-capacity);
    const firstSeq = this.next - kept.length;
    this.capacity = capacity;
    this.allocate(capacity);
    this.oldest = this.next = firstSeq;
    for (const line of kept) this.store(line, undefined);
  }

  /**
   * Keeps a line. `encoded`, when given, is handed the line's UTF-8 bytes as stored, so a log
   * file writes them without encoding the line a second time.
   */
  push(line: string, encoded?: EncodedLine): void {
    const seq = this.store(line, encoded);
    if (this.listeners.size > 0) {
      const entry = parse(line, seq);
      if (entry) for (const listener of this.listeners) listener(entry, line);
    }
  }

  /** The last `limit` entries passing the filters, oldest first. */
  query(filter: LogFilter): LogEntry[] {
    const found: LogEntry[] = [];
    for (let seq = this.next - 1; seq >= this.oldest && found.length < filter.limit; seq--) {
      const line = this.line(seq);
      const entry = parse(line, seq);
      if (entry && matches(entry, line, filter)) found.push(entry);
    }
    return found.reverse();
  }

  /** Calls `listener` with every new entry until the returned function is called. */
  subscribe(listener: (entry: LogEntry, line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The lines kept, oldest first. */
  lines(): string[] {
    const lines: string[] = [];
    for (let seq = this.oldest; seq < this.next; seq++) lines.push(this.line(seq));
    return lines;
  }

  private allocate(capacity: number): void {
    // allocUnsafeSlow: its own memory, outside Node's shared pool; never read before written.
    this.bytes = Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, capacity * BYTES_PER_ENTRY));
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.longLines.clear();
    this.head = 0;
  }

  /** Keeps a line, making room for it; returns its seq. */
  private store(line: string, encoded: EncodedLine | undefined): number {
    const seq = this.next++;
    const slot = seq % this.capacity;
    if (this.next - this.oldest > this.capacity) this.dropOldest();
    // A UTF-16 unit is at most 3 bytes of UTF-8: most lines are written where they go without
    // being measured first, and the lines their bytes covered dropped after.
    const writtenAlready = line.length * 3 <= Math.min(this.bytes.length - this.head, LONG_LINE_BYTES);
    const size = writtenAlready ? this.bytes.write(line, this.head, 'utf8') : Buffer.byteLength(line);
    if (size > LONG_LINE_BYTES) {
      this.longLines.set(seq, line);
      this.offsets[slot] = -1;
      encoded?.(Buffer.from(line, 'utf8'), 0, size);
      return seq;
    }
    if (!writtenAlready) {
      if (this.head + size > this.bytes.length) {
        // The bytes left at the end are given up: the lines there are the oldest, and go first.
        this.dropWhileStored(seq, (offset) => offset >= this.head);
        this.head = 0;
      }
      this.bytes.write(line, this.head, size, 'utf8');
    }
    // The oldest lines whose bytes this one's covered go (they are the oldest kept).
    const start = this.head;
    const end = start + size;
    this.dropWhileStored(seq, (offset, length) => offset < end && offset + length > start);
    this.offsets[slot] = start;
    this.lengths[slot] = size;
    this.head = end;
    encoded?.(this.bytes, start, end);
    return seq;
  }

  /**
   * Drops the oldest lines while the oldest of those in the byte store passes `test`, with
   * any long line older than it: the lines kept are always the newest, without a gap.
   */
  private dropWhileStored(seq: number, test: (offset: number, length: number) => boolean): void {
    for (;;) {
      let stored = this.oldest;
      while (stored < seq && this.offsets[stored % this.capacity] === -1) stored++;
      if (stored >= seq) return;
      const slot = stored % this.capacity;
      if (!test(this.offsets[slot]!, this.lengths[slot]!)) return;
      while (this.oldest <= stored) this.dropOldest();
    }
  }

  private dropOldest(): void {
    if (this.offsets[this.oldest % this.capacity] === -1) this.longLines.delete(this.oldest);
    this.oldest++;
  }

  private line(seq: number): string {
    const slot = seq % this.capacity;
    const offset = this.offsets[slot]!;
    if (offset === -1) return this.longLines.get(seq)!;
    return this.bytes.toString('utf8', offset, offset + this.lengths[slot]!);
  }
}

function parse(line: string, seq: number): LogEntry | undefined {
  try {
    return { ...(JSON.parse(line) as LogEntry), seq };
  } catch {
    return undefined;
  }
}
