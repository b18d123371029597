import { closeSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import path from 'node:path';

/** A batch's buffer: written in one system call once full (or on `flush`). */
const BATCH_BYTES = 64 * 1024;
/** Past this many bytes waiting (a stalled disk), new lines are dropped and counted. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * An append-only file written in batches: a line's bytes (as the log ring encoded them) are
 * copied straight into the batch's buffer, which goes to disk in one asynchronous write once full, or when `flush` is called (a timer
 * does, every 250 ms). Lines are not kept as strings until then: held for a batch's few
 * milliseconds, every request's line outlived the young generation, and copying them cost more
 * than writing them (with the join and the encoding of the whole batch, 2-3 µs a request).
 * sonic-boom, pino's own destination, measures its whole pending buffer again on every write.
 * A failing disk never throws into the server: the error is kept in `lastError`.
 */
export class BatchedFile {
  private readonly fd: number;
  /** The batch being filled, and how much of it is. */
  private batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private used = 0;
  /** Batches filled while a write was in flight, in order. */
  private sealed: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | undefined;
  dropped = 0;
  lastError: Error | undefined;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** A line as text (the sink hands over bytes the ring has encoded: writeBytes). */
  write(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    this.writeBytes(bytes, 0, bytes.length);
  }

  /** A line already encoded: `source` from `start` to `end`, copied before this returns. */
  writeBytes(source: Buffer, start: number, end: number): void {
    if (this.full()) return;
    if (!this.roomFor(end - start)) {
      this.alone(Buffer.from(source.subarray(start, end)));
      return;
    }
    this.added(source.copy(this.batch, this.used, start, end));
  }

  /** Writes what is waiting; resolves when it is on its way to disk. */
  flush(): Promise<void> {
    if (this.writing) return this.writing.then(() => (this.waiting() ? this.flush() : undefined));
    this.seal();
    if (this.sealed.length === 0) return Promise.resolve();
    const batches = this.sealed;
    this.sealed = [];
    this.writing = writeBatches(this.fd, batches).then(
      () => undefined,
      (error: Error) => {
        this.lastError = error;
      },
    );
    void this.writing.finally(() => {
      this.writing = undefined;
      for (const batch of batches) this.pendingBytes -= batch.length;
    });
    return this.writing;
  }

  /** Writes everything still waiting, then closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.writing;
    closeSync(this.fd);
  }

  /** For an exit that cannot wait: writes what is waiting synchronously (after any write in flight). */
  flushSync(): void {
    if (this.writing || !this.waiting()) return;
    this.seal();
    try {
      for (const batch of this.sealed) writeSync(this.fd, batch);
      this.sealed = [];
      this.pendingBytes = 0;
    } catch (error) {
      this.lastError = error as Error;
    }
  }

  /** Whether too much waits for the disk to take a line (which is then dropped and counted). */
  private full(): boolean {
    if (this.pendingBytes <= MAX_PENDING_BYTES) return false;
    this.dropped++;
    return true;
  }

  /** Makes room for `size` bytes in the batch being filled: false when no batch can hold them. */
  private roomFor(size: number): boolean {
    if (size <= this.batch.length - this.used) return true;
    this.seal();
    void this.flush();
    return size <= BATCH_BYTES;
  }

  /** A line longer than a batch: it goes as a batch of its own. */
  private alone(bytes: Buffer): void {
    this.sealed.push(bytes);
    this.pendingBytes += bytes.length;
    void this.flush();
  }

  /** Counts `size` bytes just put in the batch, which goes once full. */
  private added(size: number): void {
    this.used += size;
    this.pendingBytes += size;
    if (this.used === this.batch.length) void this.flush();
  }

  private waiting(): boolean {
    return this.used > 0 || this.sealed.length > 0;
  }

  /** Queues the batch being filled (the bytes used of it) and starts a new one. */
  private seal(): void {
    if (this.used === 0) return;
    this.sealed.push(this.batch.subarray(0, this.used));
    this.batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.used = 0;
  }
}

/** The batches in order, each until every byte is written (a write may take fewer than asked). */
async function writeBatches(fd: number, batches: readonly Buffer[]): Promise<void> {
  for (const batch of batches) await writeAll(fd, batch);
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (offset: number) =>
      write(fd, data, offset, data.length - offset, null, (error, written) => {
        if (error) return reject(error);
        if (offset + written < data.length) next(offset + written);
        else resolve();
      });
    next(0);
  });
}
