// A row kept as PostgreSQL's text output, turned back into typed values by each column's own input function (a cast
// from text), for the columns the live table has: every value comes back equal, a json or jsonb null included (which
// json_populate_record would turn into SQL NULL). Columns added since the row was copied take their defaults; generated
// columns are computed again, never inserted.
import type pg from 'pg';
import type { RowText } from '../../core/move/coldDocument.ts';
import { quoteIdent, quoteLiteral } from '../../core/spec/identifiers.ts';

export interface ColumnType {
  name: string;
  /** format_type() of the column, from the catalog (never from the row). */
  type: string;
}

/** The columns a restore may insert into (not generated ones), in the table's order. */
export async function liveColumns(db: pg.ClientBase | pg.Pool, table: string): Promise<ColumnType[]> {
  const { rows } = await db.query<ColumnType>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [table],
  );
  return rows;
}

/** The column list and the SELECT list that give back `row`'s values typed; $1 is `params[0]`. `source`: where the
 * SELECT list reads a row's JSON (another expression for rows of a json_array_elements). */
export function selectFromText(
  columns: ColumnType[],
  row: RowText,
  source = '($1::json)',
): { list: string; select: string; params: [string] } {
  const present = columns.filter((c) => Object.hasOwn(row, c.name));
  return {
    list: present.map((c) => quoteIdent(c.name)).join(', '),
    select: present
      .map((c) => `(${source} ->> ${quoteLiteral(c.name)})::${c.type} AS ${quoteIdent(c.name)}`)
      .join(', '),
    params: [JSON.stringify(row)],
  };
}
