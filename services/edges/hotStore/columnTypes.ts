// The type of each result column by name (format_type), looked up once per type: the shape a copy was made in.
import type pg from 'pg';
import type { TableShape } from '../../core/move/tableShape.ts';

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
}
