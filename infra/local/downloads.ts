// Fetches the pinned components into the cache directory (outside the clone), once.
// Kafka and Debezium come from Maven Central through Maven; FerretDB and Toxiproxy are built from their Go modules.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from './processes.ts';
import { projectRoot, type StackSettings } from './settings.ts';
import type { Versions } from './versions.ts';

function sha1(file: string): string {
  return createHash('sha1').update(readFileSync(file)).digest('hex');
}

function verifySha1(component: string, dir: string, expected: Record<string, string>): void {
  for (const [jar, sum] of Object.entries(expected)) {
    const file = join(dir, jar);
    if (!existsSync(file)) throw new ComponentError(component, `pinned jar ${jar} is missing from ${dir}`);
    const actual = sha1(file);
    if (actual !== sum) {
      throw new ComponentError(component, `checksum mismatch for ${jar}: expected sha1 ${sum}, got ${actual}`);
    }
  }
}

/** A directory is complete when its marker names exactly the pinned version. */
function isComplete(dir: string, stamp: string): boolean {
  const marker = join(dir, '.complete');
  return existsSync(marker) && readFileSync(marker, 'utf8') === stamp;
}

function mavenCopy(
  component: string,
  pom: string,
  outDir: string,
  props: Record<string, string>,
  log: (m: string) => void,
) {
  if (!commandExists('mvn'))
    throw new ComponentError(component, 'Maven (mvn) is not on the PATH; install it (apt-get install maven)');
  log(`${component}: resolving jars from Maven Central into ${outDir}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  run(component, 'mvn', [
    '-B',
    '-q',
    '--strict-checksums',
    '-f',
    join(projectRoot, 'infra/local/maven', pom),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${outDir}`,
    '-DincludeScope=runtime',
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
  ]);
}

/** Kafka broker, tools and Connect runtime jars: one classpath directory. */
export function ensureKafkaJars(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const dir = join(s.cache, `kafka-${v.kafka.scala}-${v.kafka.version}`);
  const lib = join(dir, 'lib');
  const stamp = JSON.stringify(v.kafka);
  if (isComplete(dir, stamp)) return lib;
  mavenCopy(
    'kafka',
    'kafka-runtime.pom.xml',
    lib,
    {
      'kafka.version': v.kafka.version,
      'scala.version': v.kafka.scala,
      'slf4j.version': v.kafka.slf4jReload4j,
    },
    log,
  );
  verifySha1('kafka', lib, v.kafka.sha1);
  writeFileSync(join(dir, '.complete'), stamp);
  return lib;
}

/** The Debezium PostgreSQL connector as a Connect plugin directory (plugin.path points at its parent). */
export function ensureDebeziumPlugin(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const pluginPath = join(s.cache, `connect-plugins-debezium-${v.debezium.version}`);
  const pluginDir = join(pluginPath, 'debezium-connector-postgres');
  const stamp = JSON.stringify(v.debezium);
  if (isComplete(pluginPath, stamp)) return pluginPath;
  mavenCopy('kafka-connect', 'debezium-postgres.pom.xml', pluginDir, { 'debezium.version': v.debezium.version }, log);
  // The plugin must not carry its own copy of the Connect API: Connect supplies it.
  for (const jar of readdirSync(pluginDir)) {
    if (/^(connect-api|kafka-clients)-/.test(jar)) rmSync(join(pluginDir, jar));
  }
  verifySha1('kafka-connect', pluginDir, v.debezium.sha1);
  writeFileSync(join(pluginPath, '.complete'), stamp);
  return pluginPath;
}

/**
 * The MongoDB Kafka sink connector (the benchmark's peer) as a Connect plugin directory of its own: fetched only when
 * the peer is run, so a plain stack start neither downloads it nor spends the worker's plugin scan on it. Beside the
 * pinned jar, the credential provider of infra/local/mongoSink (its source says why) is compiled against it.
 */
export function ensureMongoSinkPlugin(s: StackSettings, v: Versions, log: (m: string) => void): string {
  const sink = v.mongoKafkaSink;
  const pluginPath = join(s.cache, `connect-plugins-mongo-kafka-${sink.version}`);
  const pluginDir = join(pluginPath, 'mongo-kafka-connect');
  const source = join(projectRoot, 'infra/local/mongoSink/ConfiguredCredentialProvider.java');
  const stamp = JSON.stringify({ ...sink, provider: sha1(source) });
  if (isComplete(pluginPath, stamp)) return pluginPath;
  mavenCopy(
    'kafka-connect',
    'mongo-kafka-sink.pom.xml',
    pluginDir,
    { 'mongoKafkaSink.version': sink.version, 'mongoKafkaSink.classifier': sink.classifier },
    log,
  );
  verifySha1('kafka-connect', pluginDir, sink.sha1);
  if (!commandExists('javac') || !commandExists('jar'))
    throw new ComponentError('kafka-connect', 'javac and jar (a JDK) are needed to build the peer credential provider');
  const classes = join(pluginPath, 'classes');
  const classpath = join(pluginDir, `mongo-kafka-connect-${sink.version}-${sink.classifier}.jar`);
  run('kafka-connect', 'javac', ['--release', '17', '-cp', classpath, '-d', classes, source]);
  run('kafka-connect', 'jar', ['cf', join(pluginDir, 'ticket-archiver-peer-credential.jar'), '-C', classes, '.']);
  rmSync(classes, { recursive: true, force: true });
  writeFileSync(join(pluginPath, '.complete'), stamp);
  return pluginPath;
}

/**
 * A Go program from the module proxy: the exact module is downloaded (its go.sum hash checked against the pin), copied,
 * readied by `prepare` if it needs files its own builds generate, and built static (CGO off: no link to this
 * machine's libc). Returns the binary, cached by version.
 */
function buildGoProgram(
  component: string,
  pin: { module: string; version: string; goSum: string },
  build: { name: string; pkg: string; prepare?: (src: string) => void },
  s: StackSettings,
  log: (m: string) => void,
): string {
  const dir = join(s.cache, `${build.name}-${pin.version}`);
  const binary = join(dir, build.name);
  const stamp = JSON.stringify(pin);
  if (isComplete(dir, stamp) && existsSync(binary)) return binary;
  if (!commandExists('go'))
    throw new ComponentError(component, `go is not on the PATH; install Go to build ${build.name}`);
  log(`${component}: building ${build.name} ${pin.version} from the Go module proxy (a few minutes the first time)`);
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };
  const info = JSON.parse(
    run(component, 'go', ['mod', 'download', '-json', `${pin.module}@${pin.version}`], { env }),
  ) as { Dir?: string; Sum?: string; Error?: string };
  if (info.Error || !info.Dir)
    throw new ComponentError(component, `go mod download failed: ${info.Error ?? 'no directory'}`);
  if (info.Sum !== pin.goSum)
    throw new ComponentError(component, `${pin.module} checksum ${info.Sum} does not match the pinned ${pin.goSum}`);
  const src = join(dir, 'src');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(info.Dir, src, { recursive: true });
  run(component, 'chmod', ['-R', 'u+w', src]);
  build.prepare?.(src);
  run(component, 'go', ['build', '-trimpath', '-o', binary, build.pkg], { cwd: src, env });
  chmodSync(binary, 0o755);
  rmSync(src, { recursive: true, force: true });
  writeFileSync(join(dir, '.complete'), stamp);
  return binary;
}

/** FerretDB 2.x, given the build/version files that `bin/task gen-version` writes in FerretDB's own builds. */
export function ensureFerretDb(s: StackSettings, v: Versions, log: (m: string) => void): string {
  if (!commandExists('go')) {
    throw new ComponentError(
      'cold-store',
      'neither mongod nor go is on the PATH; install Go to build FerretDB, or put mongod on the PATH',
    );
  }
  const prepare = (src: string) => {
    writeFileSync(join(src, 'build/version/version.txt'), `${v.ferretdb.version}\n`);
    writeFileSync(join(src, 'build/version/package.txt'), 'ticket-archiver\n');
  };
  return buildGoProgram('cold-store', v.ferretdb, { name: 'ferretdb', pkg: './cmd/ferretdb', prepare }, s, log);
}

/** Toxiproxy, the TCP fault proxy the fault suite puts between the archivers and the stores (test/faults). */
export function ensureToxiproxy(s: StackSettings, v: Versions, log: (m: string) => void): string {
  return buildGoProgram('toxiproxy', v.toxiproxy, { name: 'toxiproxy-server', pkg: './cmd/server' }, s, log);
}
