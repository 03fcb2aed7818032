// One way for every long-running command and its loops to start, stop and clean up: what was opened is closed in
// reverse order, whatever failed; a loop never runs twice at once (its next run starts an interval after the last one
// ended); an abort signal tells loops and waits to end early. The shutdown watchdog (cli/shutdown.ts) calls stop().

export interface Lifecycle {
  /** Aborted once the command is told to stop: loops end, waits on it return early. */
  readonly signal: AbortSignal;
  stopping(): boolean;
  /** Registers a cleanup; cleanups run in reverse order of registration at close(). */
  onClose(close: () => unknown): void;
  /** Opens something and registers its cleanup: if a later step fails, close() still closes it. */
  opened<T>(value: Promise<T>, close: (value: T) => unknown): Promise<T>;
  /** Runs `task` every `intervalMs` (first after one interval, or at once with `immediately`); a run that fails is
   * reported to `onError` and the loop goes on. Ends at stop(). */
  every(intervalMs: number, task: () => Promise<unknown>, onError: (err: unknown) => void, immediately?: boolean): void;
  /** Stops the loops and aborts the signal; running tasks finish on their own. */
  stop(reason?: string): void;
  /** Stops, waits for running loop tasks, then runs every cleanup; a cleanup's failure goes to `onCleanupError`. */
  close(onCleanupError?: (err: unknown) => void): Promise<void>;
}

export function lifecycle(): Lifecycle {
  const controller = new AbortController();
  const closers: Array<() => unknown> = [];
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();

  function every(
    intervalMs: number,
    task: () => Promise<unknown>,
    onError: (err: unknown) => void,
    immediately = false,
  ) {
    const schedule = (ms: number) => {
      if (controller.signal.aborted) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run: Promise<unknown> = task()
          .catch(onError)
          .finally(() => {
            running.delete(run);
            schedule(intervalMs);
          });
        running.add(run);
      }, ms);
      timers.add(timer);
    };
    schedule(immediately ? 0 : intervalMs);
  }

  function stop(reason?: string) {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    if (!controller.signal.aborted) controller.abort(reason ?? 'stopping');
  }

  return {
    signal: controller.signal,
    stopping: () => controller.signal.aborted,
    onClose: (close) => void closers.push(close),
    async opened(value, close) {
      const v = await value;
      closers.push(() => close(v));
      return v;
    },
    every,
    stop,
    async close(onCleanupError = () => undefined) {
      stop();
      await Promise.all([...running]);
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          onCleanupError(err);
        }
      }
      closers.length = 0;
    },
  };
}
