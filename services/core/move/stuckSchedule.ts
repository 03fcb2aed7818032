// When a stuck deletion is tried again, and when it goes to an operator instead. Pure, with injected randomness.
import { backoffDelay } from '../retry.ts';
import type { FailureClass } from '../failureClass.ts';

export interface StuckPolicy {
  baseMs: number;
  maxMs: number;
  maxPermanentAttempts: number;
}

export function nextStuckAttempt(
  attempts: number,
  failureClass: FailureClass,
  policy: StuckPolicy,
  nowMs: number,
  random: () => number = Math.random,
): { escalated: boolean; nextAttemptAt: Date } {
  // Permanent failures cannot cure themselves: a few attempts (an operator may have fixed the cause), then escalate.
  if (failureClass === 'permanent' && attempts >= policy.maxPermanentAttempts) {
    return { escalated: true, nextAttemptAt: new Date(nowMs + policy.maxMs) };
  }
  const delay = backoffDelay({ initialDelayMs: policy.baseMs, maxDelayMs: policy.maxMs, factor: 2 }, attempts, random);
  return { escalated: false, nextAttemptAt: new Date(nowMs + delay) };
}
