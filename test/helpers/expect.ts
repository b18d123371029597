import { expect } from 'vitest';
import { BUSINESS, type Answer, type TestServer } from './server.js';

/** A business call with the test business token. */
export const ok = (server: TestServer, route: string, body: Record<string, unknown> = {}) =>
  server.post(route, { token: BUSINESS, body });

/** The answer is the success envelope of `endpoint` with `data`. */
export function expectData(answer: Answer, endpoint: string, data: unknown): void {
  expect(answer.json).toEqual({ success: true, data, endpoint });
  expect(answer.status).toBe(200);
}

/** The answer is the error envelope of `endpoint` with this status and code. */
export function expectError(answer: Answer, endpoint: string, status: number, code: string): void {
  expect(answer.json).toEqual({ success: false, error: expect.any(String), code, endpoint });
  expect(answer.status).toBe(status);
}
