// What a change event of the spec's table must carry and how to read it: the key, the activity column (a timestamptz
// as Debezium's ISO text; a timestamp without time zone as Kafka Connect's milliseconds of its wall-clock time, read
// in the spec's zone), the row filter's column (whether the ticket can turn cold at all), and the version column when
// the spec names one. The connector captures exactly these columns (connectorConfig.ts).
import type { ArchiveSpec, KeyType } from './archiveSpec.ts';

export interface EventShape {
  key: { column: string; type: KeyType };
  activity: { column: string; type: 'timestamptz' | 'timestamp'; timeZone: string };
  /** The row filter's column and its values as text; absent when the spec has none (every ticket may turn cold). */
  rowFilter?: { column: string; values: ReadonlySet<string> };
  /** The version column; absent for xmin (the event's transaction id stands in for it). */
  versionColumn?: string;
}

export function eventShape(spec: ArchiveSpec): EventShape {
  const { rowFilter } = spec.cold;
  return {
    key: spec.key,
    activity: { column: spec.activity.column, type: spec.activity.type, timeZone: spec.activity.timeZone ?? 'UTC' },
    ...(rowFilter ? { rowFilter: { column: rowFilter.column, values: new Set(rowFilter.in.map(String)) } } : {}),
    ...(spec.version === 'xmin' ? {} : { versionColumn: spec.version.column }),
  };
}

/** The columns a change event must carry, in the order the connector's column list names them. */
export function capturedColumns(shape: EventShape): string[] {
  return [...new Set([shape.key.column, shape.activity.column, shape.rowFilter?.column, shape.versionColumn])].filter(
    (c): c is string => c !== undefined,
  );
}
