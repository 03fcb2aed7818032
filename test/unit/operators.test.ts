// The operators' commands' pure decisions: status's rates, ETA, problems and exit code; history's buckets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countersBetween, type ProgressSample } from '../../services/core/progressSample.ts';
import { bucketize } from '../../services/history/history.ts';
import { etaOf, judge, ratesOf, type StatusReport } from '../../services/status/report.ts';

describe('status', () => {
  it('reads rates over the part of each window that had moves', () => {
    const rates = ratesOf({ m1: 1200, m5: 2400, m15: 2400, spans: { m1: 60, m5: 120, m15: 120 } });
    assert.deepEqual(
      [rates.perSecond1m, rates.perSecond5m, rates.perSecond15m],
      [20, 20, 20],
      'a backfill 2 minutes old is 2 minutes of rate',
    );
  });
  it("shows the ETA's range with its midpoint as seconds, and none while there is too little data", () => {
    const minutes = [0, 1, 2].map((minute) => ({
      minute,
      mover: 'archiver-0',
      moves: 1200,
      oldestAgoSeconds: 60 * minute + 59,
    }));
    const eta = etaOf({ remaining: 6000, minutes, dueNextHour: 0, dueNextDay: 0 });
    assert.deepEqual([eta.low, eta.high, eta.seconds], [285, 316, 301], '300 s at 20/s, at least ±5% of the rate');
    assert.deepEqual(etaOf({ remaining: 0, minutes: [], dueNextHour: 0, dueNextDay: 0 }), {
      seconds: 0,
      low: 0,
      high: 0,
      basis: 'the backlog is empty',
    });
    const early = etaOf({ remaining: 10, minutes: minutes.slice(0, 1), dueNextHour: 0, dueNextDay: 0 });
    assert.deepEqual([early.seconds, early.low, early.high], [null, null, null]);
    assert.match(early.basis, /^no estimate yet: 0 of 2 full minutes/);
  });
  const base = (over: Partial<StatusReport> = {}): Omit<StatusReport, 'problems' | 'exitCode'> => ({
    at: '2026-11-22T12:00:00.000Z',
    settings: { coldAfterMs: 1, group: 'g', topic: 't' },
    health: [
      { part: 'postgres', ok: true, detail: '' },
      { part: 'kafka', ok: true, detail: '' },
      { part: 'connector', ok: true, detail: '' },
      { part: 'cold store', ok: true, detail: '' },
    ],
    group: {
      state: 'Stable',
      members: [{ clientId: 'a', host: 'h', partitions: [0] }],
      lag: { byPartition: { 0: 0 }, total: 0 },
    },
    lastPass: { ok: true, endedAt: '2026-11-22T11:50:00.000Z', counts: {}, errors: [] },
    lastOkPass: { endedAt: '2026-11-22T11:50:00.000Z' },
    ...over,
  });
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('is healthy with every part answering, exits 1 naming each problem, 2 when a store is unreachable', () => {
    assert.deepEqual(judge(base(), 3_600_000, now), { problems: [], exitCode: 0 });
    const connectorDown = judge(
      base({
        health: [
          ...base().health.filter((h) => h.part !== 'connector'),
          { part: 'connector', ok: false, unreachable: true, detail: 'tickets-cdc: Kafka Connect is unreachable' },
        ],
      }),
      3_600_000,
      now,
    );
    assert.equal(connectorDown.exitCode, 1, 'Kafka Connect is not a store: degraded');
    assert.match(connectorDown.problems[0] ?? '', /^connector: tickets-cdc/);
    const coldDown = judge(
      base({
        health: [
          ...base().health.filter((h) => h.part !== 'cold store'),
          { part: 'cold store', ok: false, unreachable: true, detail: 'unreachable' },
        ],
      }),
      3_600_000,
      now,
    );
    assert.equal(coldDown.exitCode, 2);
    assert.match(coldDown.problems.join(), /cold store/);
  });
  it('calls an empty group with work waiting, escalations and an old or failed pass problems', () => {
    const r = judge(
      base({
        group: { state: 'Empty', members: [], lag: { byPartition: { 0: 5 }, total: 5 } },
        backlog: {
          coldStillHot: 1,
          estimate: false,
          oldestOverdueSince: null,
          timersDue: { nextHour: 0, nextDay: 0 },
          stuck: { transient: 0, permanent: 0, escalated: 2 },
          deadLetters: 0,
        },
        lastPass: { ok: false, endedAt: '2026-11-22T09:00:00.000Z', counts: {}, errors: ['cold store down'] },
        lastOkPass: { endedAt: '2026-11-22T09:00:00.000Z' },
      }),
      3_600_000,
      now,
    );
    assert.equal(r.exitCode, 1);
    assert.equal(r.problems.length, 4, r.problems.join('\n'));
    assert.equal(
      judge(base({ lastPass: null, lastOkPass: null }), 3_600_000, now).exitCode,
      0,
      'no pass recorded yet is not a problem',
    );
  });
});

describe('history', () => {
  const sample = (
    at: string,
    instance: string,
    role: ProgressSample['role'],
    archived: number,
    mode = 'open',
  ): ProgressSample => ({
    _id: `${instance}/${at}`,
    at: new Date(at),
    instance,
    role,
    moves: { archived, notCold: 1 },
    stuckRecorded: 1,
    deadLettered: 0,
    batches: { count: 2, seconds: 1 },
    lag: archived,
    throttle: { mode, rate: null },
    expireAt: new Date(at),
  });
  it('sums samples by hour, by kind of mover, with lag, time per move and throttled minutes', () => {
    const buckets = bucketize(
      [
        sample('2026-11-22T10:01:00Z', 'a', 'archiver', 10),
        sample('2026-11-22T10:02:00Z', 'b', 'backfill', 30, 'slowed'),
        sample('2026-11-22T11:00:00Z', 'a', 'archiver', 5),
      ],
      'hour',
    );
    assert.equal(buckets.length, 2);
    assert.deepEqual(
      { ...buckets[0], instances: buckets[0]?.instances },
      {
        from: '2026-11-22T10:00:00.000Z',
        archived: 40,
        byRole: { archiver: 10, backfill: 30 },
        otherOutcomes: { notCold: 2 },
        stuckRecorded: 2,
        deadLettered: 0,
        maxLag: 30,
        secondsPerMove: 0.5,
        throttledMinutes: 1,
        instances: ['a', 'b'],
      },
    );
    assert.equal(
      bucketize(
        [sample('2026-11-22T10:01:00Z', 'a', 'archiver', 10), sample('2026-11-22T23:59:00Z', 'a', 'archiver', 10)],
        'day',
      )[0]?.archived,
      20,
    );
    const minutes = bucketize(
      [
        sample('2026-11-22T10:01:10Z', 'a', 'archiver', 10),
        sample('2026-11-22T10:01:50Z', 'b', 'archiver', 10),
        sample('2026-11-22T10:02:00Z', 'a', 'archiver', 10),
      ],
      'minute',
    );
    assert.deepEqual(
      minutes.map((b) => [b.from, b.archived]),
      [
        ['2026-11-22T10:01:00.000Z', 20],
        ['2026-11-22T10:02:00.000Z', 10],
      ],
    );
  });
  it("takes what happened between two readings of a mover's counters", () => {
    const d = countersBetween(
      { moves: { archived: 10, notCold: 2 }, stuckRecorded: 1, deadLettered: 0, batches: { count: 3, seconds: 1.5 } },
      {
        moves: { archived: 25, notCold: 2, stuck: 1 },
        stuckRecorded: 2,
        deadLettered: 1,
        batches: { count: 5, seconds: 2.25 },
      },
    );
    assert.deepEqual(d, {
      moves: { archived: 15, stuck: 1 },
      stuckRecorded: 1,
      deadLettered: 1,
      batches: { count: 2, seconds: 0.75 },
    });
  });
});
