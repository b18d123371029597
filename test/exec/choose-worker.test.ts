// The worker a call goes to: quick calls pack onto a worker that keeps up with them, and go
// elsewhere once calls wait in it without starting, as behind a slow call.
import { describe, expect, it } from 'vitest';
import { BLOCKED_AFTER_MS } from '../../src/server/exec/heartbeat.js';
import {
  chooseWorker,
  PACK_MS,
  PLAIN_CALLS_PER_WORKER,
  type WaitingCall,
  type WorkerLoad,
} from '../../src/server/exec/choose-worker.js';

interface FakeWorker extends WorkerLoad {
  name: string;
}

let nextId = 1;
function worker(name: string, slot: number): FakeWorker {
  return {
    name,
    slot,
    ready: true,
    calls: new Set<number>(),
    plain: false,
    claims: new Int32Array(PLAIN_CALLS_PER_WORKER),
    waiting: [],
  };
}
/** Gives `to` a plain call; one sent while it is busy waits there from `at` until `start`. */
function give(to: FakeWorker, at: number): WaitingCall {
  const id = nextId++;
  const call: WaitingCall = { id, worker: to };
  if (to.calls.size > 0) {
    call.slot = to.waiting.length;
    call.waitingSince = at;
    to.claims[call.slot] = id;
    to.waiting.push(call);
  }
  (to.calls as Set<number>).add(id);
  to.plain = true;
  return call;
}
const start = (on: FakeWorker, call: WaitingCall) => (on.claims[call.slot!] = -1);
const beating: { silenceMs(slot: number): number } = { silenceMs: () => 0 };
const pick = (workers: FakeWorker[], now: number, async = false, heartbeats = beating) =>
  chooseWorker(workers, async, now, heartbeats)?.name;

describe('chooseWorker', () => {
  it('gives quick calls made together to one worker while it starts them in time', () => {
    const workers = [worker('a', 0), worker('b', 1)];
    const chosen: string[] = [];
    for (let call = 0; call < 20; call++) {
      const name = pick(workers, 1000)!;
      chosen.push(name);
      give(
        workers.find((each) => each.name === name)!,
        1000,
      );
    }
    expect(chosen).toEqual(Array(20).fill('a'));
  });

  it('keeps giving them to it while the calls sent to wait there have started', () => {
    const [a, b] = [worker('a', 0), worker('b', 1)];
    give(a, 0);
    for (let at = 0; at < 50; at += 1) {
      expect(pick([a, b], at + PACK_MS + 5)).toBe('a');
      start(a, give(a, at + PACK_MS + 5)); // started as soon as sent
    }
  });

  it('sends the next calls to an idle worker once a call has waited PACK_MS without starting', () => {
    const [a, b] = [worker('a', 0), worker('b', 1)];
    give(a, 0); // a slow call: nothing behind it starts
    give(a, 0);
    expect(pick([a, b], PACK_MS - 0.5)).toBe('a');
    expect(pick([a, b], PACK_MS + 0.5)).toBe('b');
  });

  it('gives an async call to an idle worker first, then the least busy: it is never packed', () => {
    const [a, b] = [worker('a', 0), worker('b', 1)];
    (a.calls as Set<number>).add(nextId++); // one async call, started or not: nothing says
    expect(pick([a, b], 1, true)).toBe('b');
    (b.calls as Set<number>).add(nextId++);
    (b.calls as Set<number>).add(nextId++);
    expect(pick([a, b], 1, true)).toBe('a');
  });

  it('takes an idle worker first, then the least busy, when none keeps up', () => {
    const [a, b, c] = [worker('a', 0), worker('b', 1), worker('c', 2)];
    give(a, 0);
    give(a, 0);
    give(b, 0);
    give(b, 0);
    give(b, 0);
    expect(pick([a, b, c], 100)).toBe('c');
    expect(pick([b, a], 100)).toBe('a');
  });

  it('never gives a call to a worker blocked, lost, full, or busy with the other kind', () => {
    const [a, b] = [worker('a', 0), worker('b', 1)];
    give(a, 0);
    const blocked = { silenceMs: (slot: number) => (slot === 0 ? BLOCKED_AFTER_MS + 1 : 0) };
    expect(pick([a, b], 1, false, blocked)).toBe('b');
    expect(pick([a, b], 1, true)).toBe('b'); // an async call never joins plain ones
    b.lostWith = new Error('gone');
    expect(pick([a, b], 1, true)).toBeUndefined();
    b.lostWith = undefined;
    b.ready = false; // still loading its modules
    expect(pick([a, b], 1, true)).toBeUndefined();
    for (let call = 1; call < PLAIN_CALLS_PER_WORKER; call++) start(a, give(a, 1));
    expect(pick([a], 1)).toBeUndefined(); // full
  });
});
