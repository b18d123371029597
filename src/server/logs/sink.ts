import type { Config } from '../config/schema.js';
import { Redactor } from './redact.js';
import { requestLine, type RequestRecord } from './request-line.js';
import { LogRing, type LogEntry, type LogFilter } from './ring.js';
import { logFileOfProcess, RollingFile } from './rolling-file.js';

type LoggingConfig = Config['logging'];

/**
 * Where log lines go: the ring buffer of recent entries (always), the rolling log file (when
 * `logToFile`), and standard output (the headless server). It is pino's destination. Before a
 * line goes anywhere, any token value in it is replaced: whatever a caller logged, a token
 * never reaches a log line, not even one revoked earlier in the process's life.
 */
export class LogSink {
  private readonly ring: LogRing;
  /** Requests answered in this turn of the event loop, whose lines are still to be written. */
  private answered: RequestRecord[] = [];
  private file: RollingFile | undefined;
  private fileSettings = '';
  /** Every token and secret value this process has known. */
  private readonly redactor = new Redactor();
  private maxText = 0;
  /** The file takes a line's bytes as the ring encoded them: one encoding for both. */
  private readonly toFile = (bytes: Buffer, start: number, end: number) =>
    this.file?.writeBytes(bytes, start, end);

  constructor(
    logging: LoggingConfig,
    private readonly stdout: NodeJS.WritableStream | undefined,
    private readonly now?: () => number,
    /** This process's number in a cluster (1..N): its log file is named after it. */
    private readonly processNumber = 1,
  ) {
    this.ring = new LogRing(logging.bufferSize);
    this.configure(logging);
  }

  /** Applies a (re)loaded config: reopens the file when its settings changed. */
  configure(logging: LoggingConfig): void {
    this.writeAnswered(); // with the settings in force when they were answered
    this.ring.resize(logging.bufferSize);
    this.maxText = logging.logMaxBodySize;
    const settings = JSON.stringify([
      logging.logToFile,
      logging.logFilePath,
      logging.logRotation,
      logging.logRetention,
    ]);
    if (settings === this.fileSettings) return;
    this.fileSettings = settings;
    void this.file?.end();
    this.file = logging.logToFile
      ? new RollingFile({
          template: logFileOfProcess(logging.logFilePath, this.processNumber),
          rotation: logging.logRotation,
          retention: logging.logRetention,
          now: this.now,
        })
      : undefined;
  }

  /**
   * Adds token values to scrub from every line. They are never taken off: a value revoked or
   * deleted stays a secret for as long as the process runs (it may still be in a client's
   * hands, or in a line yet to be written).
   */
  rememberSecrets(values: readonly string[]): void {
    this.redactor.remember(values);
  }

  /**
   * Logs an answered request, without going through pino: the request line, written for every
   * request, has its own serializer (request-line.ts), several times faster than pino's generic
   * one, in pino's shape. The lines of one turn of the event loop are written together at its
   * end, or before any other line, query or subscription: one run of the same code for them all
   * cost the server less than a line in the middle of each request's answer (8% of the
   * throughput in the bench, see bench/PROFILE.md).
   */
  request(record: RequestRecord): void {
    if (this.answered.push(record) === 1) setImmediate(this.writeAnswered);
  }

  write(line: string): void {
    this.writeAnswered();
    this.writeLine(line);
  }

  /** The last entries passing `filter` (see LogRing.query), the lines of every answered request among them. */
  query(filter: LogFilter): LogEntry[] {
    this.writeAnswered();
    return this.ring.query(filter);
  }

  /** Calls `listener` with every new entry until the returned function is called. */
  subscribe(listener: (entry: LogEntry, line: string) => void): () => void {
    this.writeAnswered();
    return this.ring.subscribe(listener);
  }

  private readonly writeAnswered = (): void => {
    if (this.answered.length === 0) return;
    const records = this.answered;
    this.answered = [];
    for (const record of records) this.writeLine(requestLine(record, this.maxText, this.redactor.values));
  };

  private writeLine(line: string): void {
    line = this.redactor.scrubJson(line);
    this.ring.push(line, this.file && this.toFile);
    this.stdout?.write(line);
  }

  /** Lines the log file dropped because the disk did not keep up (since the file was opened). */
  get droppedLines(): number {
    return this.file?.dropped ?? 0;
  }

  /** The file being written, if any. */
  get currentFile(): string | undefined {
    return this.file?.file || undefined;
  }

  flushSync(): void {
    this.writeAnswered();
    this.file?.flushSync();
  }

  async end(): Promise<void> {
    this.writeAnswered();
    await this.file?.end();
  }
}
