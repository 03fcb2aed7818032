// The members of a consumer group and the partitions each owns, as Kafka's coordinator reports them.
import kafkajs, { type Admin } from 'kafkajs';
import { guardedKafka } from './client.ts';

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  partitions: number[];
}

export async function groupMembers(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ state: string; members: GroupMember[] }> {
  const described = await guardedKafka(`describing group ${groupId}`, () => admin.describeGroups([groupId]));
  const group = described.groups[0];
  return {
    state: group?.state ?? 'Unknown',
    members: (group?.members ?? []).map((m) => {
      const assignment =
        m.memberAssignment.length > 0 ? kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      return {
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b),
      };
    }),
  };
}

/** Messages a topic holds now (the sum over its partitions of high minus low watermark). */
export async function topicMessages(admin: Admin, topic: string): Promise<number> {
  const offsets = await guardedKafka(`reading the offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
  return offsets.reduce((n, p) => n + Math.max(0, Number(p.high) - Number(p.low)), 0);
}
