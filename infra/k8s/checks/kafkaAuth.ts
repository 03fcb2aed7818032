// What a Strimzi Kafka cluster secured the way production runs it (a `tls` listener with SCRAM-SHA-512 authentication
// and simple authorization) asks of every client in a render: the archiver and the reconciler, Kafka Connect and KEDA's
// kafka trigger each reach the TLS bootstrap port, verify the brokers against the cluster CA Strimzi publishes, and
// sign in as a KafkaUser of the render whose Secret (made by the User Operator) holds the password; the NetworkPolicy
// lets them through on that port. An empty list passes; the prod overlay must pass (components/strimzi-tls-scram).
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import { containerEnv, workloads, type Workload } from './workloads.ts';
import { selects, specOf, type K8sObject } from './render.ts';

/** The parts of Strimzi's KafkaUser and KafkaConnect these checks read (Strimzi publishes no TypeScript model). */
interface KafkaUserSpec {
  authentication?: { type?: string };
}
interface KafkaConnectSpec {
  bootstrapServers?: string;
  tls?: { trustedCertificates?: Array<{ secretName?: string; certificate?: string; pattern?: string }> };
  authentication?: { type?: string; username?: string; passwordSecret?: { secretName?: string; password?: string } };
}

/** Strimzi's names for a cluster's objects: the bootstrap service and the Secret with the cluster CA's certificate. */
export const strimziNames = (cluster: string, tlsPort: number) => ({
  bootstrap: `${cluster}-kafka-bootstrap:${tlsPort}`,
  caSecret: `${cluster}-cluster-ca-cert`,
  caKey: 'ca.crt',
  passwordKey: 'password',
});

const where = (w: Workload) => `${w.object.kind}/${w.object.metadata.name} container ${w.container.name}`;

/** The secret key a mounted file comes from, when the file is under a volumeMount of a Secret volume. */
function mountedSecretFile(w: Workload, file: string): { secret: string; key: string; readOnly: boolean } | undefined {
  for (const m of w.container.volumeMounts ?? []) {
    const dir = m.mountPath.replace(/\/+$/, '');
    if (!file.startsWith(`${dir}/`)) continue;
    const secret = (w.podSpec.volumes ?? []).find((v) => v.name === m.name)?.secret;
    if (!secret?.secretName) return undefined;
    const rel = file.slice(dir.length + 1);
    const key = secret.items ? secret.items.find((i) => i.path === rel)?.key : rel;
    return key === undefined ? undefined : { secret: secret.secretName, key, readOnly: m.readOnly === true };
  }
  return undefined;
}

export function kafkaAuthProblems(objects: K8sObject[], tlsPort = 9093): string[] {
  const problems: string[] = [];
  const users = objects.filter(
    (o) => o.kind === 'KafkaUser' && specOf<KafkaUserSpec>(o)?.authentication?.type === 'scram-sha-512',
  );
  if (users.length === 0) return ['no KafkaUser with scram-sha-512 authentication among the rendered objects'];
  const userNames = new Set(users.map((u) => u.metadata.name));
  const clusters = new Set(
    objects
      .filter((o) => o.kind === 'KafkaUser' || o.kind === 'KafkaTopic')
      .map((o) => o.metadata.labels?.['strimzi.io/cluster']),
  );
  if (clusters.size !== 1)
    return [
      `KafkaUsers and KafkaTopics name ${clusters.size} Strimzi clusters (${[...clusters].join(', ')}), expected one`,
    ];
  const cluster = [...clusters][0] ?? '(no strimzi.io/cluster label)';
  const n = strimziNames(cluster, tlsPort);
  const isUser = (name: string | undefined) => name !== undefined && userNames.has(name);

  // The programs: every container that talks to Kafka.
  const clients = workloads(objects)
    .map((w) => ({ w, env: containerEnv(objects, w, (r) => `secret:${r.secret}/${r.key}`).env }))
    .filter((c) => c.env.KAFKA_BROKERS !== undefined);
  if (clients.length === 0) problems.push('no container sets KAFKA_BROKERS');
  for (const { w, env } of clients) {
    const at = where(w);
    const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim());
    if (!brokers.every((b) => b === n.bootstrap))
      problems.push(`${at}: KAFKA_BROKERS ${env.KAFKA_BROKERS}, not the TLS listener ${n.bootstrap}`);
    if (env.KAFKA_SECURITY_PROTOCOL !== 'SASL_SSL')
      problems.push(
        `${at}: KAFKA_SECURITY_PROTOCOL ${env.KAFKA_SECURITY_PROTOCOL ?? '(unset: PLAINTEXT)'}, not SASL_SSL`,
      );
    if ((env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512') !== 'SCRAM-SHA-512')
      problems.push(`${at}: KAFKA_SASL_MECHANISM ${env.KAFKA_SASL_MECHANISM}, a Strimzi KafkaUser has SCRAM-SHA-512`);
    const password = (w.container.env ?? []).find((e) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef;
    if (!password) problems.push(`${at}: KAFKA_SASL_PASSWORD is not taken from a Secret (secretKeyRef)`);
    else {
      if (!isUser(password.name))
        problems.push(
          `${at}: KAFKA_SASL_PASSWORD comes from Secret ${password.name}, which is not a KafkaUser of the render (the User Operator's Secret has the user's name)`,
        );
      if (password.key !== n.passwordKey)
        problems.push(
          `${at}: KAFKA_SASL_PASSWORD comes from key ${password.key}, the User Operator writes ${n.passwordKey}`,
        );
      if (env.KAFKA_SASL_USERNAME !== password.name)
        problems.push(
          `${at}: KAFKA_SASL_USERNAME ${env.KAFKA_SASL_USERNAME ?? '(unset)'} is not the KafkaUser ${password.name} whose password it uses`,
        );
    }
    const ca = env.KAFKA_SSL_CA_FILE;
    const file = ca === undefined ? undefined : mountedSecretFile(w, ca);
    if (ca === undefined)
      problems.push(
        `${at}: no KAFKA_SSL_CA_FILE: the brokers' certificates are signed by the cluster CA (${n.caSecret}), not a public one`,
      );
    else if (!file || file.secret !== n.caSecret || file.key !== n.caKey)
      problems.push(
        `${at}: KAFKA_SSL_CA_FILE ${ca} is not key ${n.caKey} of Secret ${n.caSecret} mounted in the container`,
      );
    else if (!file.readOnly) problems.push(`${at}: the cluster CA is mounted writable`);
  }

  // Kafka Connect.
  for (const o of objects.filter((x) => x.kind === 'KafkaConnect')) {
    const at = `KafkaConnect/${o.metadata.name}`;
    const spec = specOf<KafkaConnectSpec>(o) ?? {};
    if (spec.bootstrapServers !== n.bootstrap)
      problems.push(
        `${at}: bootstrapServers ${spec.bootstrapServers ?? '(unset)'}, not the TLS listener ${n.bootstrap}`,
      );
    if (!(spec.tls?.trustedCertificates ?? []).some((c) => c.secretName === n.caSecret && c.certificate === n.caKey))
      problems.push(`${at}: tls.trustedCertificates does not name ${n.caKey} of ${n.caSecret}`);
    const auth = spec.authentication;
    if (auth?.type !== 'scram-sha-512')
      problems.push(`${at}: authentication ${auth?.type ?? '(none)'}, not scram-sha-512`);
    else {
      if (!isUser(auth.username))
        problems.push(`${at}: authentication.username ${auth.username ?? '(unset)'} is not a KafkaUser of the render`);
      if (auth.passwordSecret?.secretName !== auth.username || auth.passwordSecret?.password !== n.passwordKey) {
        problems.push(
          `${at}: authentication.passwordSecret is not key ${n.passwordKey} of the KafkaUser's Secret ${auth.username ?? ''}`,
        );
      }
    }
  }

  // KEDA's kafka triggers.
  for (const o of objects.filter((x) => x.kind === 'ScaledObject')) {
    const spec = specOf<IScaledObject['spec']>(o);
    for (const [i, t] of (spec?.triggers ?? []).entries()) {
      if (t.type !== 'kafka') continue;
      const at = `ScaledObject/${o.metadata.name} trigger ${i}`;
      const m = t.metadata;
      if (m.bootstrapServers !== n.bootstrap)
        problems.push(`${at}: bootstrapServers ${m.bootstrapServers}, not the TLS listener ${n.bootstrap}`);
      if (m.tls !== 'enable') problems.push(`${at}: tls is ${m.tls ?? '(unset)'}, not enable`);
      if (m.sasl !== 'scram_sha512') problems.push(`${at}: sasl is ${m.sasl ?? '(unset)'}, not scram_sha512`);
      const ref = t.authenticationRef;
      if (!ref) {
        problems.push(`${at}: no authenticationRef`);
        continue;
      }
      const kind = ref.kind ?? 'TriggerAuthentication';
      const auth = objects.find((x) => x.kind === kind && x.metadata.name === ref.name);
      if (kind !== 'TriggerAuthentication' || !auth) {
        problems.push(`${at}: authenticationRef ${kind} ${ref.name} is not a TriggerAuthentication of the render`);
        continue;
      }
      const a = specOf<ITriggerAuthentication['spec']>(auth) ?? {};
      const secretParam = (p: string) => (a.secretTargetRef ?? []).find((r) => r.parameter === p);
      for (const p of ['sasl', 'tls'])
        if (secretParam(p) || (a.env ?? []).some((e) => e.parameter === p))
          problems.push(
            `${at}: ${p} is set in the trigger and in TriggerAuthentication/${ref.name} (KEDA refuses both)`,
          );
      const password = secretParam('password');
      if (!password || !isUser(password.name) || password.key !== n.passwordKey)
        problems.push(
          `${at}: TriggerAuthentication/${ref.name} takes password from ${password ? `${password.name}/${password.key}` : 'nowhere'}, not a KafkaUser's Secret`,
        );
      const caRef = secretParam('ca');
      if (caRef?.name !== n.caSecret || caRef.key !== n.caKey)
        problems.push(
          `${at}: TriggerAuthentication/${ref.name} takes ca from ${caRef ? `${caRef.name}/${caRef.key}` : 'nowhere'}, not ${n.caSecret}/${n.caKey}`,
        );
      // The username: Strimzi's Secret of a SCRAM user holds none, so KEDA reads it (`env`) from a variable of the
      // scale target's container, the one that container signs in with.
      const fromEnv = (a.env ?? []).find((e) => e.parameter === 'username');
      const target = clients.find(
        (c) =>
          c.w.object.kind === (spec?.scaleTargetRef.kind ?? 'Deployment') &&
          c.w.object.metadata.name === spec?.scaleTargetRef.name &&
          !c.w.init &&
          (fromEnv?.containerName === undefined || c.w.container.name === fromEnv.containerName),
      );
      const username = fromEnv ? target?.env[fromEnv.name] : undefined;
      if (password && username !== password.name)
        problems.push(
          `${at}: TriggerAuthentication/${ref.name} signs in as ${username ?? '(no username from the target container)'}, not the KafkaUser ${password.name} whose password it uses`,
        );
    }
  }

  // The NetworkPolicies that limit these pods' egress let them reach the brokers on the TLS port (policies of pods that
  // talk to no Kafka, such as the read API's, have no brokers to reach).
  const egress = objects.filter((o) => {
    const spec = o.kind === 'NetworkPolicy' ? specOf<INetworkPolicySpec>(o) : undefined;
    return (
      spec !== undefined &&
      (spec.policyTypes ?? []).includes('Egress') &&
      clients.some((c) => selects(spec.podSelector, c.w.podLabels))
    );
  });
  for (const o of egress) {
    const rules = (specOf<INetworkPolicySpec>(o)?.egress ?? []).filter((r) =>
      (r.to ?? []).some(
        (p) =>
          p.podSelector?.matchLabels?.['strimzi.io/kind'] === 'Kafka' &&
          p.podSelector.matchLabels['strimzi.io/cluster'] === cluster,
      ),
    );
    if (!rules.some((r) => r.ports === undefined || r.ports.some((p) => p.port === tlsPort)))
      problems.push(`NetworkPolicy/${o.metadata.name}: no egress to the ${cluster} brokers on port ${tlsPort}`);
  }
  return problems;
}
