// The shape of public.tickets as a move sees it: column name to type (format_type). A copy made in one shape must
// not stand for a row of another (ALTER TABLE ... ADD COLUMN with a default changes no row's version).

export type TableShape = Record<string, string>;

/** The columns that differ between two shapes (added, dropped or retyped), sorted; empty when they are the same. */
export function shapeDifference(copied: TableShape, current: TableShape): string[] {
  const names = new Set([...Object.keys(copied), ...Object.keys(current)]);
  return [...names].filter((n) => copied[n] !== current[n]).sort();
}
