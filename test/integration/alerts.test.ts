// The alert rules with the real promtool (Debian's prometheus package, fetched by infra/local/tools.ts): the rules
// file is valid, every rule has a firing and a non-firing unit test, and the unit tests pass; each rule reads only
// metrics that some process of ours exports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import { ensurePromtool } from '../../infra/local/tools.ts';
import { loadVersions } from '../../infra/local/versions.ts';

const dir = join(projectRoot, 'infra/monitoring');
const promtool = () => ensurePromtool(stackSettings(), loadVersions(), (m) => process.stderr.write(`${m}\n`));

interface AlertTest {
  alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }>;
}

describe('alert rules', () => {
  it('are valid, and their unit tests pass', () => {
    const check = spawnSync(promtool(), ['check', 'rules', 'alerts.yml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const test = spawnSync(promtool(), ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /SUCCESS/);
  });

  it('each have a test where they fire and one where they do not', () => {
    const rules = (
      parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string }> }> }
    ).groups.flatMap((g) => g.rules.map((r) => r.alert));
    const tests = (parse(readFileSync(join(dir, 'alerts.test.yml'), 'utf8')) as { tests: AlertTest[] }).tests.flatMap(
      (t) => t.alert_rule_test ?? [],
    );
    assert.ok(rules.length >= 10, `${rules.length} rules`);
    for (const alert of rules) {
      const mine = tests.filter((t) => t.alertname === alert);
      assert.ok(
        mine.some((t) => t.exp_alerts.length > 0),
        `${alert} has a test where it fires`,
      );
      assert.ok(
        mine.some((t) => t.exp_alerts.length === 0),
        `${alert} has a test where it does not`,
      );
    }
  });

  it('and the dashboard read only metrics the product exports', () => {
    const exported = new Set(
      readdirSync(join(projectRoot, 'services/archiver'))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) =>
          [
            ...readFileSync(join(projectRoot, 'services/archiver', f), 'utf8').matchAll(
              /name: '(ticket_archiver_[a-z_]+)'/g,
            ),
          ].map((m) => m[1] as string),
        ),
    );
    for (const file of ['alerts.yml', 'dashboard.json']) {
      const used = [...readFileSync(join(dir, file), 'utf8').matchAll(/\b(ticket_archiver_[a-z_]+)\b/g)].map((m) =>
        (m[1] as string).replace(/_bucket$/, ''),
      );
      assert.ok(used.length > 0, file);
      for (const metric of used) assert.ok(exported.has(metric), `${file}: ${metric} is exported by the archiver`);
    }
    const dashboard = JSON.parse(readFileSync(join(dir, 'dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of ['lag', 'moves', 'freshness', 'stuck', 'wal'])
      assert.ok(titles.includes(topic), `the dashboard shows ${topic}`);
  });

  it('fail the unit tests when a rule is broken (the check can fail)', () => {
    const tmp = join(dir, '.broken-alerts.yml');
    const tmpTest = join(dir, '.broken-alerts.test.yml');
    try {
      writeFileSync(tmp, readFileSync(join(dir, 'alerts.yml'), 'utf8').replace('> 100000', '> 100000000'));
      writeFileSync(
        tmpTest,
        readFileSync(join(dir, 'alerts.test.yml'), 'utf8').replace(
          'rule_files: [alerts.yml]',
          'rule_files: [.broken-alerts.yml]',
        ),
      );
      const test = spawnSync(promtool(), ['test', 'rules', '.broken-alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
      assert.notEqual(test.status, 0, 'a lag bound moved out of reach is caught');
      assert.match(test.stdout + test.stderr, /TicketArchiverLagHigh/);
    } finally {
      rmSync(tmp, { force: true });
      rmSync(tmpTest, { force: true });
    }
  });
});
