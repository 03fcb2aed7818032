// A connector's FAILED parts come back on request: Debezium's PostgreSQL task fails for good when the database still
// refuses it at the end of its restart back-off (DBZ-7872), and register-connector and the stack's start restart it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  connectorStatus,
  loadConnectorDefinition,
  registerConnector,
  restartFailedParts,
} from '../../services/edges/kafkaConnect/index.ts';
import { defaultSpec } from '../support/specs.ts';
import { useStackDatabase } from '../support/stack.ts';

const stack = useStackDatabase();

describe('connector restart', () => {
  it('restarts a connector task that FAILED and says which, and restarts nothing that runs', async () => {
    const url = stack.env.KAFKA_CONNECT_URL;
    const base = loadConnectorDefinition(defaultSpec);
    assert.deepEqual(await restartFailedParts(url, base.name), [], 'the tickets connector runs: nothing restarted');
    // A task that fails at its start as Debezium's does after a long outage (DBZ-7872): here, no such publication.
    const name = 'test-failing-task';
    const slot = 'test_failing_task';
    const config = { ...base.config, 'publication.name': 'test_no_such_publication', 'slot.name': slot };
    const su = new pg.Client({ connectionString: stack.env.STACK_PG_SUPERUSER_URL });
    await su.connect();
    try {
      await registerConnector(url, { name, config: { ...config, 'topic.prefix': 'test-failing' } });
      const failedTask = async () => (await connectorStatus(url, name))?.tasks.find((t) => t.state === 'FAILED');
      for (let i = 0; i < 120 && !(await failedTask()); i++) await sleep(500);
      assert.ok(await failedTask(), `task FAILED: ${JSON.stringify(await connectorStatus(url, name))}`);
      const restarted = await restartFailedParts(url, name);
      assert.equal(restarted.length, 1, restarted.join('; '));
      assert.match(restarted[0] ?? '', /^task 0 \(.*\)$/);
    } finally {
      await fetch(`${url}/connectors/${name}`, { method: 'DELETE' });
      for (let i = 0; i < 20; i++) {
        const r = await su.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`, [slot]);
        if (r.rowCount) await su.query('SELECT pg_drop_replication_slot($1)', [slot]);
        const left = await su.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
        if (!left.rowCount) break;
        await sleep(500);
      }
      await su.end();
    }
  });
});
