// What the live database says about the spec's table and the product's needs, as plain data (read by the hot store's
// edge, edges/hotStore/tableFacts.ts): enough to decide, before anything is changed, whether the table fits
// (specFit.ts), and to tell an operator which foreign keys hold tickets back.
import type { QualifiedName } from './identifiers.ts';

export interface ColumnFact {
  name: string;
  /** format_type of the column ("integer", "timestamp(3) without time zone", ...). */
  type: string;
  notNull: boolean;
  /** GENERATED ALWAYS AS (...) STORED: computed, never inserted (a restore leaves it out). */
  generated: boolean;
}

export interface ReferencingKeyFact {
  constraint: string;
  table: QualifiedName;
  columns: string[];
  references: string[];
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
  /** An index of the referencing table starts with its columns (checking a ticket's references is a probe). */
  indexed: boolean;
}

export type JobRole = 'mover' | 'restorer' | 'reader' | 'debezium';

export interface TableFacts {
  /** server_version_num */
  serverVersion: number;
  walLevel: string;
  /** Absent when there is no such table. */
  table?: {
    owner: string;
    /** d default (primary key), n nothing, f full, i an index. */
    replicaIdentity: 'd' | 'n' | 'f' | 'i';
    columns: ColumnFact[];
    primaryKey: string[];
    referencing: ReferencingKeyFact[];
    /** Its valid indexes and their key columns in order ('' for an expression). */
    indexes: Array<{ name: string; columns: string[] }>;
  };
  /** The tables the cold condition reads (from its plan), or why it does not plan. */
  condition: { relations: QualifiedName[] } | { error: string };
  /** The role running the check: whether it may build the index and publication and grant (it owns the table). */
  current: { role: string; ownsTable: boolean };
  /** Which of the jobs' roles exist (a role that does not exist yet gets its grants at a later migrate). */
  roles: Record<JobRole, string | undefined>;
}
