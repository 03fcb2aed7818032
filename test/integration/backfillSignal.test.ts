// The signal table works: an incremental snapshot started by inserting a row re-emits existing tickets as
// snapshot reads, without locking the table. This is how a backfill of an existing table is started.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { SIGNAL_TABLE } from '../../services/core/spec/connectorConfig.ts';
import { parseTicketEvent } from '../../services/core/ticketEvent.ts';
import { defaultShape } from '../support/specs.ts';
import { useStackDatabase } from '../support/stack.ts';
import { readTopicFromNow } from '../support/topicReader.ts';

const stack = useStackDatabase();

describe('incremental snapshot through the signal table', () => {
  it('re-emits the selected existing tickets as snapshot reads', async () => {
    const { rows } = await stack.db.query<{ id: string }>(
      `INSERT INTO tickets (customer_id, status, subject) SELECT 900, 'closed', 'backfill ' || g FROM generate_series(1, 3) g RETURNING id`,
    );
    const ids = rows.map((r) => Number(r.id));
    const reader = await readTopicFromNow(stack.env.KAFKA_BROKERS, stack.env.TICKETS_TOPIC);
    try {
      // Written by an operator (here: the superuser); Debezium reads the signal from the change stream.
      const su = new pg.Client({ connectionString: stack.env.STACK_PG_SUPERUSER_URL });
      await su.connect();
      await su.query(`INSERT INTO ${SIGNAL_TABLE} (id, type, data) VALUES ($1, $2, $3)`, [
        randomUUID(),
        'execute-snapshot',
        JSON.stringify({
          'data-collections': ['public.tickets'],
          type: 'incremental',
          'additional-conditions': [{ 'data-collection': 'public.tickets', filter: `id IN (${ids.join(',')})` }],
        }),
      ]);
      await su.end();
      const reads = () =>
        reader.messages
          .map((m) => parseTicketEvent(m.key, m.value, defaultShape))
          .filter((e) => e.kind === 'upsert' && e.op === 'r' && ids.includes(Number(e.id)));
      await reader.waitFor(() => reads().length >= ids.length, 90_000, `snapshot reads of tickets ${ids.join(',')}`);
      const events = reads();
      assert.deepEqual(
        [...new Set(events.map((e) => ('id' in e ? Number(e.id) : 0)))].sort((a, b) => a - b),
        ids,
      );
      for (const e of events)
        assert.ok(e.kind === 'upsert' && e.snapshot && e.source.snapshot === 'incremental', JSON.stringify(e));
    } finally {
      await reader.close();
      await stack.db.query('DELETE FROM tickets WHERE id = ANY($1::bigint[])', [ids]);
    }
  });
});
