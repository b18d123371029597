// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/shared/admin-api.js';
import { LogTail, type Scheduler } from '../../src/renderer/src/views/logs/log-tail.js';

const BASE = Date.UTC(2026, 10, 24, 10, 0, 0);
const entry = (seq: number, time = BASE + seq): LogEntry => ({
  seq,
  time,
  level: 30,
  kind: 'request',
  msg: `#${seq}`,
});
const entries = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => entry(from + i));

/** A scheduler run by hand: the test says when the "animation frame" comes. */
function manualFrames() {
  const pending = new Set<() => void>();
  const schedule: Scheduler = (flush) => {
    pending.add(flush);
    return () => pending.delete(flush);
  };
  const frame = () => {
    const runs = [...pending];
    pending.clear();
    for (const run of runs) run();
  };
  return {
    schedule,
    frame,
    get scheduled() {
      return pending.size;
    },
  };
}

function tail(cap = 100) {
  const frames = manualFrames();
  const instance = new LogTail({ cap, schedule: frames.schedule });
  const seqs = () => instance.getState().rows.map((row) => row.entry.seq);
  return { tail: instance, frames, seqs };
}

describe('LogTail', () => {
  it('applies live entries once per frame, however many came, with one notification', () => {
    const { tail: t, frames, seqs } = tail(1000);
    const listener = vi.fn();
    t.subscribe(listener);
    for (const one of entries(1, 500)) t.receive([one]);
    expect(frames.scheduled).toBe(1);
    expect(seqs()).toEqual([]);
    expect(listener).not.toHaveBeenCalled();
    frames.frame();
    expect(seqs()).toHaveLength(500);
    expect(listener).toHaveBeenCalledTimes(1);
    frames.frame();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('gives a new state object on a change and the same one otherwise', () => {
    const { tail: t, frames } = tail();
    const first = t.getState();
    expect(t.getState()).toBe(first);
    t.receive([entry(1)]);
    frames.frame();
    expect(t.getState()).not.toBe(first);
    expect(t.getState().rows).not.toBe(first.rows);
  });

  it('drops duplicates by seq between the history and the stream, in either order', () => {
    const { tail: t, frames, seqs } = tail();
    // The stream is opened first: its lines may come before the history answer.
    t.receive([entry(5), entry(6)]);
    frames.frame();
    t.load(entries(2, 5));
    expect(seqs()).toEqual([2, 3, 4, 5, 6]);
    t.receive([entry(6), entry(7), entry(3)]);
    frames.frame();
    expect(seqs()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(new Set(t.getState().rows.map((row) => row.key)).size).toBe(6);
    expect(t.getState().loading).toBe(false);
  });

  it('keeps the newest rows up to its cap, and a dropped line does not come back', () => {
    const { tail: t, frames, seqs } = tail(5);
    t.receive(entries(1, 8));
    frames.frame();
    expect(seqs()).toEqual([4, 5, 6, 7, 8]);
    t.load(entries(1, 9));
    expect(seqs()).toEqual([5, 6, 7, 8, 9]);
    t.receive([entry(2)]);
    frames.frame();
    expect(seqs()).toEqual([5, 6, 7, 8, 9]);
  });

  it('holds new lines while paused, counts them, and appends them on resume', () => {
    const { tail: t, frames, seqs } = tail();
    t.load(entries(1, 3));
    t.pause();
    t.receive(entries(4, 6));
    frames.frame();
    expect(seqs()).toEqual([1, 2, 3]);
    expect(t.getState()).toMatchObject({ paused: true, held: 3 });
    t.receive([entry(6), entry(7)]);
    frames.frame();
    expect(t.getState().held).toBe(4);
    t.resume();
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(t.getState()).toMatchObject({ paused: false, held: 0 });
  });

  it('bounds the pause buffer by the cap and says how many it lost', () => {
    const { tail: t, frames, seqs } = tail(4);
    t.load(entries(1, 2));
    t.pause();
    t.receive(entries(3, 12));
    frames.frame();
    expect(t.getState()).toMatchObject({ held: 4, heldDropped: 6 });
    t.resume();
    expect(seqs()).toEqual([9, 10, 11, 12]);
  });

  it('applies lines queued before a pause, then holds', () => {
    const { tail: t, frames, seqs } = tail();
    t.receive([entry(1)]);
    t.pause();
    expect(seqs()).toEqual([1]);
    t.receive([entry(2)]);
    frames.frame();
    expect(seqs()).toEqual([1]);
  });

  it('takes an older seq with a later time for a restarted server, not a duplicate', () => {
    const { tail: t, frames, seqs } = tail();
    t.load(entries(1, 3));
    t.receive([entry(1, BASE + 60_000), entry(2, BASE + 60_001)]);
    frames.frame();
    expect(seqs()).toEqual([1, 2, 3, 1, 2]);
    const keys = t.getState().rows.map((row) => row.key);
    expect(new Set(keys).size).toBe(5);
    expect(t.newestTime()).toBe(BASE + 60_001);
  });

  it('inserts a late line (a reconnect filling its gap) in order', () => {
    const { tail: t, frames, seqs } = tail();
    t.load([entry(1), entry(2), entry(5)]);
    t.receive([entry(3), entry(4)]);
    frames.frame();
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it('clears the view without bringing the cleared lines back', () => {
    const { tail: t, frames, seqs } = tail();
    t.load(entries(1, 3));
    t.noteSkipped(4);
    t.clear();
    expect(t.getState()).toMatchObject({ rows: [], skipped: 0 });
    t.receive(entries(2, 5));
    frames.frame();
    expect(seqs()).toEqual([4, 5]);
  });

  it('starts over on reset: queued lines from the old query never show', () => {
    const { tail: t, frames, seqs } = tail();
    t.load(entries(1, 3));
    t.receive([entry(4)]);
    t.reset();
    expect(frames.scheduled).toBe(0);
    frames.frame();
    expect(t.getState()).toMatchObject({ rows: [], loading: true, connection: 'connecting' });
    t.load(entries(1, 2));
    expect(seqs()).toEqual([1, 2]);
  });

  it('sums the lines the server skipped', () => {
    const { tail: t } = tail();
    t.noteSkipped(3);
    t.noteSkipped(0);
    t.noteSkipped(2);
    expect(t.getState().skipped).toBe(5);
  });
});
