// The read API under Schemathesis, an API fuzzer nobody here wrote, driven by the OpenAPI document `serve` publishes:
// every operation, every one of its checks (--checks all), on the real stack, with tickets in both tiers and the
// bearer token, so reads, their refusals and the restore are all exercised. Zero failures is the bar.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureSchemathesis } from '../../infra/api/schemathesis.ts';
import { stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { groupAtEnd } from '../support/archiverProcess.ts';
import { archiverHarness } from '../support/harness.ts';
import { TOKEN, archiveAll, startServe, type Serve } from '../support/readApi.ts';
import { insertTickets, testCustomer } from '../support/tickets.ts';

const h = archiverHarness();
let api: Serve;
let st: string;
let dir: string;
let customer: number;
let ids: string[];

// The budget, on a 2-core machine: every phase (examples, coverage, fuzzing, stateful), at most 150 generated cases
// an operation and phase (7 operations: about 2,600 requests, 25 s measured; 1,000 took 130 s and found nothing more),
// two workers (one a core: serve and the stores take the rest), a fixed seed so that a failure reproduces (FUZZ_SEED
// tries another). The coverage phase is not sampled: it sends every boundary and every kind of invalid value of each
// parameter, and every method an operation does not declare, whatever the budget.
const BUDGET = [
  '--max-examples',
  '150',
  '--workers',
  '2',
  '--seed',
  process.env.FUZZ_SEED ?? '23',
  '--request-timeout',
  '30',
];

/** Runs `st` to its end (asynchronously: serve, a child of this process, must keep answering). */
function runSchemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(st, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, output }));
  });
}

describe('read API under Schemathesis', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    st = ensureSchemathesis(stackSettings(), loadVersions(), (m) => console.log(m));
    dir = mkdtempSync(join(tmpdir(), 'read-api-fuzz-'));
    customer = testCustomer();
    const groupId = await groupAtEnd(h.env, 'test-read-api-fuzz');
    ids = await insertTickets(h.stores.db, [
      ...Array.from({ length: 6 }, (_, i) => ({
        status: 'closed' as const,
        ageSeconds: (40 + i) * 86_400,
        customerId: customer,
      })),
      ...Array.from({ length: 4 }, (_, i) => ({
        status: 'in_progress' as const,
        ageSeconds: i * 60,
        customerId: customer,
      })),
    ]);
    await archiveAll(h, ids.slice(0, 6), customer, groupId);
    // Reads require the token too: Schemathesis then also checks that no operation answers without it.
    api = await startServe(h, { API_READS_REQUIRE_TOKEN: 'true' });
  });
  after(async () => {
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds no failure of any check on any operation', { timeout: 600_000 }, async () => {
    // Real ids half the time (hot and archived tickets, their customer), so answers with tickets and restores that
    // succeed are checked too, not only 404s; generated ones the other half.
    const config = join(dir, 'schemathesis.toml');
    writeFileSync(
      config,
      [
        `[dictionaries.tickets]`,
        `values = ${JSON.stringify(ids)}`,
        `[dictionaries.customers]`,
        `values = ${JSON.stringify([String(customer)])}`,
        `[parameters]`,
        `"path.id" = { dictionary = "tickets", probability = 0.5 }`,
        `"path.customerId" = { dictionary = "customers", probability = 0.5 }`,
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const { code, output } = await runSchemathesis([
      '--config-file',
      config,
      'run',
      `${api.base}/openapi.json`,
      '--checks',
      'all',
      '--header',
      `Authorization: Bearer ${TOKEN}`,
      ...BUDGET,
      '--generation-database',
      'none',
      '--report-junit-path',
      join(dir, 'junit.xml'),
      '--no-color',
    ]);
    const seconds = Math.round((Date.now() - started) / 1000);
    const summary = output.slice(output.lastIndexOf('=== SUMMARY ===') - 30);
    console.log(`schemathesis: exit ${code} in ${seconds} s\n${summary}`);
    assert.equal(code, 0, output);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    const suite = /<testsuite [^>]*>/.exec(junit)?.[0] ?? '';
    const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? NaN);
    assert.deepEqual([count('failures'), count('errors')], [0, 0], `${suite}\n${output}`);
    const cases = [...junit.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]);
    const operations = [
      'GET /tickets/{id}',
      'POST /tickets/{id}/restore',
      'GET /lists/customer/{value}/tickets',
      'GET /lists/operator/{value}/tickets',
      'GET /lists/operatorGroup/{value}/tickets',
      'GET /tickets/closed',
    ];
    assert.deepEqual(
      operations.filter((o) => !cases.includes(o)),
      [],
      `every operation tested: ${cases.join(', ')}`,
    );
  });
});
