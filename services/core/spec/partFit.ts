// Whether the live tables fit the spec's parts (partSpec.ts), decided from the catalog's facts before anything is
// changed, like the root table (specFit.ts): every misfit named with what to do about it.
import type { ArchiveSpec } from './archiveSpec.ts';
import { displayName } from './identifiers.ts';
import { carried, childrenOf, onTable, partPlans } from './partPlan.ts';
import { KEY_TYPE_NAMES } from './specFields.ts';
import type { TableFacts } from './tableFacts.ts';

export function partMisfits(spec: ArchiveSpec, facts: TableFacts): string[] {
  const plans = partPlans(spec);
  const misfits: string[] = [];
  for (const fact of facts.parts ?? []) {
    const plan = plans.find((p) => p.path === fact.path);
    if (!plan) continue;
    const table = displayName(fact.table);
    const field = `parts ${fact.path}`;
    if (!fact.exists) {
      misfits.push(`table ${table}: does not exist (${field}.table)`);
      continue;
    }
    const column = (name: string) => fact.columns.find((c) => c.name === name);
    const need = (name: string, what: string) => {
      if (!column(name)) misfits.push(`${table}.${name}: no such column (${field}.${what})`);
    };
    const key = column(plan.spec.key.column);
    if (!key) need(plan.spec.key.column, 'key.column');
    else if (!KEY_TYPE_NAMES[plan.spec.key.type].test(key.type))
      misfits.push(`${table}.${key.name}: is ${key.type}, the spec says ${plan.spec.key.type} (${field}.key.type)`);
    need(plan.spec.link.column, 'link.column');
    if (plan.spec.version !== 'xmin') need(plan.spec.version.column, 'version.column');
    if ('error' in fact.link) misfits.push(`the link of ${field} does not plan on ${table} p: ${fact.link.error}`);
    // The link column first, or second behind the type column of a (type, id) pair (Zammad's (store_object_id, o_id)).
    const link = plan.spec.link.column;
    if (!fact.indexes.some((i) => i.columns[0] === link || (plan.spec.link.where && i.columns[1] === link)))
      misfits.push(
        `${table} has no index starting with ${link}: every move would scan it to find a ticket's ${fact.path} (CREATE INDEX CONCURRENTLY ... ON ${table} (${link}))`,
      );
    const children = childrenOf(plans, plan.path);
    for (const fk of fact.referencing) {
      if (carried(fk, plan.spec.key.column, children) || fk.onDelete === 'no action' || fk.onDelete === 'restrict')
        continue;
      // A cascade from a table of the aggregate stays inside it (RT's CachedGroupMembers.Via): checked at each delete.
      if (plans.some(onTable(fk.table))) continue;
      misfits.push(
        `${displayName(fk.table)} references ${table} ON DELETE ${fk.onDelete.toUpperCase()} (${fk.constraint}) and is not a part of ${fact.path} in the spec: moving a ticket would change rows the cold store does not hold (add it to the spec's parts)`,
      );
    }
  }
  return misfits;
}

/** Tables of parts the migrating role does not own: it lends the movers a lock on their rows. */
export function partMigratorMisfits(facts: TableFacts): string[] {
  return (facts.parts ?? []).flatMap((p) =>
    p.exists && !p.ownsTable
      ? [
          `role ${facts.current.role} does not own ${displayName(p.table)} (part ${p.path}): run migrate as its owner, which lends the movers a lock on its rows and grants the jobs' roles their privileges on it`,
        ]
      : [],
  );
}
