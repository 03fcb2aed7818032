import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { eventKeyBytes } from '../../services/core/spec/ticketKeys.ts';
import { ticketPartition } from '../../services/core/ticketPartition.ts';

const ticketKey = (id: number) => eventKeyBytes({ column: 'id', type: 'bigint' }, String(id));

describe('ticketPartition', () => {
  it('agrees with the Java-compatible default partitioner for many ids and partition counts', () => {
    const javaCompatible = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 6, 7, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({
        partitionId: i,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [],
        isr: [],
      }));
      for (let id = 1; id < 3000; id += 7) {
        const expected = javaCompatible({
          topic: 't',
          partitionMetadata,
          message: { key: ticketKey(id), value: null },
        });
        assert.equal(ticketPartition(ticketKey(id), partitions), expected, `id ${id} over ${partitions}`);
      }
    }
  });
});
