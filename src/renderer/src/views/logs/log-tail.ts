import type { LogEntry } from '../../../../shared/admin-api.js';

/** Rows kept on screen at most; the oldest go first. */
export const ROW_CAP = 10_000;

/** A shown log line: its entry and a key stable for as long as it is on screen. */
export interface LogRow {
  /** `<epoch>-<seq>`: the epoch grows when the server restarted and its seq began again. */
  key: string;
  epoch: number;
  entry: LogEntry;
}

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** What the view renders; a new object after every change, the same one otherwise. */
export interface TailState {
  rows: readonly LogRow[];
  paused: boolean;
  /** New lines received while paused, shown on resume. */
  held: number;
  /** New lines lost while paused because the pause buffer was full (its oldest went). */
  heldDropped: number;
  /** Lines the server skipped because the panel read too slowly (`event: dropped`). */
  skipped: number;
  /** Whether the first history answer is still awaited. */
  loading: boolean;
  connection: Connection;
  error?: string;
}

/** Runs `flush` soon (the next animation frame); answers a function that cancels it. */
export type Scheduler = (flush: () => void) => () => void;

const animationFrame: Scheduler = (flush) => {
  const id = requestAnimationFrame(flush);
  return () => cancelAnimationFrame(id);
};

/**
 * The log tail's buffering, without React or I/O: entries are queued as they come (cheap, no
 * render) and applied once per animation frame. Rows stay sorted, de-duplicated by `seq` and
 * capped; while paused, new lines wait in a buffer of the same cap. A server restart (its seq
 * starting again, with later times) opens a new epoch rather than being taken for duplicates.
 */
export class LogTail {
  private readonly cap: number;
  private readonly schedule: Scheduler;
  private rows: LogRow[] = [];
  private held: LogRow[] = [];
  private queue: LogEntry[] = [];
  /** Queued entries let go before a flush (no frames while the window is hidden). */
  private overflow = 0;
  private cancelFlush: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  // De-duplication within the current epoch: every seq on screen or held, and a floor under
  // which lines were cleared or dropped and must not come back.
  private readonly seen = new Set<number>();
  private floor = 0;
  private epoch = 0;
  private maxSeq = 0;
  private maxSeqTime = -Infinity;
  private state: TailState;

  constructor({ cap = ROW_CAP, schedule = animationFrame }: { cap?: number; schedule?: Scheduler } = {}) {
    this.cap = cap;
    this.schedule = schedule;
    this.state = {
      rows: [],
      paused: false,
      held: 0,
      heldDropped: 0,
      skipped: 0,
      loading: true,
      connection: 'connecting',
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): TailState => this.state;

  /** The time of the newest line received, for asking the server what came after it. */
  newestTime(): number | undefined {
    return Number.isFinite(this.maxSeqTime) ? this.maxSeqTime : undefined;
  }

  /** Queues live entries; they are applied at the next flush (one render for many lines). */
  receive(entries: readonly LogEntry[]): void {
    for (const entry of entries) this.queue.push(entry);
    // A hidden window gets no animation frames: the queue keeps only what could be shown.
    if (this.queue.length > this.cap * 2) {
      this.overflow += this.queue.length - this.cap;
      this.queue.splice(0, this.queue.length - this.cap);
    }
    if (!this.cancelFlush && this.queue.length > 0) {
      this.cancelFlush = this.schedule(() => {
        this.cancelFlush = undefined;
        this.flush();
      });
    }
  }

  /** Applies the queued entries: to the rows, or to the pause buffer while paused. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (this.queue.length === 0) return;
    const accepted = this.acceptAll(this.queue);
    const overflow = this.overflow;
    this.queue = [];
    this.overflow = 0;
    if (accepted.length === 0) return;
    if (this.state.paused) {
      const { kept, dropped } = this.trim(merge(this.held, accepted));
      this.held = kept;
      this.update({ held: kept.length, heldDropped: this.state.heldDropped + dropped + overflow });
    } else {
      this.rows = this.trim(merge(this.rows, accepted)).kept;
      this.update({ rows: this.rows });
    }
  }

  /** The history answered on opening: shown at once, paused or not. */
  load(entries: readonly LogEntry[]): void {
    this.rows = this.trim(merge(this.rows, this.acceptAll(entries))).kept;
    this.update({ rows: this.rows, loading: false });
  }

  pause(): void {
    if (this.state.paused) return;
    this.flush();
    this.update({ paused: true });
  }

  resume(): void {
    if (!this.state.paused) return;
    this.flush();
    this.rows = this.trim(merge(this.rows, this.held)).kept;
    this.held = [];
    this.update({ rows: this.rows, paused: false, held: 0, heldDropped: 0 });
  }

  /** Empties the view; lines already received do not come back with a later history answer. */
  clear(): void {
    this.flush();
    this.rows = [];
    this.held = [];
    this.seen.clear();
    this.floor = this.maxSeq;
    this.update({ rows: this.rows, held: 0, heldDropped: 0, skipped: 0 });
  }

  /** Starts over for a new query: nothing shown, nothing known; the pause state is kept. */
  reset(): void {
    this.cancel();
    this.queue = [];
    this.overflow = 0;
    this.rows = [];
    this.held = [];
    this.seen.clear();
    this.floor = 0;
    this.epoch = 0;
    this.maxSeq = 0;
    this.maxSeqTime = -Infinity;
    this.update({
      rows: this.rows,
      held: 0,
      heldDropped: 0,
      skipped: 0,
      loading: true,
      connection: 'connecting',
      error: undefined,
    });
  }

  /** Stops a scheduled flush (the view is going away). */
  cancel(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
  }

  noteSkipped(count: number): void {
    if (count > 0) this.update({ skipped: this.state.skipped + count });
  }

  setConnection(connection: Connection): void {
    if (connection !== this.state.connection) this.update({ connection });
  }

  fail(error: string | undefined): void {
    this.update({ error, loading: false });
  }

  private acceptAll(entries: readonly LogEntry[]): LogRow[] {
    const rows: LogRow[] = [];
    for (const entry of entries) {
      const row = this.accept(entry);
      if (row) rows.push(row);
    }
    return rows;
  }

  private accept(entry: LogEntry): LogRow | undefined {
    const { seq, time } = entry;
    if (seq > this.maxSeq) {
      this.maxSeq = seq;
      this.maxSeqTime = time;
    } else if (time > this.maxSeqTime) {
      // An older seq written later than the newest line: the server restarted.
      this.epoch++;
      this.seen.clear();
      this.floor = 0;
      this.maxSeq = seq;
      this.maxSeqTime = time;
    } else if (seq <= this.floor || this.seen.has(seq)) {
      return undefined;
    }
    this.seen.add(seq);
    return { key: `${this.epoch}-${seq}`, epoch: this.epoch, entry };
  }

  /** Keeps the newest `cap` rows; what goes is forgotten and may not come back. */
  private trim(rows: LogRow[]): { kept: LogRow[]; dropped: number } {
    const dropped = rows.length - this.cap;
    if (dropped <= 0) return { kept: rows, dropped: 0 };
    for (let index = 0; index < dropped; index++) {
      const row = rows[index]!;
      if (row.epoch === this.epoch) {
        this.seen.delete(row.entry.seq);
        if (row.entry.seq > this.floor) this.floor = row.entry.seq;
      }
    }
    return { kept: rows.slice(dropped), dropped };
  }

  private update(change: Partial<TailState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}

const before = (a: LogRow, b: LogRow) =>
  a.epoch < b.epoch || (a.epoch === b.epoch && a.entry.seq < b.entry.seq);

/** `rows` and `more` as one new array in (epoch, seq) order; appending in order is the fast path. */
function merge(rows: readonly LogRow[], more: readonly LogRow[]): LogRow[] {
  if (more.length === 0) return rows as LogRow[];
  let ordered = rows.length === 0 || before(rows[rows.length - 1]!, more[0]!);
  for (let index = 1; ordered && index < more.length; index++)
    ordered = before(more[index - 1]!, more[index]!);
  const all = rows.concat(more);
  return ordered ? all : all.sort((a, b) => a.epoch - b.epoch || a.entry.seq - b.entry.seq);
}
