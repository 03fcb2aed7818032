// The short form of the fault suite, part of `npm test`: one scenario per component (archiver, Kafka Connect, Kafka,
// PostgreSQL, cold store) on a smaller table. The full form is `npm run faults` (see test/faults/README.md).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FaultStack } from './faultStack.ts';
import { formatTable, machineDescription, writeResults, type FaultResult } from './results.ts';
import { runScenario } from './scenarioRun.ts';
import { scenarios } from './scenarios.ts';

const SHORT = ['kill-archiver', 'restart-connect', 'restart-kafka', 'restart-postgres', 'stop-cold-store'];
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const stack = new FaultStack((m) => log(`[stack] ${m}`));
const results: FaultResult[] = [];

describe('fault suite, short form', () => {
  after(async () => {
    await stack.down();
    if (results.length === 0) return;
    const out = join(stack.settings.dir, 'results-short.json');
    writeResults(results, out, out.replace(/\.json$/, '.md'), 'npm test (short form)');
    log(`\n${formatTable(results)}\nwritten: ${out}`);
  });

  for (const name of SHORT) {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) throw new Error(`no scenario ${name}`);
    it(`${scenario.title}: nothing lost, nothing corrupted`, async () => {
      const result = await runScenario(stack, scenario, {
        tickets: 12_000,
        trafficPerSecond: 40,
        coldAfterSeconds: 60,
        settleTimeoutSeconds: 300,
        machine: machineDescription(stack.coldStoreKind),
        log,
      });
      results.push(result);
      assert.equal(
        result.violations,
        0,
        `violations: ${JSON.stringify(result.violationsByCheck)} ids ${result.violatingIds.join(', ')}`,
      );
      assert.notEqual(result.settleSeconds, null, 'the system did not settle after the fault');
      assert.ok(result.moved >= 4000, `only ${result.moved} tickets archived`);
      assert.equal(result.escalated, 0, 'a transient fault must not leave escalated deletions');
    });
  }
});
