// Durations in settings are written as a number and a unit (`500ms`, `10s`, `5m`, `2h`, `30d`).
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const DURATION_FORMAT = 'a whole number followed by ms, s, m, h or d (e.g. 10s, 30d)';

/** Parses a duration to milliseconds; undefined when the text is not a valid duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const ms = value * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
