// The ring buffer of recent log lines: whatever the lines' lengths and characters, and however
// often its byte store wraps around, it gives back exactly the newest lines, whole, in order.
import { describe, expect, it } from 'vitest';
import { logFilterSchema, LogRing, type LogEntry } from '../../src/server/logs/ring.js';

const all = logFilterSchema.parse({ limit: '5000' });
const line = (fields: Record<string, unknown>) =>
  `${JSON.stringify({ level: 30, time: 1_700_000_000_000, kind: 'system', ...fields })}\n`;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'é', '日本', '🙂', '"', '\\', '\n', ' ', 'token'];

describe('LogRing', () => {
  it('keeps the last `capacity` lines, numbered from 1 without a gap, oldest first', () => {
    const ring = new LogRing(100);
    for (let i = 1; i <= 250; i++) ring.push(line({ i }));
    const entries = ring.query(all);
    expect(entries).toHaveLength(100);
    expect(entries.map((entry) => entry.i)).toEqual(Array.from({ length: 100 }, (_, k) => 151 + k));
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 100 }, (_, k) => 151 + k));
  });

  it('gives back exactly the newest lines while its bytes wrap around many times, and hands each on as stored', () => {
    const next = random(7);
    const lines = (capacity: number, maxLength: number, count: number) => {
      const ring = new LogRing(capacity); // at least 1 MiB of bytes: filled many times below
      const written: string[] = [];
      // what the ring hands on to the log file: each line's bytes, as it stored them
      const handed: string[] = [];
      const encoded = (bytes: Buffer, start: number, end: number) =>
        handed.push(bytes.toString('utf8', start, end));
      for (let i = 0; i < count; i++) {
        // lines of every length (some long: a body, a stack trace), in many scripts
        const length = next() < 0.05 ? maxLength * 4 : Math.floor(next() * maxLength);
        let text = '';
        while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
        written.push(line({ i, text }));
        ring.push(written.at(-1)!, encoded);
        if (i % 499 === 0) {
          const kept = ring.lines();
          expect(kept).toEqual(written.slice(-kept.length));
          expect(ring.query(all).map((entry) => entry.seq)).toEqual(
            Array.from({ length: kept.length }, (_, k) => i + 2 - kept.length + k),
          );
        }
      }
      expect(handed).toEqual(written);
      return { kept: ring.lines(), written };
    };
    // the number of lines is what limits: all of the last 200 are kept
    const counted = lines(200, 600, 20_000);
    expect(counted.kept).toEqual(counted.written.slice(-200));
    // the bytes are what limit (lines of about 2.5 KB, 1,000 of capacity, 1 MiB): as many
    // of the newest lines as fit, each whole
    const sized = lines(1000, 2000, 6000);
    expect(sized.kept).toEqual(sized.written.slice(-sized.kept.length));
    expect(sized.kept.length).toBeGreaterThan(150);
    expect(sized.kept.length).toBeLessThan(1000);
  });

  it('keeps fewer lines than its capacity only when they average over 1 KiB', () => {
    const ring = new LogRing(2000); // 2 MiB of bytes
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 3000; i++) ring.push(line({ i, big }));
    const kept = ring.lines();
    expect(kept.length).toBeGreaterThan(400);
    expect(kept.length).toBeLessThan(2000);
    expect(JSON.parse(kept.at(-1)!).i).toBe(2999);
    expect(kept.every((text, k) => JSON.parse(text).i === 3000 - kept.length + k)).toBe(true);
  });

  it('keeps a line longer than 64 KiB aside, and lets it go in its turn', () => {
    const ring = new LogRing(100);
    const long = line({ i: 0, stack: 'ś'.repeat(100_000) });
    let handed = '';
    ring.push(long, (bytes, start, end) => (handed = bytes.toString('utf8', start, end)));
    expect(handed).toBe(long);
    for (let i = 1; i < 100; i++) ring.push(line({ i }));
    expect(ring.lines()[0]).toBe(long);
    ring.push(line({ i: 100 }));
    expect(ring.lines()).toHaveLength(100);
    expect(ring.lines()[0]).toBe(line({ i: 1 }));
  });

  it('resizing keeps the newest lines and their numbers', () => {
    const ring = new LogRing(500);
    for (let i = 1; i <= 300; i++) ring.push(line({ i }));
    ring.resize(100);
    expect(ring.query(all).map((entry) => [entry.seq, entry.i])).toEqual(
      Array.from({ length: 100 }, (_, k) => [201 + k, 201 + k]),
    );
    ring.resize(1000);
    ring.push(line({ i: 301 }));
    const entries = ring.query(all);
    expect(entries).toHaveLength(101);
    expect(entries.at(-1)).toMatchObject({ seq: 301, i: 301 });
  });

  it('queries filter and limit from the newest, and a subscriber gets each new entry', () => {
    const ring = new LogRing(100);
    const seen: LogEntry[] = [];
    const unsubscribe = ring.subscribe((entry) => seen.push(entry));
    for (let i = 1; i <= 10; i++) ring.push(line({ i, kind: i % 2 ? 'request' : 'system' }));
    unsubscribe();
    ring.push(line({ i: 11 }));
    expect(seen.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const requests = ring.query(logFilterSchema.parse({ type: 'request', limit: '3' }));
    expect(requests.map((entry) => entry.i)).toEqual([5, 7, 9]);
  });

  it('skips a line that is not JSON instead of failing the query', () => {
    const ring = new LogRing(100);
    ring.push('not json\n');
    ring.push(line({ i: 1 }));
    expect(ring.query(all).map((entry) => entry.i)).toEqual([1]);
  });
});
