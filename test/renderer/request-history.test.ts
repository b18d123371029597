// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import {
  addToHistory,
  clearHistory,
  offerReplay,
  readHistory,
  takeReplay,
  type HistoryEntry,
} from '../../src/renderer/src/request-history.js';

const HISTORY_KEY = 'api-deploy.history';
const REPLAY_KEY = 'api-deploy.replay';

const entry = (n: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry => ({
  endpoint: `/template/call_${n}`,
  body: `{"n": ${n}}`,
  status: 200,
  durationMs: 12.5,
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  ...overrides,
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

describe('request history', () => {
  it('starts empty', () => {
    expect(readHistory()).toEqual([]);
  });

  it('keeps entries newest first in localStorage', () => {
    addToHistory(entry(1));
    const list = addToHistory(entry(2, { status: 422 }));
    expect(list.map((item) => item.endpoint)).toEqual(['/template/call_2', '/template/call_1']);
    expect(readHistory()).toEqual(list);
    expect(JSON.parse(localStorage.getItem(HISTORY_KEY)!)).toEqual(list);
    expect(sessionStorage.length).toBe(0);
  });

  it('keeps the 30 most recent entries', () => {
    let list: HistoryEntry[] = [];
    for (let n = 1; n <= 35; n++) list = addToHistory(entry(n));
    expect(list).toHaveLength(30);
    expect(list[0]!.endpoint).toBe('/template/call_35');
    expect(list.at(-1)!.endpoint).toBe('/template/call_6');
    expect(readHistory()).toHaveLength(30);
  });

  it('ignores a stored value that is not JSON, and starts again over it', () => {
    localStorage.setItem(HISTORY_KEY, '[{"endpoint": "/a/b", ');
    expect(readHistory()).toEqual([]);
    expect(addToHistory(entry(1))).toEqual([entry(1)]);
  });

  it('ignores stored values of the wrong shape', () => {
    for (const stored of [
      { endpoint: '/a/b' },
      [{ ...entry(1), endpoint: 'a/b' }],
      [{ ...entry(1), status: '200' }],
      [{ ...entry(1), status: 200.5 }],
      [{ ...entry(1), body: { n: 1 } }],
      [null],
    ]) {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(stored));
      expect(readHistory(), JSON.stringify(stored)).toEqual([]);
    }
  });

  it('never carries a token, even one slipped into storage', () => {
    localStorage.setItem(
      HISTORY_KEY,
      JSON.stringify([{ ...entry(1), token: 'leaked-secret', authorization: 'Bearer leaked-secret' }]),
    );
    expect(readHistory()).toEqual([entry(1)]);
    addToHistory(entry(2));
    expect(localStorage.getItem(HISTORY_KEY)).not.toContain('leaked-secret');
  });

  it('is cleared', () => {
    addToHistory(entry(1));
    clearHistory();
    expect(readHistory()).toEqual([]);
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull();
  });
});

describe('replay', () => {
  it('hands a request over once, through sessionStorage', () => {
    offerReplay({ endpoint: '/geometry/area', body: { w: 2, h: 3 } });
    expect(JSON.parse(sessionStorage.getItem(REPLAY_KEY)!)).toEqual({
      endpoint: '/geometry/area',
      body: { w: 2, h: 3 },
    });
    expect(localStorage.length).toBe(0);
    expect(takeReplay()).toEqual({ endpoint: '/geometry/area', body: { w: 2, h: 3 } });
    expect(takeReplay()).toBeUndefined();
    expect(sessionStorage.getItem(REPLAY_KEY)).toBeNull();
  });

  it('may come without a body', () => {
    offerReplay({ endpoint: '/template/sync_hello' });
    expect(takeReplay()).toEqual({ endpoint: '/template/sync_hello' });
  });

  it('is nothing when there is none, or what is stored is not a replay, and a bad one is removed', () => {
    expect(takeReplay()).toBeUndefined();
    for (const stored of ['{oops', '"x"', '{"body": {}}', '{"endpoint": "no-slash"}', 'null']) {
      sessionStorage.setItem(REPLAY_KEY, stored);
      expect(takeReplay(), stored).toBeUndefined();
      expect(sessionStorage.getItem(REPLAY_KEY)).toBeNull();
    }
  });
});
