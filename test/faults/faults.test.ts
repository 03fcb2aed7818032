// The short form of the fault suite, part of `npm test`: each kind of fault once. On a Zammad-shaped table (integer
// key, xmin versions, timestamps without time zone, closed through lookups, a conversation in child tables) the three
// that strike those hardest: an archiver killed, PostgreSQL restarted, Kafka Connect restarted; on the brief's table
// the others: Kafka restarted, the cold store stopped, the network's faults (Toxiproxy between the archivers and the
// stores). Nine would be each on both tables; on a 2-core machine at 0.6x the speed of the one the suite was sized
// on, the nine outran the test file's 20 minutes. The full form is `npm run faults [-- --table zammad]`
// (see test/faults/README.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FaultStack } from './faultStack.ts';
import { faultTable, type FaultTable } from './faultTable.ts';
import { formatTable, machineDescription, writeResults, type FaultResult } from './results.ts';
import { runScenario } from './scenarioRun.ts';
import { networkScenario } from './networkScenario.ts';
import { scenarios as singleNodeScenarios } from './scenarios.ts';

const scenarios = [...singleNodeScenarios, networkScenario];

interface ShortRun {
  table: FaultTable;
  scenarios: string[];
  tickets: number;
  /** Archived at the end, at least: of each 20 tickets 11 are closed, 8 of them cold at once; the traffic reopens some. */
  minMoved: number;
  /** Where its result table goes, in the stack's directory. */
  file: string;
}

const RUNS: ShortRun[] = [
  {
    table: faultTable('tickets'),
    scenarios: ['restart-kafka', 'stop-cold-store', 'network-faults'],
    tickets: 12_000,
    minMoved: 4000,
    file: 'results-short.json',
  },
  {
    // kill -9 mid-move (a re-read and a delete guarded by xmin, redone by another instance), PostgreSQL restarted
    // (every session and its xmin snapshot cut), Kafka Connect restarted (the incremental snapshot of an integer key
    // resumed from its offsets).
    table: faultTable('zammad'),
    scenarios: ['kill-archiver', 'restart-postgres', 'restart-connect'],
    tickets: 6000,
    minMoved: 2000,
    file: 'results-short-zammad.json',
  },
];

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new FaultStack((m) => log(`[stack] ${m}`));
const results = new Map<ShortRun, FaultResult[]>(RUNS.map((r) => [r, []]));

describe('fault suite, short form', () => {
  after(async () => {
    await stack.down();
    for (const [run, rows] of results) {
      if (rows.length === 0) continue;
      const out = join(stack.settings.dir, run.file);
      writeResults(rows, out, out.replace(/\.json$/, '.md'), `npm test (short form, ${run.table.sql})`);
      log(`\n${run.table.sql}\n${formatTable(rows)}\nwritten: ${out}`);
    }
  });

  for (const run of RUNS) {
    describe(run.table.sql, () => {
      for (const name of run.scenarios) {
        const scenario = scenarios.find((s) => s.name === name);
        if (!scenario) throw new Error(`no scenario ${name}`);
        it(`${scenario.title}: nothing lost, nothing corrupted`, async () => {
          const result = await runScenario(stack, scenario, {
            table: run.table,
            tickets: run.tickets,
            trafficPerSecond: 40,
            coldAfterSeconds: 60,
            settleTimeoutSeconds: 300,
            machine: machineDescription(stack.coldStoreKind),
            log,
          });
          results.get(run)?.push(result);
          assert.equal(
            result.violations,
            0,
            `violations: ${JSON.stringify(result.violationsByCheck)} ids ${result.violatingIds.join(', ')}`,
          );
          assert.notEqual(result.settleSeconds, null, 'the system did not settle after the fault');
          assert.ok(result.moved >= run.minMoved, `only ${result.moved} tickets archived`);
          assert.equal(result.escalated, 0, 'a transient fault must not leave escalated deletions');
        });
      }
    });
  }
});
