// The spec's tree of parts as a list: each part with its path ("articles.flags"), its parent and the parent's key
// type. Listed parents first (pre-order, siblings as the spec lists them): the order of reads and restores. Deletes go
// the other way (leaves first, later siblings before earlier ones), so a part that references an earlier sibling
// by foreign key is deleted before it.
import type { ArchiveSpec, KeyType, PartSpec } from './archiveSpec.ts';
import type { QualifiedName } from './identifiers.ts';

export interface PartPlan {
  path: string;
  spec: PartSpec;
  /** The enclosing part's path, or null under the ticket itself. */
  parent: string | null;
  /** The type of the key the link column holds. */
  parentKeyType: KeyType;
}

export function partPlans(spec: Pick<ArchiveSpec, 'key' | 'parts'>): PartPlan[] {
  const out: PartPlan[] = [];
  const walk = (parts: PartSpec[], parent: string | null, parentKeyType: KeyType) => {
    for (const part of parts) {
      const path = parent === null ? part.name : `${parent}.${part.name}`;
      out.push({ path, spec: part, parent, parentKeyType });
      walk(part.parts, path, part.key.type);
    }
  };
  walk(spec.parts, null, spec.key.type);
  return out;
}

/** Leaves first: the order in which a ticket's rows are deleted (of parts listed parents first). */
export const deleteOrder = <T>(parents: T[]): T[] => [...parents].reverse();

/** A part whose rows are in `table`. */
export const onTable =
  (table: QualifiedName) =>
  (plan: PartPlan): boolean =>
    plan.spec.table.schema === table.schema && plan.spec.table.name === table.name;

/** Whether a foreign key into a table (the root's or a part's, whose key is `keyColumn`) is carried by one of its
 * children in the spec: the move deletes and restores those rows itself, so the key holds nothing back. */
export function carried(
  fk: { table: QualifiedName; columns: string[]; references: string[] },
  keyColumn: string,
  children: PartPlan[],
): boolean {
  return children.some(
    (c) =>
      onTable(fk.table)(c) &&
      fk.columns.length === 1 &&
      fk.columns[0] === c.spec.link.column &&
      fk.references[0] === keyColumn,
  );
}

/** The parts directly under `path` (null: under the ticket). */
export const childrenOf = (plans: PartPlan[], path: string | null): PartPlan[] =>
  plans.filter((p) => p.parent === path);
