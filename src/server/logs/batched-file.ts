import { closeSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import path from 'node:path';

/** Written in one system call once this much text is waiting. */
const BATCH_CHARS = 64 * 1024;
/** Past this much text waiting (a stalled disk), new lines are dropped and counted. */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

/**
 * An append-only file written in batches: a line costs an array push; the batch goes to disk
 * in one asynchronous write once it is large, or when `flush` is called (a timer does, every
 * 250 ms). sonic-boom, pino's own destination, measures its whole pending buffer again on every
 * write (Buffer.byteLength), which cost 2 µs a line here: half of what logging a request cost.
 * A failing disk never throws into the server: the error is kept in `lastError`.
 */
export class BatchedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private pendingChars = 0;
  private writing: Promise<void> | undefined;
  dropped = 0;
  lastError: Error | undefined;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  write(line: string): void {
    if (this.pendingChars > MAX_PENDING_CHARS) {
      this.dropped++;
      return;
    }
    this.parts.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= BATCH_CHARS) void this.flush();
  }

  /** Writes what is waiting; resolves when it is on its way to disk. */
  flush(): Promise<void> {
    if (this.writing) return this.writing.then(() => (this.parts.length > 0 ? this.flush() : undefined));
    if (this.parts.length === 0) return Promise.resolve();
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pendingChars = 0;
    this.writing = writeAll(this.fd, data).then(
      () => undefined,
      (error: Error) => {
        this.lastError = error;
      },
    );
    void this.writing.finally(() => (this.writing = undefined));
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
    if (this.writing || this.parts.length === 0) return;
    try {
      writeSync(this.fd, this.parts.join(''));
      this.parts = [];
      this.pendingChars = 0;
    } catch (error) {
      this.lastError = error as Error;
    }
  }
}

/** `fs.write` until every byte is written (a write may take fewer than asked). */
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
