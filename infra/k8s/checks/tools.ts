// The real tools that check the Kubernetes manifests, fetched from the registries at the versions pinned in
// infra/local/versions.json and cached outside the clone (like the stack's components): each is built or unpacked
// once, marked complete with the pinned version, and reused.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError, commandExists, run } from '../../local/processes.ts';
import { projectRoot, type StackSettings } from '../../local/settings.ts';
import { debianPackageRoot } from '../../local/tools.ts';
import type { Versions } from '../../local/versions.ts';

type Log = (m: string) => void;

function complete(dir: string, stamp: string): boolean {
  const marker = join(dir, '.complete');
  return existsSync(marker) && readFileSync(marker, 'utf8') === stamp;
}

function markComplete(dir: string, stamp: string): void {
  writeFileSync(join(dir, '.complete'), stamp);
}

function needs(component: string, cmd: string, hint: string): void {
  if (!commandExists(cmd)) throw new ComponentError(component, `${cmd} is not on the PATH; ${hint}`);
}

const goEnv = () => ({ ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' });

/** kustomize, installed with go install from the Go module proxy (the checksum database verifies it). */
export function ensureKustomize(s: StackSettings, v: Versions, log: Log): string {
  const k = v.kubernetes.kustomize;
  const dir = join(s.cache, `kustomize-${k.version}`);
  const binary = join(dir, 'kustomize');
  if (complete(dir, JSON.stringify(k)) && existsSync(binary)) return binary;
  needs('kustomize', 'go', 'install Go to build kustomize');
  log(`kustomize: go install ${k.module}@${k.version} (about a minute the first time)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('kustomize', 'go', ['install', '-trimpath', `${k.module}@${k.version}`], { env: { ...goEnv(), GOBIN: dir } });
  markComplete(dir, JSON.stringify(k));
  return binary;
}

/** kubernetes-validate (the Kubernetes OpenAPI schemas of each release, bundled) in its own virtual environment. */
export function ensureKubernetesValidate(s: StackSettings, v: Versions, log: Log): string {
  const version = v.kubernetes.kubernetesValidate;
  const dir = join(s.cache, `kubernetes-validate-${version}`);
  const binary = join(dir, 'bin/kubernetes-validate');
  if (complete(dir, version) && existsSync(binary)) return binary;
  needs('kubernetes-validate', 'python3', 'install Python 3 with venv');
  log(`kubernetes-validate: pip install kubernetes-validate==${version} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  run('kubernetes-validate', 'python3', ['-m', 'venv', dir]);
  run('kubernetes-validate', join(dir, 'bin/pip'), [
    'install',
    '-q',
    '--disable-pip-version-check',
    `kubernetes-validate==${version}`,
  ]);
  markComplete(dir, version);
  return binary;
}

/** Strimzi's model (io.strimzi:api) and Jackson's YAML reader from Maven Central: the classpath of StrimziCheck.java. */
export function ensureStrimziModel(s: StackSettings, v: Versions, log: Log): string {
  const dir = join(s.cache, `strimzi-api-${v.strimzi.version}`);
  const lib = join(dir, 'lib');
  if (complete(dir, JSON.stringify(v.strimzi))) return `${lib}/*`;
  needs('strimzi-check', 'mvn', 'install Maven (apt-get install maven)');
  log(`strimzi-check: resolving io.strimzi:api ${v.strimzi.version} from Maven Central`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  run('strimzi-check', 'mvn', [
    '-B',
    '-q',
    '--strict-checksums',
    '-f',
    join(projectRoot, 'infra/k8s/checks/strimzi/pom.xml'),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${lib}`,
    '-DincludeScope=runtime',
    `-Dstrimzi.version=${v.strimzi.version}`,
    `-Djackson.version=${v.strimzi.jackson}`,
  ]);
  markComplete(dir, JSON.stringify(v.strimzi));
  return `${lib}/*`;
}

export interface ApiServerTools {
  kubeApiserver: string;
  kubectl: string;
  etcd: string;
}

/** kube-apiserver and kubectl built from k8s.io/kubernetes (about 10 minutes and 250 MB the first time), and etcd. */
export function ensureApiServerTools(s: StackSettings, v: Versions, log: Log): ApiServerTools {
  const moduleDir = join(projectRoot, 'infra/k8s/checks/apiserver');
  const stamp = `${v.kubernetes.version}\n${readFileSync(join(moduleDir, 'go.sum'), 'utf8')}`;
  const dir = join(s.cache, `kubernetes-${v.kubernetes.version}`);
  const tools = { kubeApiserver: join(dir, 'kube-apiserver'), kubectl: join(dir, 'kubectl') };
  if (!(complete(dir, stamp) && existsSync(tools.kubeApiserver) && existsSync(tools.kubectl))) {
    needs('kube-apiserver', 'go', 'install Go to build kube-apiserver and kubectl');
    const required = /^require k8s\.io\/kubernetes (\S+)$/m.exec(readFileSync(join(moduleDir, 'go.mod'), 'utf8'))?.[1];
    if (required !== v.kubernetes.version) {
      throw new ComponentError(
        'kube-apiserver',
        `infra/k8s/checks/apiserver/go.mod requires k8s.io/kubernetes ${required}, versions.json pins ${v.kubernetes.version}`,
      );
    }
    log(
      `kube-apiserver: building kube-apiserver and kubectl ${v.kubernetes.version} (about 10 minutes the first time)`,
    );
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const env = { ...goEnv(), GOFLAGS: '-mod=readonly' };
    // What Kubernetes' own build stamps in (hack/lib/version.sh), so both report the release they are.
    const [major, minor] = v.kubernetes.version.slice(1).split('.');
    const stampVersion = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((p) => [
      `-X ${p}.gitVersion=${v.kubernetes.version}`,
      `-X ${p}.gitMajor=${major}`,
      `-X ${p}.gitMinor=${minor}`,
      `-X ${p}.gitTreeState=clean`,
    ]);
    for (const [cmd, out] of [
      ['kube-apiserver', tools.kubeApiserver],
      ['kubectl', tools.kubectl],
    ] as const) {
      const ldflags = ['-s', '-w', ...stampVersion].join(' ');
      run(
        'kube-apiserver',
        'go',
        ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', out, `k8s.io/kubernetes/cmd/${cmd}`],
        { cwd: moduleDir, env },
      );
    }
    markComplete(dir, stamp);
  }
  const e = v.kubernetes.etcd;
  const etcdRoot = debianPackageRoot(s, 'etcd', e.debianPackage, e.debianVersion, 'usr/bin/etcd', log);
  return { ...tools, etcd: join(etcdRoot, 'usr/bin/etcd') };
}
