// The goals of issue 26, each measured by the run or "not measured": reported, never asserted.
import { headline, type BenchRun } from './headline.ts';
import { round } from './stats.ts';

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export function goals(run: BenchRun): Goal[] {
  const h = headline(run);
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
  const slower = h.slowerCeilingPerSecond;
  const fmt = (n: number | null, unit = '') => (n === null ? 'not measured' : `${round(n, 2)}${unit}`);
  const goal = (name: string, target: string, n: number | null, ok: (n: number) => boolean, unit = ''): Goal => ({
    goal: name,
    target,
    measured: fmt(n, unit),
    met: n === null ? null : ok(n),
  });
  const path = `${h.backfillPath} backfill`;
  const eta = h.etaWithinRangeFrom25Percent;
  return [
    goal(
      `${path} throughput vs slower store ceiling`,
      '>= 0.6x',
      ratio(h.backfillTicketsPerSecond, slower),
      (n) => n >= 0.6,
      'x',
    ),
    goal(
      `${path} throughput vs direct batch copier`,
      '>= 1.0x',
      ratio(h.backfillTicketsPerSecond, h.copierTicketsPerSecond),
      (n) => n >= 1,
      'x',
    ),
    goal(
      `${path} throughput vs the peer (MongoDB Kafka sink)`,
      '>= 1.0x',
      ratio(h.backfillTicketsPerSecond, h.peerTicketsPerSecond),
      (n) => n >= 1,
      'x',
    ),
    goal(
      'business p99 vs quiet, throttle on (median of window pairs)',
      '<= 1.2x',
      h.throttledLiveTrafficP99Ratio,
      (n) => n <= 1.2,
      'x',
    ),
    goal(`business p99 vs quiet, ${path} at full speed`, '<= 1.5x', h.directLiveTrafficP99Ratio, (n) => n <= 1.5, 'x'),
    goal('cold customer page p99 vs hot', '<= 2x', ratio(h.coldPageP99Ms, h.hotPageP99Ms), (n) => n <= 2, 'x'),
    goal('freshness p99', '<= 1 s', h.freshnessP99Seconds, (n) => n <= 1, ' s'),
    goal(
      `peak resident memory of the movers (${h.compiled ? 'compiled' : 'under tsx'})`,
      '<= 200 MB',
      h.backfillPeakRssMB,
      (n) => n <= 200,
      ' MB',
    ),
    goal('throughput at the largest growth size vs the smallest', '>= 0.9x', h.growthRatio, (n) => n >= 0.9, 'x'),
    goal(
      'status time at the largest size vs the smallest (fastest runs)',
      '<= 1.2x',
      h.statusGrowthRatio,
      (n) => n <= 1.2,
      'x',
    ),
    goal(
      'plan time at the largest size vs the smallest (fastest runs)',
      '<= 1.2x',
      h.planGrowthRatio,
      (n) => n <= 1.2,
      'x',
    ),
    {
      goal: 'true remaining time inside the stated ETA range from 25% on',
      target: 'yes',
      measured: eta === null ? 'not measured' : eta ? 'yes' : 'no',
      met: eta,
    },
    goal('ETA range width from 25% on', '<= ±15%', h.etaWidestPercentFrom25, (n) => n <= 15, '%'),
  ];
}
