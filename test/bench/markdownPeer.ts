// RESULTS.md's section on the peer: the MongoDB Kafka sink connector replicating the tickets topic into the cold store.
import type { PeerResult } from './peerStage.ts';

export function peerMarkdown(r: PeerResult): string[] {
  const cpu = Object.entries(r.cpuByComponent)
    .filter(([, s]) => s >= 0.1)
    .sort((a, b) => b[1] - a[1])
    .map(([c, s]) => `${c} ${s.toFixed(1)} s`);
  return [
    `## The peer: ${r.contender}`,
    '',
    `${r.docs.toLocaleString('en-US')} documents of ${r.data.total.toLocaleString('en-US')} tickets in ` +
      `${r.seconds.toFixed(1)} s from the sink's start: **${r.ticketsPerSecond.toFixed(0)} tickets/s**` +
      (r.steadyTicketsPerSecond === null
        ? ''
        : ` (${r.steadyTicketsPerSecond.toFixed(0)}/s after its first document at ${r.firstDocSeconds?.toFixed(1)} s)`) +
      `${r.complete ? '' : ', **incomplete**'}; ${r.topicMessages.toLocaleString('en-US')} events over ` +
      `${r.partitions} partitions and as many tasks, into \`${r.target.database}.${r.target.collection}\` ` +
      `(indexes: ${r.target.indexes.join(', ') || 'none'}); the sink group's committed lag at that moment ${r.lagAtEnd} (offsets are committed every 5 s).`,
    '',
    ...(cpu.length > 0 ? [`CPU during the copy: ${cpu.join(', ')}.`, ''] : []),
    ...(r.errors.length > 0 ? ['Errors:', '', ...r.errors.map((e) => `- ${e}`), ''] : ['No errors.', '']),
    ...r.notes.map((n) => `- ${n}`),
    '',
    '| property | value | why |',
    '| --- | --- | --- |',
    ...r.config.map((p) => `| \`${p.key}\` | \`${p.value}\` | ${p.why} |`),
    '',
  ];
}
