import type { z } from 'zod';
import type { ErrorDetail } from '../../shared/contract.js';
import { HttpError } from '../core/errors.js';

/** Turns zod's issues into the contract's `details`, one entry per offending parameter. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], input: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const parent = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ path: [...parent, key].join('.'), message: 'Unknown parameter' });
      }
    } else if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      details.push({ path: parent.join('.'), message: 'Missing required parameter' });
    } else {
      details.push({ path: parent.join('.'), message: issue.message.replace(/^Invalid input: e/, 'E') });
    }
  }
  return details;
}

export function validationError(details: ErrorDetail[]): HttpError {
  const [first] = details;
  const summary = first
    ? `${first.path ? `"${first.path}": ` : ''}${first.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`
    : 'invalid parameters';
  return new HttpError('VALIDATION_ERROR', `Invalid parameters: ${summary}`, details);
}

/** Parses input with a zod schema, or throws the 422 VALIDATION_ERROR listing every problem. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(issuesToDetails(result.error.issues, input));
  return result.data;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
