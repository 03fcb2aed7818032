// A consumer group's committed lag per partition: the end of each partition minus the group's committed offset (the
// partition's start when nothing is committed). The same numbers Kafka's consumer-group tool and a KEDA kafka scaler see.
import type { Admin } from 'kafkajs';
import { guardedKafka } from './client.ts';

export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [committed, ends] = await guardedKafka(`reading the lag of ${groupId}`, () =>
    Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]),
  );
  const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  const lag = new Map<number, number>();
  for (const end of ends) {
    const c = byPartition.get(end.partition) ?? -1;
    const start = c >= 0 ? c : Number(end.low);
    lag.set(end.partition, Math.max(0, Number(end.high) - start));
  }
  return lag;
}
