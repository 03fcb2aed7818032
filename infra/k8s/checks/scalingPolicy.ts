// The scaling policy: KEDA's ScaledObject checked against the topic and the group the archiver really reads.
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import { archiverSchema } from '../../../services/archiver/settings.ts';
import { ticketsTopicOf } from '../../../services/edges/kafkaConnect/index.ts';
import { standInSecret } from './programs.ts';
import { specOf, type K8sObject } from './render.ts';
import { renderedSpec } from './specPolicy.ts';
import { containerEnv, workloads } from './workloads.ts';

/** The part of Strimzi's KafkaTopic these rules read (Strimzi publishes no TypeScript model). */
interface KafkaTopicSpec {
  topicName?: string;
  partitions?: number;
}

/** KEDA scales the archiver within its topic's partitions, on the group and topic the archiver really uses. */
export function scalingPolicy(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const archiver = workloads(objects).find((w) => w.container.command?.[1] === 'archive');
  if (!archiver) return ['no archiver container among the rendered objects'];
  const { env } = containerEnv(objects, archiver, (r) => standInSecret(r.variable));
  const settings = archiverSchema.partial().parse(env);
  // As the archiver takes it: TICKETS_TOPIC, else the connector's topic of the spec's table (cli/archiveSpec.ts).
  const archiveSpec = renderedSpec(objects);
  const topic = settings.TICKETS_TOPIC ?? (archiveSpec && ticketsTopicOf(archiveSpec));
  if (!topic) return ["the archiver's topic is unknown: the render has no one valid archive spec (specPolicy)"];
  const kafkaTopic = objects.find(
    (o) => o.kind === 'KafkaTopic' && (specOf<KafkaTopicSpec>(o)?.topicName ?? o.metadata.name) === topic,
  );
  if (!kafkaTopic) return [`no KafkaTopic declares ${topic}`];
  const partitions = specOf<KafkaTopicSpec>(kafkaTopic)?.partitions ?? 0;
  const scaled = objects.filter(
    (o) =>
      o.kind === 'ScaledObject' &&
      specOf<IScaledObject['spec']>(o)?.scaleTargetRef.name === archiver.object.metadata.name,
  );
  if (scaled.length !== 1)
    return [`expected one ScaledObject on ${archiver.object.metadata.name}, found ${scaled.length}`];
  const spec = specOf<IScaledObject['spec']>(scaled[0]!)!;
  const max = spec.maxReplicaCount ?? 100;
  const min = spec.minReplicaCount ?? 0;
  if (!(max <= partitions))
    problems.push(`ScaledObject maxReplicaCount ${max} exceeds the ${partitions} partitions of ${topic}`);
  if (!(min >= 1)) problems.push(`ScaledObject minReplicaCount ${min}: due timers need a live archiver at zero lag`);
  const replicas = specOf<IDeploymentSpec>(archiver.object)?.replicas ?? 1;
  if (replicas > partitions)
    problems.push(`Deployment replicas ${replicas} exceeds the ${partitions} partitions of ${topic}`);
  if (!spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown)
    problems.push('ScaledObject does not damp scale-down (advanced.horizontalPodAutoscalerConfig.behavior.scaleDown)');
  const triggers = spec.triggers.filter((t) => t.type === 'kafka');
  if (triggers.length === 0) problems.push('ScaledObject has no kafka trigger');
  const group = settings.ARCHIVER_GROUP_ID ?? 'ticket-archiver';
  for (const t of triggers) {
    const m = t.metadata;
    if (m.topic !== topic) problems.push(`kafka trigger topic ${m.topic} is not the archiver's ${topic}`);
    if (m.consumerGroup !== group)
      problems.push(`kafka trigger group ${m.consumerGroup} is not the archiver's ${group}`);
    if (m.bootstrapServers !== env.KAFKA_BROKERS)
      problems.push(
        `kafka trigger brokers ${m.bootstrapServers} are not the archiver's ${env.KAFKA_BROKERS ?? '(unset)'}`,
      );
  }
  return problems;
}
