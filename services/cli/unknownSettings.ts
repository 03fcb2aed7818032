// A mistyped setting (COLD_AFTR=1d) would otherwise be ignored without a word, and the default used. Variables that
// no command reads but that look like one of their settings (a couple of letters off, or a prefix only the product
// uses) get a warning naming the closest known setting. Other variables are the environment's business.
import { closest, distance } from 'fastest-levenshtein';

const PRODUCT_PREFIXES = ['ARCHIVE_', 'ARCHIVER_', 'THROTTLE_', 'BACKFILL_', 'RECONCILE_', 'STUCK_', 'SWEEP_', 'COLD_'];

/** One warning per unknown variable that looks like a setting, each naming the closest known one. */
export function unknownSettingWarnings(env: Record<string, string | undefined>, known: Set<string>): string[] {
  const names = [...known];
  return Object.keys(env)
    .filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name) && !known.has(name))
    .flatMap((name) => {
      const nearest = closest(name, names);
      const near = distance(name, nearest) <= (name.length >= 8 ? 2 : 1);
      if (!near && !PRODUCT_PREFIXES.some((p) => name.startsWith(p))) return [];
      return [`${name} is not a setting of ticket-archiver and is ignored; did you mean ${nearest}?`];
    });
}
