// A part of the spec (core/spec/partPlan.ts) as SQL: its table, key, version and the rows that belong to given
// parents (the link column, narrowed by the type half of a (type, id) pair). The part's table is aliased `p` where
// `link.where` applies, as the spec writes it. Identifiers are quoted.
import type { PartPlan } from '../../core/spec/partPlan.ts';
import { quoteIdent, quoteQualified } from '../../core/spec/identifiers.ts';
import { PRODUCT_SCHEMA, SQL_TYPE } from './sqlNames.ts';

export class PartSql {
  readonly table: string;
  readonly keyType: string;
  /** The function that lends the movers a lock on this part's rows (specObjects.ts). */
  readonly lockFunction: string;

  constructor(readonly plan: PartPlan) {
    this.table = quoteQualified(plan.spec.table);
    this.keyType = SQL_TYPE[plan.spec.key.type];
    this.lockFunction = `${PRODUCT_SCHEMA}.${quoteIdent(`lock_part_${plan.path}`)}`;
  }

  get path(): string {
    return this.plan.path;
  }

  key(p = 'p'): string {
    return `${p}.${quoteIdent(this.plan.spec.key.column)}`;
  }

  keyText(p = 'p'): string {
    return `${this.key(p)}::text`;
  }

  version(p = 'p'): string {
    const v = this.plan.spec.version;
    return v === 'xmin' ? `${p}.xmin::text` : `${p}.${quoteIdent(v.column)}::text`;
  }

  /** The parent's key this row holds, as text. */
  parentText(p = 'p'): string {
    return `${p}.${quoteIdent(this.plan.spec.link.column)}::text`;
  }

  /** The row of alias `p` belongs to the parent whose key is the SQL `parentKey`. */
  linkedTo(parentKey: string, p = 'p'): string {
    const link = `${p}.${quoteIdent(this.plan.spec.link.column)} = ${parentKey}`;
    const where = this.plan.spec.link.where;
    if (!where) return link;
    return p === 'p' ? `${link} AND (${where})` : `${link} AND EXISTS (SELECT 1 FROM (SELECT ${p}.*) p WHERE ${where})`;
  }

  /** The rows of the parents in text[] parameter `param` (the link, and the type half of a (type, id) pair). */
  belongsTo(param: string, p = 'p'): string {
    const link = `${p}.${quoteIdent(this.plan.spec.link.column)} = ANY(${param}::${SQL_TYPE[this.plan.parentKeyType]}[])`;
    const where = this.plan.spec.link.where;
    // The spec writes its condition over p; another alias gets it through a sub-select.
    if (!where) return link;
    return p === 'p' ? `${link} AND (${where})` : `${link} AND EXISTS (SELECT 1 FROM (SELECT ${p}.*) p WHERE ${where})`;
  }
}

/** The spec's parts as SQL, parents first. */
export const partSqls = (plans: PartPlan[]): PartSql[] => plans.map((p) => new PartSql(p));
