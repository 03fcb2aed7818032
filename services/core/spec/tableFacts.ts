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

/** A part's table as the catalog has it (absent: no such table). */
export type PartFact = { path: string; table: QualifiedName } & (
  | { exists: false }
  | {
      exists: true;
      ownsTable: boolean;
      columns: Array<{ name: string; type: string }>;
      indexes: Array<{ name: string; columns: string[] }>;
      /** The foreign keys into the part's table. */
      referencing: ReferencingKeyFact[];
      /** The tables the link (with its condition) reads, or why it does not plan. */
      link: { relations: QualifiedName[] } | { error: string };
    }
);

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
  /** Each part of the spec, parents first (read only when the root table exists). */
  parts?: PartFact[];
  /** The role running the check: whether it may build the index and publication and grant (it owns the table). */
  current: { role: string; ownsTable: boolean };
  /** Which of the jobs' roles exist (a role that does not exist yet gets its grants at a later migrate). */
  roles: Record<JobRole, string | undefined>;
}
