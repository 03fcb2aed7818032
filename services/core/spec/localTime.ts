// Instants of `timestamp without time zone` columns: a wall-clock time in the zone the table's values are written in
// (the spec's activity.timeZone). Pure, with the runtime's time-zone database (Intl), so a change event's wall-clock
// millisecond and PostgreSQL's text of such a value give the same instant as the database's AT TIME ZONE does.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** How far `zone`'s wall clock is ahead of UTC at the instant `utcMs`, in milliseconds. */
function offsetAt(zone: string, utcMs: number): number {
  const parts = Object.fromEntries(
    formatIn(zone)
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  const year =
    Number(parts.year) * (parts.era === 'BC' || parts.era === 'B' ? -1 : 1) + (parts.era?.startsWith('B') ? 1 : 0);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime() - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** The instant of wall-clock time `wallMs` (its fields read as if UTC) in `zone`. Non-finite values stay as they are. */
export function wallClockToUtcMs(wallMs: number, zone: string): number {
  if (!Number.isFinite(wallMs) || zone === 'UTC' || zone === 'Etc/UTC') return wallMs;
  // Two steps settle the offset everywhere but in the hour a daylight-saving change skips or repeats.
  const first = wallMs - offsetAt(zone, wallMs);
  return wallMs - offsetAt(zone, first);
}
