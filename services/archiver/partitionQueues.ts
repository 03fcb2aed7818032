// One queue per partition: within a partition, moves from events and from timers run one at a time and in order;
// different partitions run side by side. All events of a ticket and its timer live on one partition
// (ticketPartition.ts), so two moves of the same ticket never overlap within an instance, and a timer written for a
// newer version cannot be cleared by a move of an older one.

export interface PartitionQueues {
  /** Runs `task` after every task queued before it on `partition`; a failed task does not stop the ones after it. */
  run<T>(partition: number, task: () => Promise<T>): Promise<T>;
  /** Runs `task` once every task queued before it on any of `partitions` has settled; tasks queued after it on any
   * of them wait for it. One move for the due timers of several partitions, still in order on each. */
  runAcross<T>(partitions: number[], task: () => Promise<T>): Promise<T>;
  /** Resolves once every task queued so far, on every partition, has settled. */
  idle(): Promise<void>;
}

export function partitionQueues(): PartitionQueues {
  const tails = new Map<number, Promise<unknown>>();
  function runAcross<T>(partitions: number[], task: () => Promise<T>): Promise<T> {
    const keys = [...new Set(partitions)];
    const before = Promise.all(keys.map((p) => tails.get(p) ?? Promise.resolve()));
    const run = before.then(() => task());
    const settled = run.catch(() => undefined);
    for (const p of keys) tails.set(p, settled);
    // Forget a partition once its queue is empty, so revoked partitions leave nothing behind.
    void settled.then(() => {
      for (const p of keys) if (tails.get(p) === settled) tails.delete(p);
    });
    return run;
  }
  return {
    run: (partition, task) => runAcross([partition], task),
    runAcross,
    async idle(): Promise<void> {
      await Promise.all([...tails.values()]);
    },
  };
}
