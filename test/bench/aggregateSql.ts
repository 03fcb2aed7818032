// What the aggregates part asks the hot database, built from the archive spec (so it holds for any spec, with parts or
// without): the tickets cold by the rule with every part row under them and the text of each (octet_length(p::text),
// the size PostgreSQL's text output gives a row), part rows whose parent is gone (left behind), the WAL written, and a
// vacuum.
import type pg from 'pg';
import type { ArchiveSpec } from '../../services/core/spec/archiveSpec.ts';
import { quoteIdent, quoteQualified } from '../../services/core/spec/identifiers.ts';
import { partPlans } from '../../services/core/spec/partPlan.ts';
import { PartSql } from '../../services/edges/hotStore/partSql.ts';
import { TableSql } from '../../services/edges/hotStore/tableSql.ts';
import type { BackfillMeasure } from './aggregateMath.ts';

type ColdSet = BackfillMeasure['expected'];

/** The tickets cold now by the spec's rule (no foreign key holds any here), their part rows and text. One snapshot. */
export async function coldSet(pool: pg.Pool, spec: ArchiveSpec, coldAfterMs: number): Promise<ColdSet> {
  const t = new TableSql(spec);
  const parts = partPlans(spec).map((p) => new PartSql(p));
  const temp = (path: string | null) => (path === null ? 'agg_root' : `agg_${parts.findIndex((p) => p.path === path)}`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await client.query(
      `CREATE TEMP TABLE agg_root ON COMMIT DROP AS
         SELECT ${t.key()} AS k, octet_length(t::text) AS b FROM ${t.table} t WHERE ${t.coldNow('$1')}`,
      [coldAfterMs],
    );
    const count = async (table: string) =>
      (
        await client.query<{ rows: string; bytes: string }>(
          `SELECT count(*)::text AS rows, coalesce(sum(b), 0)::text AS bytes FROM ${table}`,
        )
      ).rows[0] ?? { rows: '0', bytes: '0' };
    const root = await count('agg_root');
    const byPart: ColdSet['byPart'] = {};
    for (const [i, part] of parts.entries()) {
      await client.query(
        `CREATE TEMP TABLE agg_${i} ON COMMIT DROP AS
           SELECT ${part.key()} AS k, octet_length(p::text) AS b
             FROM ${part.table} p JOIN ${temp(part.plan.parent)} x ON ${part.linkedTo('x.k')}`,
      );
      const c = await count(`agg_${i}`);
      byPart[part.path] = { rows: Number(c.rows), bytes: Number(c.bytes) };
    }
    await client.query('COMMIT');
    const partRows = Object.values(byPart).reduce((s, p) => s + p.rows, 0);
    const partBytes = Object.values(byPart).reduce((s, p) => s + p.bytes, 0);
    return { tickets: Number(root.rows), partRows, textBytes: Number(root.bytes) + partBytes, byPart };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Tickets still cold by the rule in the hot table. */
export async function coldLeft(pool: pg.Pool, spec: ArchiveSpec, coldAfterMs: number): Promise<number> {
  const t = new TableSql(spec);
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${t.table} t WHERE ${t.coldNow('$1')}`,
    [coldAfterMs],
  );
  return Number(rows[0]?.n);
}

/** Each part's rows whose parent row (ticket or part row) no longer exists: left behind by a move. */
export async function orphans(pool: pg.Pool, spec: ArchiveSpec): Promise<Record<string, number>> {
  const parts = partPlans(spec).map((p) => new PartSql(p));
  const out: Record<string, number> = {};
  for (const part of parts) {
    const parent = parts.find((p) => p.path === part.plan.parent);
    const table = parent ? parent.table : quoteQualified(spec.table);
    const key = parent ? parent.key('q') : `q.${quoteIdent(spec.key.column)}`;
    const where = part.plan.spec.link.where;
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${part.table} p
        WHERE ${where ? `(${where})` : 'true'} AND NOT EXISTS (SELECT 1 FROM ${table} q WHERE ${key} = ${part.parentText().replace('::text', '')})`,
    );
    out[part.path] = Number(rows[0]?.n);
  }
  return out;
}

export interface WalPoint {
  lsn: string;
  records: number;
  fpi: number;
  bytes: number;
}

/** The server's WAL position and pg_stat_wal's counters (every database of the server: the benchmark's alone). */
export async function walNow(superuser: pg.Pool): Promise<WalPoint> {
  const { rows } = await superuser.query<{ lsn: string; records: string; fpi: string; bytes: string }>(
    `SELECT pg_current_wal_lsn()::text AS lsn, wal_records::text AS records, wal_fpi::text AS fpi,
            wal_bytes::text AS bytes FROM pg_stat_wal`,
  );
  const r = rows[0];
  return { lsn: r?.lsn ?? '0/0', records: Number(r?.records), fpi: Number(r?.fpi), bytes: Number(r?.bytes) };
}

/** Bytes of WAL between two positions. */
export async function walBetween(superuser: pg.Pool, from: string, to: string): Promise<number> {
  const { rows } = await superuser.query<{ n: string }>(`SELECT pg_wal_lsn_diff($2, $1)::bigint::text AS n`, [
    from,
    to,
  ]);
  return Number(rows[0]?.n);
}

/** VACUUM (ANALYZE) of the database `db` connects to, timed, with the WAL it wrote. */
export async function vacuum(db: pg.Pool, superuser: pg.Pool): Promise<{ seconds: number; walBytes: number }> {
  const before = await walNow(superuser);
  const began = performance.now();
  await db.query('VACUUM (ANALYZE)');
  const seconds = (performance.now() - began) / 1000;
  const after = await walNow(superuser);
  return { seconds: Math.round(seconds * 10) / 10, walBytes: await walBetween(superuser, before.lsn, after.lsn) };
}

/** Autovacuum off on the tables of `schemas` (the benchmark's own databases): the benchmark vacuums after each
 * backfill instead, so no vacuum runs into another workload's measurement and each one's WAL is its own. */
export async function autovacuumOff(db: pg.Pool, schemas: string[]): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[])`,
    [schemas],
  );
  for (const r of rows)
    await db.query(`ALTER TABLE ${r.name} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)`);
}
