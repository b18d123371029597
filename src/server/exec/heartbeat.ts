/**
 * Each worker stamps a shared clock every few milliseconds from its event loop. A worker whose
 * stamp is old is running synchronous code (a busy loop, a long computation): the pool gives it
 * no new calls, and ends it when a call on it runs past its time limit.
 */

/** How often a worker stamps. */
export const BEAT_MS = 10;
/** A stamp older than this means the worker's event loop is blocked. */
export const BLOCKED_AFTER_MS = 50;

/** One Int32 per worker slot: its last stamp, in ms since `epoch`. */
export class Heartbeats {
  readonly buffer: SharedArrayBuffer;
  readonly epoch = Date.now();
  private readonly stamps: Int32Array;
  private readonly free: number[];

  constructor(readonly slots: number) {
    this.buffer = new SharedArrayBuffer(slots * 4);
    this.stamps = new Int32Array(this.buffer);
    this.free = Array.from({ length: slots }, (_, index) => slots - 1 - index);
  }

  /** A slot for a new worker, stamped now; undefined when all are taken. */
  claim(): number | undefined {
    const slot = this.free.pop();
    if (slot !== undefined) Atomics.store(this.stamps, slot, Date.now() - this.epoch);
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** How long ago the worker in `slot` last stamped. */
  silenceMs(slot: number): number {
    return Date.now() - this.epoch - Atomics.load(this.stamps, slot);
  }
}

/** In a worker: stamp its slot until the thread ends. */
export function startBeating(buffer: SharedArrayBuffer, epoch: number, slot: number): void {
  const stamps = new Int32Array(buffer);
  const beat = () => Atomics.store(stamps, slot, Date.now() - epoch);
  beat();
  setInterval(beat, BEAT_MS).unref();
}
