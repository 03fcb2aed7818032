// The type of each result column by name (format_type), looked up once per type: the shape a copy was made in.
import type pg from 'pg';
import { TableShapeChangedError } from '../../core/errors.ts';
import { shapeDifference, type TableShape } from '../../core/move/tableShape.ts';

export class ColumnTypes {
  private readonly names = new Map<string, string>();

  constructor(private readonly pool: pg.Pool) {}

  async of(fields: pg.FieldDef[]): Promise<TableShape> {
    const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
    const missing = fields.filter((f) => !this.names.has(key(f)));
    if (missing.length > 0) {
      const res = await this.pool.query<{ oid: string; mod: string; name: string }>(
        'SELECT o.oid::text AS oid, o.mod::text AS mod, format_type(o.oid, o.mod) AS name FROM unnest($1::oid[], $2::int[]) AS o(oid, mod)',
        [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
      );
      for (const r of res.rows) this.names.set(`${r.oid}:${r.mod}`, r.name);
    }
    return Object.fromEntries(fields.map((f) => [f.name, this.names.get(key(f)) ?? 'unknown']));
  }

  /** Throws TableShapeChangedError unless `table` (SQL) still has `shape`: described the way a copy's re-read was
   * (result fields), so both sides name types alike. */
  async assertShape(db: Pick<pg.ClientBase, 'query'>, table: string, shape: TableShape): Promise<void> {
    const current = await db.query(`SELECT * FROM ${table} LIMIT 0`);
    const changed = shapeDifference(shape, await this.of(current.fields));
    if (changed.length > 0)
      throw new TableShapeChangedError(`${table} changed shape since the copy (columns: ${changed.join(', ')})`);
  }
}
