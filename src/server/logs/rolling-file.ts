import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { BatchedFile } from './batched-file.js';
import { parseDuration, parseSize, type Period } from '../core/periods.js';

export interface RollingFileOptions {
  /** Absolute path; `{date}` is replaced by the current period (`api_{date}.log`). */
  template: string;
  /** `"1 day"`, `"1 hour"` (a new file each period), or a size such as `"100 MB"`. */
  rotation: string;
  /** Files of this log older than this are deleted (`"30 days"`). */
  retention: string;
  /** The clock; tests pass a fake one. */
  now?: () => number;
}

/** The longest a log line waits in memory before it is written. */
const FLUSH_MS = 250;

/**
 * A log file that rolls: one file per period (the period in its name), or, for a size
 * rotation, numbered files once the current one is full (`api_2026-11-24.1.log`). Files older
 * than the retention are deleted at start and at each roll. Writes are batched and
 * asynchronous (see BatchedFile), at the latest FLUSH_MS after a line; `end` before exit.
 */
export class RollingFile {
  private readonly now: () => number;
  private readonly period: Period | undefined;
  private readonly maxBytes: number | undefined;
  private readonly retentionMs: number;
  private stream: BatchedFile | undefined;
  private currentKey = '';
  private readonly flushTimer: NodeJS.Timeout;
  /** When the period's name must be worked out again. */
  private recheckAt = 0;
  private index = 0;
  /** Lines the files closed earlier dropped. */
  private droppedBefore = 0;
  private size = 0;
  /** The file being written. */
  file = '';

  constructor(private readonly options: RollingFileOptions) {
    this.now = options.now ?? Date.now;
    this.period = parseDuration(options.rotation);
    this.maxBytes = this.period ? undefined : parseSize(options.rotation);
    this.retentionMs = parseDuration(options.retention)?.ms ?? Infinity;
    if (!this.period && !this.maxBytes) throw new Error(`bad log rotation "${options.rotation}"`);
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  /** A line as text (the sink hands over bytes the ring has encoded: writeBytes). */
  write(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    this.writeBytes(bytes, 0, bytes.length);
  }

  /** A line already encoded (see BatchedFile.writeBytes). */
  writeBytes(source: Buffer, start: number, end: number): void {
    this.rotateIfDue(end - start);
    this.stream!.writeBytes(source, start, end);
  }

  /** Opens the next file when the period has changed, or when `bytes` more would pass the size. */
  private rotateIfDue(bytes: number): void {
    // The period's name is worked out again only once a minute has passed (the finest period).
    const now = this.now();
    if (now >= this.recheckAt) {
      this.recheckAt = now - (now % 60_000) + 60_000;
      const key = this.periodKey();
      if (key !== this.currentKey) this.open(key, 0);
    }
    if (this.maxBytes !== undefined) {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.open(this.currentKey, this.index + 1);
      this.size += bytes;
    }
  }

  /** Lines dropped because the disk did not keep up, over every file this wrote. */
  get dropped(): number {
    return this.droppedBefore + (this.stream?.dropped ?? 0);
  }

  /** Starts writing what is gathered (asynchronously). */
  flush(): void {
    void this.stream?.flush();
  }

  flushSync(): void {
    this.stream?.flushSync();
  }

  async end(): Promise<void> {
    clearInterval(this.flushTimer);
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close();
  }

  /**
   * The name part of the current period, in local time: the day for daily (or longer, or size)
   * rotation, `day_HH` for hours, `day_HH-mm` for minutes. Periods of several units start at
   * multiples of their length (every 6 hours: 00, 06, 12, 18).
   */
  private periodKey(): string {
    const at = new Date(this.now());
    const pad = (value: number) => String(value).padStart(2, '0');
    const floor = (value: number, step: number) => Math.floor(value / step) * step;
    const period = this.period;
    if (period && period.ms >= 86_400_000) {
      const days = Math.floor((at.getTime() - at.getTimezoneOffset() * 60_000) / 86_400_000);
      const start = floor(days, period.ms / 86_400_000) * 86_400_000;
      at.setTime(start + at.getTimezoneOffset() * 60_000);
    }
    const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
    if (!period || period.ms >= 86_400_000) return day;
    if (period.ms >= 3_600_000) return `${day}_${pad(floor(at.getHours(), period.ms / 3_600_000))}`;
    return `${day}_${pad(at.getHours())}-${pad(floor(at.getMinutes(), Math.max(1, period.ms / 60_000)))}`;
  }

  private fileFor(key: string, index: number): string {
    const { template } = this.options;
    const named = template.includes('{date}')
      ? template.replaceAll('{date}', key)
      : insertBeforeExtension(template, `.${key}`);
    return index === 0 ? named : insertBeforeExtension(named, `.${index}`);
  }

  private open(key: string, index: number): void {
    // On a new period, continue after the numbered files already there (a restart mid-day).
    if (key !== this.currentKey && this.maxBytes !== undefined) index = this.lastIndex(key);
    this.currentKey = key;
    this.index = index;
    this.file = this.fileFor(key, index);
    this.size = sizeOf(this.file);
    if (this.maxBytes !== undefined && this.size >= this.maxBytes) return this.open(key, index + 1);
    this.droppedBefore += this.stream?.dropped ?? 0;
    void this.stream?.close();
    this.stream = new BatchedFile(this.file);
    this.deleteExpired();
  }

  private lastIndex(key: string): number {
    let index = 0;
    while (sizeOf(this.fileFor(key, index + 1)) > 0) index++;
    return index;
  }

  /** Deletes this log's files last written before the retention period. */
  private deleteExpired(): void {
    if (!Number.isFinite(this.retentionMs)) return;
    const dir = path.dirname(this.options.template);
    const pattern = filePattern(path.basename(this.options.template));
    const cutoff = this.now() - this.retentionMs;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (!pattern.test(name) || full === this.file) continue;
      try {
        if (statSync(full).mtimeMs < cutoff) unlinkSync(full);
      } catch {
        // gone already, or not ours to delete
      }
    }
  }
}

/**
 * The log file of process `number` of a cluster: process 1 writes the configured file, each
 * other process its own beside it (`api_{date}.log` → `api_{date}.p2.log`), so no two processes
 * append to one file and no line is torn. Each file's retention is its own process's.
 */
export function logFileOfProcess(template: string, number: number): string {
  return number <= 1 ? template : insertBeforeExtension(template, `.p${number}`);
}

function insertBeforeExtension(file: string, suffix: string): string {
  const extension = path.extname(file);
  return extension ? `${file.slice(0, -extension.length)}${suffix}${extension}` : `${file}${suffix}`;
}

/** Matches the names this template produces, with any period and number. */
function filePattern(base: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const extension = path.extname(base);
  const stem = extension ? base.slice(0, -extension.length) : base;
  const stemPattern = stem.includes('{date}')
    ? stem.split('{date}').map(escape).join('[0-9_-]+')
    : `${escape(stem)}\\.[0-9_-]+`;
  return new RegExp(`^${stemPattern}(?:\\.\\d+)?${escape(extension)}$`);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
