// One queue per partition: within a partition, moves from events and from timers run one at a time and in order;
// different partitions run side by side. All events of a ticket and its timer live on one partition
// (ticketPartition.ts), so two moves of the same ticket never overlap within an instance, and a timer written for a
// newer version cannot be cleared by a move of an older one.

export interface PartitionQueues {
  /** Runs `task` after every task queued before it on `partition`; a failed task does not stop the ones after it. */
  run<T>(partition: number, task: () => Promise<T>): Promise<T>;
  /** Resolves once every task queued so far, on every partition, has settled. */
  idle(): Promise<void>;
}

export function partitionQueues(): PartitionQueues {
  const tails = new Map<number, Promise<unknown>>();
  return {
    run<T>(partition: number, task: () => Promise<T>): Promise<T> {
      const tail = tails.get(partition) ?? Promise.resolve();
      const run = tail.then(task, task);
      const settled = run.catch(() => undefined);
      tails.set(partition, settled);
      // Forget a partition once its queue is empty, so revoked partitions leave nothing behind.
      void settled.then(() => {
        if (tails.get(partition) === settled) tails.delete(partition);
      });
      return run;
    },
    async idle(): Promise<void> {
      await Promise.all([...tails.values()]);
    },
  };
}
