import { useEffect, useState } from 'react';
import type { LogKind, LogLevelName, LogQuery } from '../../../../shared/admin-api.js';

/** The filter inputs as typed; the server applies them (`/api/logs` and its stream). */
export interface LogFilters {
  type: LogKind | '';
  level: LogLevelName | '';
  endpoint: string;
  status: string;
  q: string;
  /** Show the panel's own requests (its admin calls and assets); hidden by default. */
  panel: boolean;
}

export const NO_FILTERS: LogFilters = { type: '', level: '', endpoint: '', status: '', q: '', panel: false };

/** Typed filters wait this long after the last key before the stream restarts. */
export const TEXT_DEBOUNCE_MS = 300;

/** As the server accepts it: `404`, or a class such as `5xx`. */
export const STATUS_PATTERN = /^[1-5](\d\d|xx)$/i;

export const statusValid = (status: string) => status.trim() === '' || STATUS_PATTERN.test(status.trim());

/** Whether a filter narrows the lines (the panel's own requests are hidden without one). */
export const hasFilters = ({ type, level, endpoint, status, q }: LogFilters) =>
  [type, level, endpoint, status, q].some((value) => value.trim() !== '');

/** The query string of `/api/logs` for these filters; a status the server would refuse is left out. */
export function toQuery(filters: LogFilters): LogQuery {
  const query: LogQuery = {};
  if (!filters.panel) query.panel = 'hide';
  if (filters.type) query.type = filters.type;
  if (filters.level) query.level = filters.level;
  const endpoint = filters.endpoint.trim();
  if (endpoint) query.endpoint = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
  const status = filters.status.trim().toLowerCase();
  if (status && STATUS_PATTERN.test(status)) query.status = status;
  const q = filters.q.trim();
  if (q) query.q = q.slice(0, 200);
  return query;
}

const sameText = (a: LogFilters, b: LogFilters) =>
  a.endpoint === b.endpoint && a.status === b.status && a.q === b.q;

/**
 * The filters to apply: a choice in a list (or clearing them all) at once, typing once it
 * pauses for TEXT_DEBOUNCE_MS, so the stream is not restarted on every key.
 */
export function useAppliedFilters(draft: LogFilters): LogFilters {
  const [applied, setApplied] = useState(draft);
  const immediate = sameText(draft, applied) || !hasFilters(draft);
  useEffect(() => {
    if (immediate) return;
    const timer = setTimeout(() => setApplied(draft), TEXT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, immediate]);
  if (immediate && draft !== applied) setApplied(draft);
  return immediate ? draft : applied;
}
