// The deep-subset match of a saved request's expected data, and the verdict of a run.
import { describe, expect, it } from 'vitest';
import type { CallResult } from '../../src/renderer/src/api/business.js';
import { subsetMismatch } from '../../src/renderer/src/json-subset.js';
import { judge, tokenFor } from '../../src/renderer/src/saved-run.js';

const ANSWER = { sku: 'TEA', quantity: 2, total: 7, lines: [{ id: 1, name: 'tea' }, { id: 2 }], gift: null };

describe('subsetMismatch', () => {
  it('matches objects by the keys expected, ignoring the others, at any depth', () => {
    expect(subsetMismatch({}, ANSWER)).toBeUndefined();
    expect(subsetMismatch({ total: 7 }, ANSWER)).toBeUndefined();
    expect(subsetMismatch({ lines: [{ id: 1 }, {}], gift: null }, ANSWER)).toBeUndefined();
    expect(subsetMismatch(ANSWER, ANSWER)).toBeUndefined();
  });

  it('names the first path that differs, with both values', () => {
    expect(subsetMismatch({ total: 7.2 }, ANSWER)).toBe('data.total: expected 7.2, got 7');
    expect(subsetMismatch({ sku: 'TEA', total: '7' }, ANSWER)).toBe('data.total: expected "7", got 7');
    expect(subsetMismatch({ lines: [{ id: 1, name: 'coffee' }, {}] }, ANSWER)).toBe(
      'data.lines[0].name: expected "coffee", got "tea"',
    );
    expect(subsetMismatch({ missing: 1 }, ANSWER)).toBe(
      'data.missing: expected 1, got nothing (no such key)',
    );
    expect(subsetMismatch({ 'odd key': 1 }, { 'odd key': 2 })).toBe('data["odd key"]: expected 1, got 2');
    expect(subsetMismatch({ gift: false }, ANSWER)).toBe('data.gift: expected false, got null');
  });

  it('matches arrays element by element, and of the same length', () => {
    expect(subsetMismatch([1, 2], [1, 2])).toBeUndefined();
    expect(subsetMismatch([1, 2], [2, 1])).toBe('data[0]: expected 1, got 2');
    expect(subsetMismatch({ lines: [{ id: 1 }] }, ANSWER)).toBe('data.lines: expected 1 item, got 2 items');
    expect(subsetMismatch([], [1])).toBe('data: expected 0 items, got 1 item');
  });

  it('tells shapes apart: object, array, scalar', () => {
    expect(subsetMismatch({ a: 1 }, [1])).toBe('data: expected an object, got [1]');
    expect(subsetMismatch([1], { 0: 1 })).toBe('data: expected an array, got {"0":1}');
    expect(subsetMismatch({ a: 1 }, null)).toBe('data: expected an object, got null');
    expect(subsetMismatch(null, undefined)).toBe('data: expected null, got nothing');
    expect(subsetMismatch(1, '1')).toBe('data: expected 1, got "1"');
    expect(subsetMismatch({ text: 'x' }, { text: 'y'.repeat(100) })).toBe(
      `data.text: expected "x", got "${'y'.repeat(56)}…`,
    );
  });

  it('does not take inherited keys for present ones', () => {
    expect(subsetMismatch({ toString: 1 }, {})).toBe('data.toString: expected 1, got nothing (no such key)');
  });
});

const result = (status: number, body: unknown, json = true): CallResult => ({
  status,
  statusText: '',
  durationMs: 3,
  headers: [],
  body,
  json,
});

describe('judge', () => {
  it('passes a 2xx status, and the expected subset of data when one is set', () => {
    expect(judge(result(200, { success: true, data: 1 }), undefined)).toEqual({
      verdict: 'pass',
      reason: 'status 200',
    });
    expect(judge(result(201, 'text', false), undefined)).toEqual({ verdict: 'pass', reason: 'status 201' });
    expect(judge(result(200, { success: true, data: { total: 7 } }), { total: 7 })).toEqual({
      verdict: 'pass',
      reason: 'status 200, data matches',
    });
    expect(judge(result(200, { success: true, data: { total: 7 } }), { total: 7.2 })).toEqual({
      verdict: 'fail',
      reason: 'data.total: expected 7.2, got 7',
    });
    // `null` expected is data expected to be null, not "no expectation".
    expect(judge(result(200, { success: true, data: 0 }), null).verdict).toBe('fail');
  });

  it('fails any other status, with the error code', () => {
    expect(judge(result(422, { success: false, code: 'VALIDATION_ERROR' }), undefined)).toEqual({
      verdict: 'fail',
      reason: 'status 422 VALIDATION_ERROR, expected 2xx',
    });
    expect(judge(result(302, '', false), undefined).reason).toBe('status 302, expected 2xx');
  });
});

describe('tokenFor', () => {
  const session = { baseUrl: '', adminToken: 'adm', desktop: false };
  it('sends the admin token, none, or a business token known; says when none is known', () => {
    expect(tokenFor('admin', session, {})).toEqual({ token: 'adm' });
    expect(tokenFor('none', session, { business: 'biz' })).toEqual({ token: undefined });
    expect(tokenFor('business', session, { business: ' biz ' })).toEqual({ token: 'biz' });
    expect(tokenFor('business', session, { business: '  ' })).toBe('missing');
    expect(tokenFor('business', session, {})).toBe('missing');
  });
});
