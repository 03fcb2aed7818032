// The Debezium connector for the spec's table, generated from the shipped definition (connectors/tickets-postgres.json,
// every property explained in connectors/README.md): the table and the columns it captures are the spec's (the key,
// the activity column, the row filter's column, the version column), the signal table and publication are the
// product's own, and its name, slot and topic prefix the spec's where it names them (a second table on the server).
// Debezium's include lists are regular expressions over "schema.table" and "schema.table.column".
import type { ArchiveSpec } from './archiveSpec.ts';
import { capturedColumns, eventShape } from './eventShape.ts';

export interface ConnectorDefinition {
  name: string;
  config: Record<string, string>;
}

export const SIGNAL_TABLE = 'ticket_archiver.debezium_signal';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function connectorFor(spec: ArchiveSpec, base: ConnectorDefinition): ConnectorDefinition {
  const table = `${escapeRegex(spec.table.schema)}\\.${escapeRegex(spec.table.name)}`;
  const columns = capturedColumns(eventShape(spec)).map(escapeRegex).join('|');
  const c = spec.connector;
  return {
    name: c.name ?? base.name,
    config: {
      ...base.config,
      ...(c.slot ? { 'slot.name': c.slot } : {}),
      ...(c.database ? { 'database.dbname': c.database } : {}),
      ...(c.topicPrefix ? { 'topic.prefix': c.topicPrefix } : {}),
      'table.include.list': `${table},${escapeRegex(SIGNAL_TABLE)}`,
      'column.include.list': `${table}\\.(${columns}),${escapeRegex(SIGNAL_TABLE)}\\.(id|type|data)`,
      'signal.data.collection': SIGNAL_TABLE,
    },
  };
}

/** The topic of the table's change events: Debezium names it prefix.schema.table, other characters than letters,
 * digits, '.', '_' and '-' replaced by '_'. */
export function eventsTopic(spec: ArchiveSpec, base: ConnectorDefinition): string {
  const prefix = spec.connector.topicPrefix ?? base.config['topic.prefix'] ?? 'ticketdb';
  return `${prefix}.${spec.table.schema}.${spec.table.name}`.replace(/[^A-Za-z0-9._-]/g, '_');
}
