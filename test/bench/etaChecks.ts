// The benchmark's check of `ticket-archiver status`'s ETA: what it stated at a checkpoint of a backfill (a range, or
// no estimate and why) against the time the backfill really took from there: inside the range or not, how wide the
// range was, and the summary the headline needs from 25% of the backfill on (issue 26's goal: inside, no wider than
// ±15%).

/** What `status --json` said of the ETA: its range (seconds; null without an estimate), the midpoint, the basis. */
export interface StatusEta {
  etaSeconds: number | null;
  low: number | null;
  high: number | null;
  basis: string;
  /** When status read the stores (its report's `at`, epoch ms): the moment its ETA counts from. */
  answeredAtMs: number | null;
}

/** A checkpoint: the share of the cold tickets moved when status was asked, and when (seconds into the backfill). */
export interface EtaAsked extends StatusEta {
  fraction: number;
  atSeconds: number;
}

export interface EtaCheck extends EtaAsked {
  /** Seconds from status's answer to the backfill's last move. */
  actualSeconds: number;
  /** (midpoint - actual) / actual, in percent. */
  errorPercent: number | null;
  /** The actual remaining time inside [low, high]; null when status gave no estimate. */
  withinRange: boolean | null;
  /** The range's half-width as a share of its midpoint, in percent (±). */
  widthPercent: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Reads status's answer (the last line of its stdout is the JSON report). */
export function statusEtaOf(stdout: string, code: number | null): StatusEta {
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    at?: string;
    eta?: { seconds: number | null; low?: number | null; high?: number | null; basis: string };
    backlog?: { estimate?: boolean };
  };
  // status estimates the backlog by default (issue 24; before, it counted): the basis says which this ETA rests on.
  const backlog = report.backlog?.estimate === false ? 'backlog counted' : 'backlog estimated';
  const at = report.at ? Date.parse(report.at) : NaN;
  return {
    etaSeconds: report.eta?.seconds ?? null,
    low: report.eta?.low ?? null,
    high: report.eta?.high ?? null,
    basis: report.eta ? `${report.eta.basis}; ${backlog}` : `no ETA (exit ${code})`,
    answeredAtMs: Number.isFinite(at) ? at : null,
  };
}

/** A checkpoint judged against the backfill's end: `endSeconds` after `beganAtMs` (epoch ms) it made its last move.
 * The remaining time counts from status's own answer when it gave one (a status process takes seconds to start),
 * else from when it was asked. */
export function etaCheck(asked: EtaAsked, beganAtMs: number, endSeconds: number): EtaCheck {
  const from = asked.answeredAtMs === null ? asked.atSeconds : (asked.answeredAtMs - beganAtMs) / 1000;
  const actualSeconds = endSeconds - from;
  const { low, high } = asked;
  const ranged = low !== null && high !== null;
  return {
    ...asked,
    actualSeconds,
    errorPercent:
      asked.etaSeconds === null || actualSeconds <= 0
        ? null
        : round1(((asked.etaSeconds - actualSeconds) / actualSeconds) * 100),
    withinRange: ranged ? low <= actualSeconds && actualSeconds <= high : null,
    widthPercent: ranged && low + high > 0 ? round1(((high - low) / (high + low)) * 100) : null,
  };
}

/** One log line a checkpoint. */
export function etaLine(e: EtaCheck): string {
  const stated = e.low === null ? 'no estimate' : `${e.low}-${e.high} s (±${e.widthPercent}%)`;
  const inside = e.withinRange === null ? '' : e.withinRange ? ', inside' : ', OUTSIDE';
  return `ETA at ${round1(e.fraction * 100)}%: ${stated}, took ${e.actualSeconds.toFixed(0)} s${inside}`;
}

const from25 = (checks: readonly EtaCheck[] | undefined) => (checks ?? []).filter((e) => e.fraction >= 0.25);

/** results.json's `etaWithinRangeFrom25Percent`: every checkpoint from 25% on had an estimate and the true remaining
 * time inside it (a checkpoint without an estimate fails it: it held nothing); null when none was asked. */
export function etaWithinRangeFrom25Percent(checks: readonly EtaCheck[] | undefined): boolean | null {
  const asked = from25(checks);
  return asked.length === 0 ? null : asked.every((e) => e.withinRange === true);
}

/** The widest range from 25% on, ± percent of its midpoint (the goal: no wider than ±15%); null without a range. */
export function etaWidestPercentFrom25(checks: readonly EtaCheck[] | undefined): number | null {
  const widths = from25(checks).flatMap((e) => (e.widthPercent === null ? [] : [e.widthPercent]));
  return widths.length === 0 ? null : Math.max(...widths);
}

/** The checkpoints from 25% on where status gave no estimate (said beside a failed `etaWithinRangeFrom25Percent`). */
export function etaNoneFrom25(checks: readonly EtaCheck[] | undefined): number {
  return from25(checks).filter((e) => e.withinRange === null).length;
}
