// A backfill started through Debezium's signal table, as operators start one.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { StackEnv } from '../../infra/local/stack.ts';
import { SIGNAL_TABLE } from '../../services/core/spec/connectorConfig.ts';

/** Starts a backfill the way connectors/README.md tells operators to: an incremental snapshot through the signal table. */
export async function signalBackfill(env: StackEnv, filter?: string): Promise<void> {
  const su = new pg.Client({ connectionString: env.STACK_PG_SUPERUSER_URL });
  await su.connect();
  try {
    const data = {
      'data-collections': ['public.tickets'],
      type: 'incremental',
      ...(filter ? { 'additional-conditions': [{ 'data-collection': 'public.tickets', filter }] } : {}),
    };
    await su.query(`INSERT INTO ${SIGNAL_TABLE} (id, type, data) VALUES ($1, $2, $3)`, [
      randomUUID(),
      'execute-snapshot',
      JSON.stringify(data),
    ]);
  } finally {
    await su.end();
  }
}
