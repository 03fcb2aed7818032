// The readable `status` screen.
import { humanSeconds } from '../core/humanDuration.ts';
import type { StatusReport } from './report.ts';

const n = (x: number) => x.toLocaleString('en');

function ago(iso: string, now: number): string {
  return `${humanSeconds(Math.max(0, (now - Date.parse(iso)) / 1000))} ago`;
}

/** "1 h 10 min – 1 h 25 min": the range, each end as an operator reads a duration. */
function etaText(eta: NonNullable<StatusReport['eta']>): string {
  if (eta.low === null || eta.high === null) return 'no estimate';
  if (eta.high === 0) return 'now';
  const [low, high] = [humanSeconds(eta.low), humanSeconds(eta.high)];
  return low === high ? low : `${low} – ${high}`;
}

export function renderStatus(r: StatusReport): string {
  const now = Date.parse(r.at);
  const out: string[] = [];
  out.push(
    `ticket-archiver status  ${r.at.replace('T', ' ').slice(0, 19)} UTC   (COLD_AFTER ${humanSeconds(r.settings.coldAfterMs / 1000)}, group ${r.settings.group}, topic ${r.settings.topic})`,
    '',
  );
  out.push('Health');
  for (const h of r.health)
    out.push(
      `  ${h.part.padEnd(18)} ${(h.ok ? 'ok' : h.unreachable ? 'UNREACHABLE' : 'PROBLEM').padEnd(12)} ${h.detail}`,
    );
  if (r.group) {
    out.push(
      '',
      `Archiver group ${r.settings.group} (${r.group.state}, ${r.group.members.length} member${r.group.members.length === 1 ? '' : 's'})`,
    );
    for (const m of r.group.members)
      out.push(`  ${m.clientId.padEnd(40)} ${m.host.padEnd(18)} partitions ${m.partitions.join(',') || '-'}`);
    out.push(
      `  lag by partition  ${Object.entries(r.group.lag.byPartition)
        .map(([p, l]) => `${p}:${n(l)}`)
        .join('  ')}   total ${n(r.group.lag.total)}`,
    );
  }
  if (r.backlog) {
    const b = r.backlog;
    out.push('', 'Backlog');
    out.push(
      `  cold but still hot   ${n(b.coldStillHot)}${b.estimate ? ' (about: extrapolated from the first 10,000 candidates; --count counts them all)' : ' (counted through the index of candidates)'}`,
    );
    out.push(
      `  oldest overdue       ${b.oldestOverdueSince ? `cold since ${b.oldestOverdueSince.replace('T', ' ').slice(0, 19)} UTC (${ago(b.oldestOverdueSince, now)})` : 'none'}`,
    );
    out.push(
      `  timers due           ${n(b.timersDue.nextHour)} in the next hour, ${n(b.timersDue.nextDay)} in the next day`,
    );
    out.push(
      `  stuck deletions      ${n(b.stuck.transient)} transient, ${n(b.stuck.permanent)} permanent, ${n(b.stuck.escalated)} escalated`,
    );
    out.push(`  dead letters         ${b.deadLetters === null ? 'unknown (Kafka unreachable)' : n(b.deadLetters)}`);
  }
  if (r.lastPass !== undefined) {
    out.push(
      `  last reconcile pass  ${
        r.lastPass
          ? `${r.lastPass.ok ? 'ok' : 'FAILED'}, ended ${ago(r.lastPass.endedAt, now)} (${
              Object.entries(r.lastPass.counts)
                .filter(([, v]) => v > 0)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'nothing to do'
            })`
          : 'none recorded yet'
      }`,
    );
  }
  if (r.rates && r.eta) {
    out.push('', 'Rate and ETA');
    out.push(
      `  moves per second     1 min ${r.rates.perSecond1m}   5 min ${r.rates.perSecond5m}   15 min ${r.rates.perSecond15m}   (${r.rates.basis})`,
    );
    out.push(`  ETA to empty backlog ${etaText(r.eta)}   (${r.eta.basis})`);
  }
  out.push(
    '',
    r.problems.length === 0 ? 'Healthy.' : `Problems (exit ${r.exitCode}):`,
    ...r.problems.map((p) => `  - ${p}`),
  );
  return out.join('\n');
}
