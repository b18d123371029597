/**
 * Dates and times as the whole panel shows them: in the user's locale (its 12- or 24-hour
 * clock, its order of day and month) and time zone. One place, so every view agrees.
 */

const CLOCK = { hour: 'numeric', minute: '2-digit', second: '2-digit' } as const;
const DAY = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
const MS = { fractionalSecondDigits: 3 } as const;
const TIME = new Intl.DateTimeFormat(undefined, CLOCK);
const TIME_MS = new Intl.DateTimeFormat(undefined, { ...CLOCK, ...MS });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { ...DAY, ...CLOCK });
const DATE_TIME_MS = new Intl.DateTimeFormat(undefined, { ...DAY, ...CLOCK, ...MS });

type When = number | string | Date;

const valid = (when: When | undefined): Date | undefined => {
  if (when === undefined) return undefined;
  const date = new Date(when);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** A date and time (`12/4/2026, 3:20:40 PM` in en-US), to the millisecond for log lines; an em dash when there is none. */
export function formatDateTime(when: When | undefined, { ms = false }: { ms?: boolean } = {}): string {
  const date = valid(when);
  return date ? (ms ? DATE_TIME_MS : DATE_TIME).format(date) : '—';
}

/** A time of day, to the second (`3:20:40 PM`), or to the millisecond for log lines. */
export function formatClock(when: When, { ms = false }: { ms?: boolean } = {}): string {
  const date = valid(when);
  return date ? (ms ? TIME_MS : TIME).format(date) : '—';
}
