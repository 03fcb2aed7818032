// Retrying with exponential backoff and full jitter, configured by the caller (after kafkajs's retry module).
// Only what retrying can cure is retried (errors.ts); anything else is rethrown at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetriable as retriableByDefault, RetryAbandonedError } from './errors.ts';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** undefined: retry until `shouldContinue` says stop. */
  maxAttempts?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 10_000, factor: 2 };

/** Delay before attempt `attempt` (1-based retry count), with jitter: uniform in [half, all] of the capped exponential. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

export interface RetryHooks {
  /** Checked before each retry; false abandons (e.g. shutting down, partition revoked). */
  shouldContinue?: () => boolean;
  /** Called after each failure with the attempt number and the delay before the next one. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /** Whether an error is worth retrying at all (default: errors.ts's isRetriable); others are rethrown at once. */
  isRetriable?: (err: unknown) => boolean;
  sleep?: (ms: number) => Promise<unknown>;
}

export async function withRetry<T>(work: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  const retriable = hooks.isRetriable ?? retriableByDefault;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!retriable(err)) throw err;
      if (policy.maxAttempts !== undefined && attempt >= policy.maxAttempts) throw err;
      if (hooks.shouldContinue && !hooks.shouldContinue()) throw new RetryAbandonedError('retry abandoned', err);
      const delay = backoffDelay(policy, attempt);
      await hooks.onRetry?.(err, attempt, delay);
      await wait(delay);
      if (hooks.shouldContinue && !hooks.shouldContinue()) throw new RetryAbandonedError('retry abandoned', err);
    }
  }
}
