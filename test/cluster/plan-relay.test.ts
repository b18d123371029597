// The primary's routing of plan requests to the compiling process (process 1) and back.
import { describe, expect, it } from 'vitest';
import type { PrimaryMessage } from '../../src/server/cluster/messages.js';
import { PlanRelay } from '../../src/server/cluster/plan-relay.js';
import type { GenerationPlan } from '../../src/server/load/loader.js';

const PLAN: GenerationPlan = { unservable: [], results: [], compiled: [] };

function relay(running = new Set([1, 2, 3])) {
  const sent: [number, PrimaryMessage][] = [];
  const plans = new PlanRelay((number, message) => {
    if (!running.has(number)) return false;
    sent.push([number, message]);
    return true;
  });
  return { plans, sent, running };
}

describe('PlanRelay', () => {
  it('holds requests until the compiling process is ready, then routes them and the answers', () => {
    const { plans, sent } = relay();
    plans.request(2, 7);
    expect(sent).toEqual([]);
    plans.compilerReady();
    expect(sent).toEqual([[1, { type: 'plan-request', id: 7, from: 2 }]]);
    plans.request(3, 1);
    plans.answer(2, 7, PLAN);
    expect(sent.slice(1)).toEqual([
      [1, { type: 'plan-request', id: 1, from: 3 }],
      [2, { type: 'plan', id: 7, plan: PLAN }],
    ]);
  });

  it('answers null what the compiling process cannot: it ended, or is not running', () => {
    const { plans, sent, running } = relay();
    plans.compilerReady();
    plans.request(2, 1);
    running.delete(1);
    plans.ended(1);
    expect(sent.at(-1)).toEqual([2, { type: 'plan', id: 1, plan: null }]);
    // while it is down, at once
    plans.request(3, 2);
    expect(sent.at(-1)).toEqual([3, { type: 'plan', id: 2, plan: null }]);
    // its replacement starting: requests wait for it again
    running.add(1);
    plans.compilerStarting();
    plans.request(2, 3);
    expect(sent.at(-1)).toEqual([3, { type: 'plan', id: 2, plan: null }]);
    plans.compilerReady();
    expect(sent.at(-1)).toEqual([1, { type: 'plan-request', id: 3, from: 2 }]);
  });

  it('drops the requests of a process that ended', () => {
    const { plans, sent } = relay();
    plans.request(2, 1);
    plans.ended(2);
    plans.compilerReady();
    expect(sent).toEqual([]);
  });
});
