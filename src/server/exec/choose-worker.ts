import { BLOCKED_AFTER_MS, type Heartbeats } from './heartbeat.js';

/** Calls of `async` functions one worker interleaves at most. */
export const ASYNC_CALLS_PER_WORKER = 64;
/**
 * Plain calls sent to one worker at most: the one it runs and those waiting behind it there.
 * A worker kept fed this way is never asleep between calls, and waking a sleeping thread is
 * most of what a call's hop costs (see bench/PROFILE.md). With 4, fifty clients' calls waited
 * in the pool's queue for a turn, and went out a few per message: 64 lets one message carry
 * what arrived in a turn of the event loop.
 */
export const PLAIN_CALLS_PER_WORKER = 64;
/**
 * A busy worker that has started every call sent to wait in it within this long takes more
 * plain calls, before an idle one does: a load of quick calls goes to as few workers as keep
 * up with it. Spread over every worker, the same calls cost the process more CPU (more
 * messages each way, more threads woken, each with cold caches): 2-4 µs a request with two
 * workers against one on a 2-core machine (bench/PROFILE.md). Behind a slow call, calls stop
 * starting: after this long the next ones go elsewhere, and those waiting are taken back (the
 * pool's TAKE_BACK_MS).
 */
export const PACK_MS = 2;

/** A call sent to wait in a worker behind others (see GenerationPool.dispatch). */
export interface WaitingCall {
  id: number;
  /** Its claim slot while it may still wait there. */
  slot?: number | undefined;
  /** When it was sent to wait (performance.now()). */
  waitingSince?: number | undefined;
  /** The worker it was sent to last. */
  worker?: unknown;
}

/** What the choice reads of a worker. */
export interface WorkerLoad {
  ready: boolean;
  lostWith?: unknown;
  /** Its heartbeat slot. */
  slot: number;
  /** The calls it has: running, waiting in it, or sent this turn. */
  calls: { readonly size: number };
  /** Whether its calls are plain ones (async ones never join them, nor they async ones). */
  plain: boolean;
  /** Per claim slot: the id of the call waiting there, until the worker starts it. */
  claims: Int32Array;
  /** The calls sent to wait in it, oldest first (some may have started since). */
  waiting: WaitingCall[];
}

/**
 * The worker a call goes to, of those able to take it now (ready, not lost; if busy, with calls
 * of its kind, below its cap, its event loop not blocked): for a plain call the first busy one
 * that keeps up; else the least busy, an idle one before any busy one. An async call is never
 * packed: nothing tells when it has started, and one computing before its first `await` would
 * hold the calls packed behind it, which no take-back frees. Undefined when none can take it.
 */
export function chooseWorker<W extends WorkerLoad>(
  workers: Iterable<W>,
  async: boolean,
  now: number,
  heartbeats: Pick<Heartbeats, 'silenceMs'>,
): W | undefined {
  let best: W | undefined;
  for (const worker of workers) {
    if (!worker.ready || worker.lostWith) continue;
    const busy = worker.calls.size;
    if (busy > 0) {
      // Plain calls queue behind plain calls only; async ones share a worker with async ones.
      if (worker.plain === async) continue;
      if (busy >= (async ? ASYNC_CALLS_PER_WORKER : PLAIN_CALLS_PER_WORKER)) continue;
      // A worker whose event loop is blocked would leave the call waiting behind it.
      if (heartbeats.silenceMs(worker.slot) > BLOCKED_AFTER_MS) continue;
      if (!async && keepsUp(worker, now)) return worker;
    }
    if (!best || busy < best.calls.size) best = worker;
    if (busy === 0) break;
  }
  return best;
}

/**
 * Whether `worker` has started, within PACK_MS of being sent, every call still waiting in it. Its
 * claims say so (the worker marks a call there as it starts it), whatever this thread has yet
 * read of its answers. The calls no longer waiting are let go from the front of the list on the
 * way (the pool's take-back skips them too).
 */
function keepsUp(worker: WorkerLoad, now: number): boolean {
  const { waiting } = worker;
  while (waiting.length > 0) {
    const oldest = waiting[0]!;
    if (
      oldest.worker === worker &&
      oldest.slot !== undefined &&
      Atomics.load(worker.claims, oldest.slot) === oldest.id
    )
      return now - oldest.waitingSince! < PACK_MS;
    waiting.shift();
  }
  return true;
}
