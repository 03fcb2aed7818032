// The slot alerts on the real metric's shape: a PostgreSQL cluster of this test's own (so the stack's slots are never
// at risk) with a small max_slot_wal_keep_size and a logical slot nobody reads, as a stalled connector's; WAL is
// written step by step with a checkpoint after each (where PostgreSQL drops slots past the bound), the slot read
// through the product's edge and turned into the archiver's gauges each step. promtool then evaluates the alert rules
// on those readings, one a minute: TicketArchiverSlotNearWalLimit must fire before the slot is lost, and
// TicketArchiverSlotLost once it is.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { startCluster, stopCluster, superuserUrl, type ClusterSpec } from '../../infra/local/components/pgCluster.ts';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import { ensurePromtool } from '../../infra/local/tools.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { slotGauges } from '../../services/archiver/pipelineWatch.ts';
import { readSlot } from '../../services/edges/hotStore/inspection.ts';
import { freePort } from '../support/tcpRelay.ts';

const s = stackSettings();
const v = loadVersions();
const log = (m: string) => process.stderr.write(`[stack] ${m}\n`);

/** The alert rules without their annotations (a summary quotes the value, which no test can know beforehand). */
function rulesWithoutAnnotations(dir: string): string {
  const rules = parse(readFileSync(join(projectRoot, 'infra/monitoring/alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<Record<string, unknown>> }>;
  };
  for (const g of rules.groups) for (const r of g.rules) delete r.annotations;
  const file = join(dir, 'alerts.yml');
  writeFileSync(file, stringify(rules));
  return file;
}

describe('the replication slot alerts', () => {
  it('fire before PostgreSQL drops a stalled slot at max_slot_wal_keep_size, and once it has', async () => {
    const spec: ClusterSpec = {
      name: 'postgres-slot-limit',
      port: await freePort(),
      portVariable: 'a free port',
      dirName: 'postgres-slot-limit',
      superuserPassword: randomBytes(12).toString('hex'),
      settings: [
        'wal_level = logical',
        "max_slot_wal_keep_size = '64MB'",
        "max_wal_size = '64MB'",
        "min_wal_size = '32MB'",
        "checkpoint_timeout = '1h'",
      ],
    };
    await startCluster(s, v, spec, log);
    const pool = new pg.Pool({ connectionString: superuserUrl(spec, 'postgres'), max: 2 });
    const readings: Array<ReturnType<typeof slotGauges>> = [];
    try {
      await pool.query("SELECT pg_create_logical_replication_slot('stalled_connector', 'test_decoding')");
      for (let step = 0; step < 40; step++) {
        const gauges = slotGauges(await readSlot(pool, 'stalled_connector'));
        readings.push(gauges);
        if (gauges.lost === 1) break;
        // 6 MB of WAL a step (non-transactional logical messages are written at once), then a checkpoint.
        await pool.query(
          "SELECT pg_logical_emit_message(false, 'fill', repeat('x', 1048576)) FROM generate_series(1, 6)",
        );
        await pool.query('CHECKPOINT');
      }
    } finally {
      await pool.end();
      stopCluster(s, v, spec);
      rmSync(join(s.dataDir, spec.dirName), { recursive: true, force: true });
    }
    const lostAt = readings.findIndex((r) => r.lost === 1);
    assert.ok(lostAt > 4, `the slot was lost after several steps: ${JSON.stringify(readings)}`);
    assert.equal(readings[0]?.limit, 64 * 1024 * 1024, 'the bound is read in bytes');
    assert.ok(
      readings.slice(0, lostAt).every((r, i) => i === 0 || r.retained > (readings[i - 1]?.retained ?? 0)),
      `the retained WAL grows until the slot is lost: ${JSON.stringify(readings)}`,
    );

    // promtool, the readings one a minute (a slow leak: 6 MB a minute), the rules as shipped.
    const dir = mkdtempSync(join(tmpdir(), 'slot-alerts-'));
    const rules = rulesWithoutAnnotations(dir);
    const series = (name: string, field: keyof ReturnType<typeof slotGauges>) => ({
      series: `${name}{instance="a"}`,
      values: readings.map((r) => String(r[field])).join(' '),
    });
    const firing = (alertname: string, at: number, fires: boolean) => ({
      eval_time: `${at}m`,
      alertname,
      exp_alerts: fires ? [{ exp_labels: { severity: 'critical' } }] : [],
    });
    const test = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            series('ticket_archiver_replication_slot_wal_retained_bytes', 'retained'),
            series('ticket_archiver_replication_slot_wal_limit_bytes', 'limit'),
            series('ticket_archiver_replication_slot_lost', 'lost'),
          ],
          alert_rule_test: [
            firing('TicketArchiverSlotNearWalLimit', 0, false),
            firing('TicketArchiverSlotNearWalLimit', lostAt - 1, true),
            firing('TicketArchiverSlotLost', lostAt - 1, false),
            firing('TicketArchiverSlotLost', lostAt, true),
            firing('TicketArchiverSlotRetainsWal', lostAt - 1, false),
          ],
        },
      ],
    };
    const testFile = join(dir, 'slot.test.yml');
    writeFileSync(testFile, stringify(test));
    const promtool = ensurePromtool(s, v, log);
    const r = spawnSync(promtool, ['test', 'rules', testFile], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}\nreadings: ${JSON.stringify(readings)}`);
  });
});
