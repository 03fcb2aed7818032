// The container image, built without Docker the way the Dockerfile lays it out (infra/k8s/image): it runs
// `ticket-archiver --help` as user 10001 on the Node.js major of the Dockerfile's base, holds production dependencies
// only, its user cannot change the program, and the compiled program finds its migrations (`migrate --check` against
// the local stack's database exits 0, as the Deployment's init container runs it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildImage, unpackImage, type UnpackedImage } from '../../infra/k8s/image/image.ts';
import { projectRoot, stackSettings } from '../../infra/local/settings.ts';
import { loadVersions } from '../../infra/local/versions.ts';
import { ensureStack } from '../support/stack.ts';

const v = loadVersions();

describe('the container image (built without Docker)', () => {
  let dir = '';
  let image: UnpackedImage | undefined;
  const run = (o?: Parameters<UnpackedImage['run']>[0]) => {
    assert.ok(image, 'the image was built');
    return image.run(o);
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ticket-archiver-image-'));
    image = unpackImage(
      buildImage(stackSettings(), v, { tag: 'test', out: dir }, (m) => process.stderr.write(`[image] ${m}\n`)),
      dir,
    );
  });
  after(() => {
    image?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs ticket-archiver --help as user 10001', () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: ticket-archiver/);
    for (const command of ['archive', 'reconcile', 'migrate', 'status'])
      assert.match(r.stdout, new RegExp(`\\n  ${command} `), command);
    assert.deepEqual([r.spec.user.uid, r.spec.user.gid], [10001, 10001]);
    assert.deepEqual(r.spec.args, ['ticket-archiver', '--help']);
  });

  it("runs the Node.js major of the Dockerfile's base", () => {
    const dockerBases = [...readFileSync(join(projectRoot, 'Dockerfile'), 'utf8').matchAll(/^FROM (\S+)/gm)].map(
      (m) => m[1],
    );
    assert.deepEqual(
      [...new Set(dockerBases)],
      [v.image.dockerBase],
      'the Dockerfile pins the base versions.json names',
    );
    const r = run({ entrypoint: ['node', '--version'] });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('.')[0], `v${v.image.nodejsMajor}`);
    assert.equal(v.image.dockerBase.split(':')[1]?.split('.')[0], String(v.image.nodejsMajor));
  });

  it('holds production dependencies only, and its user cannot change the program', () => {
    const checks = [
      'test -d node_modules/kafkajs',
      'test ! -e node_modules/typescript',
      'test ! -e node_modules/tsx',
      'test ! -e node_modules/eslint',
      'test ! -w dist/services/cli/main.js',
      'test ! -w /usr/local/bin',
      'test "$(id -u)" = 10001',
    ];
    for (const check of checks) {
      const r = run({ entrypoint: ['sh', '-c', check] });
      assert.equal(r.status, 0, `${check}: ${r.stderr}`);
    }
  });

  it('finds its migrations: migrate --check against the stack exits 0', async () => {
    const env = await ensureStack();
    const r = run({ args: ['migrate', '--check'], env: { DATABASE_URL: env.DATABASE_URL } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const broken = run({ args: ['migrate', '--check'], env: { DATABASE_URL: 'not a url' } });
    assert.notEqual(broken.status, 0, 'a bad setting fails');
    assert.match(broken.stderr, /DATABASE_URL/);
  });
});
