// The aggregates part's three workloads, each a database of its own on the benchmark's server, prepared as a DBA
// adopts a help desk (helpdeskStack.ts: the database owned by the schema owner's role, the help desk's tables loaded
// as that owner, then `migrate` as that owner) and each with a cold database of its own:
//   parts   Zammad (test/fixtures/helpdesks/zammad.sql), the shipped spec connectors/specs/zammad.yaml with its parts;
//           each ticket with its conversation (aggregateData.ts).
//   roots   the same Zammad tickets, the same spec without `parts`, and no part rows at all: the rows would otherwise
//           stay behind and, for articles and time accountings, their foreign keys would hold every ticket back.
//   single  the brief's single-row table (the default spec, infra/local/demo/sql), lean rows (operatorTickets.ts), the
//           same mix of cold, recently closed and open tickets.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import pg from 'pg';
import { parse } from 'yaml';
import { projectRoot } from '../../infra/local/settings.ts';
import type { StackEnv } from '../../infra/local/stack.ts';
import { applyDemoSchema } from '../../infra/local/demo/businessSchema.ts';
import { openColdStore } from '../../services/edges/coldStore/index.ts';
import { migrate } from '../../services/edges/hotStore/index.ts';
import { loadArchiveSpec } from '../../services/runtime/archiveSpecFile.ts';
import { envOnDatabase } from '../support/databaseEnv.ts';
import { createDeskDatabase, deskNames } from '../support/helpdeskStack.ts';
import { specFile } from '../support/specs.ts';
import type { Workload } from './aggregateBackfill.ts';
import { insertZammadTickets } from './aggregateData.ts';
import type { WorkloadName } from './aggregateMath.ts';
import { autovacuumOff } from './aggregateSql.ts';
import { insertTickets } from './operatorTickets.ts';

const ZAMMAD_SQL = join(projectRoot, 'test', 'fixtures', 'helpdesks', 'zammad.sql');

export const WORKLOAD_LABELS: Record<WorkloadName, string> = {
  parts: 'Zammad, ticket with its parts (shipped spec)',
  roots: 'Zammad, ticket rows only (spec without parts)',
  single: 'single-row table (default spec)',
};

/** The Zammad example spec without its parts, written as JSON to a new temp dir; returns its path. */
function rootsOnlySpecFile(): string {
  const spec = parse(readFileSync(specFile('zammad'), 'utf8')) as Record<string, unknown>;
  delete spec.parts;
  const out = join(mkdtempSync(join(tmpdir(), 'bench-zammad-roots-')), 'spec.json');
  writeFileSync(out, JSON.stringify(spec, null, 2));
  return out;
}

/** Creates the workload's hot and cold databases (whatever a previous run left under its name is dropped first). */
export async function openWorkload(
  env: StackEnv,
  mongo: MongoClient,
  name: WorkloadName,
  coldAfterMs: number,
  log: (m: string) => void,
): Promise<Workload> {
  const names = deskNames(`bench_agg_${name}`);
  const file = name === 'parts' ? specFile('zammad') : name === 'roots' ? rootsOnlySpecFile() : specFile('default');
  const spec = loadArchiveSpec(file);
  await createDeskDatabase(env, names, name === 'single' ? 'SELECT 1' : readFileSync(ZAMMAD_SQL, 'utf8'));
  const dbEnv = envOnDatabase(env, names.database);
  if (name === 'single') await applyDemoSchema(dbEnv.MIGRATIONS_DATABASE_URL);
  await migrate(dbEnv.MIGRATIONS_DATABASE_URL, spec);
  const owner = new pg.Pool({ connectionString: dbEnv.MIGRATIONS_DATABASE_URL, max: 2 });
  const superuser = new pg.Pool({ connectionString: dbEnv.STACK_PG_SUPERUSER_URL, max: 1 });
  await autovacuumOff(superuser, [spec.table.schema, 'ticket_archiver']);
  const cold = mongo.db(names.database);
  await cold.dropDatabase();
  const store = await openColdStore(env.MONGODB_URL, spec, { database: names.database });
  try {
    await store.ensureIndexes();
  } finally {
    await store.close();
  }
  const label = WORKLOAD_LABELS[name];
  return {
    name,
    label,
    database: names.database,
    spec,
    specFile: file,
    env: dbEnv,
    owner,
    superuser,
    cold,
    async load(range) {
      const began = performance.now();
      const quiet = () => undefined;
      if (name === 'single') {
        await insertTickets(owner, range, coldAfterMs, quiet);
        // Its tickets closed within COLD_AFTER, brought within half of it as the Zammad ones are: none turns cold
        // during the run (one that did would be moved beyond the cold tickets counted before the backfill).
        await owner.query(
          `UPDATE public.tickets SET last_operated_at = now() - (now() - last_operated_at) / 2
            WHERE id BETWEEN $1 AND $2 AND status = 'closed' AND last_operated_at > now() - $3::float8 * interval '1 millisecond'`,
          [range.from, range.to, coldAfterMs],
        );
      } else await insertZammadTickets(owner, range, coldAfterMs, name === 'parts', quiet);
      log(
        `${label}: tickets ${range.from}..${range.to} loaded in ${((performance.now() - began) / 1000).toFixed(0)} s`,
      );
    },
  };
}

/** The workloads' databases as they are after the run: hot and cold sizes. */
export async function databaseSizes(w: Workload): Promise<{ hotBytes: number; coldStorageBytes: number }> {
  const { rows } = await w.owner.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
  const stats = (await w.cold.command({ dbStats: 1 })) as { storageSize?: number };
  return { hotBytes: Number(rows[0]?.n), coldStorageBytes: Number(stats.storageSize ?? 0) };
}

export async function closeWorkload(w: Workload): Promise<void> {
  await w.owner.end().catch(() => undefined);
  await w.superuser.end().catch(() => undefined);
}
