/** Parsing the config's human periods and sizes: "1 day", "12 hours", "30 days", "100 MB". */

const UNIT_MS = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
} as const;

export type PeriodUnit = keyof typeof UNIT_MS;

export const DURATION = /^\s*(\d+)\s*(second|minute|hour|day|week)s?\s*$/i;
export const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)\s*$/i;

export interface Period {
  count: number;
  unit: PeriodUnit;
  ms: number;
}

export function parseDuration(text: string): Period | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const count = Number(match[1]);
  const unit = match[2]!.toLowerCase() as PeriodUnit;
  return { count, unit, ms: count * UNIT_MS[unit] };
}

export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (!match) return undefined;
  const factor = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2]!.toUpperCase() as 'B'];
  return Math.round(Number(match[1]) * factor);
}
