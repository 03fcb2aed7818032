import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyUndeleted, classifyUnread } from '../../services/core/move/outcome.ts';
import { shapeDifference } from '../../services/core/move/tableShape.ts';
import { classifyFailure } from '../../services/core/failureClass.ts';
import { copyIsStale, readStamp } from '../../services/core/move/copyOrder.ts';
import type { HotState, LedgerEntry } from '../../services/core/move/ports.ts';

const DAY = 86_400_000;
const state = (over: Partial<HotState> = {}): HotState => ({
  id: '1',
  version: '5',
  closed: true,
  lastOperatedAt: '2026-01-01 00:00:00+00',
  cold: true,
  heldUntil: null,
  ...over,
});
const ledger = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: '1',
  version: '5',
  state: 'archived',
  holdUntil: null,
  ...over,
});

describe('classifyUnread (a candidate the re-read did not return)', () => {
  it('gone: confirms the archive when the ledger has it, otherwise nothing to do', () => {
    assert.deepEqual(classifyUnread('1', undefined, ledger(), 30 * DAY), {
      id: '1',
      outcome: 'gone',
      archivedVersion: '5',
    });
    assert.deepEqual(classifyUnread('1', undefined, undefined, 30 * DAY), { id: '1', outcome: 'gone' });
  });
  it('reopened tickets are not cold; held ones wait for the hold; early timers are set again for the due time', () => {
    assert.equal(classifyUnread('1', state({ closed: false, cold: false }), undefined, DAY).outcome, 'notCold');
    const held = classifyUnread('1', state({ heldUntil: '2026-02-01 00:00:00+00' }), undefined, DAY);
    assert.equal(held.outcome, 'held');
    assert.equal(held.retryAfter, '2026-02-01 00:00:00+00');
    const early = classifyUnread(
      '1',
      state({ cold: false, lastOperatedAt: '2026-01-01 00:00:00.5+00' }),
      undefined,
      DAY,
    );
    assert.equal(early.outcome, 'notDue');
    assert.equal(early.retryAfter, '2026-01-02T00:00:00.500Z');
  });
});

describe('classifyUndeleted (copied, but the hot row was not deleted)', () => {
  const copied = { id: '1', version: '5' };
  it('unchanged and cold but skipped: a locked row, stuck for the reconciler', () => {
    const o = classifyUndeleted(copied, state(), undefined, undefined);
    assert.equal(o.outcome, 'stuck');
    assert.match(o.reason ?? '', /locked/);
  });
  it('unchanged and cold but refused: stuck with the database error', () => {
    const o = classifyUndeleted(copied, state(), undefined, {
      ...copied,
      code: '23503',
      message: 'violates foreign key constraint',
    });
    assert.deepEqual([o.outcome, o.code], ['stuck', '23503']);
  });
  it('changed, reopened or held meanwhile: stays hot, the copy goes', () => {
    assert.equal(classifyUndeleted(copied, state({ version: '6' }), undefined, undefined).outcome, 'changed');
    assert.equal(
      classifyUndeleted(copied, state({ closed: false, cold: false }), undefined, undefined).outcome,
      'changed',
    );
    assert.equal(
      classifyUndeleted(copied, state({ heldUntil: '2030-01-01 00:00:00+00' }), undefined, undefined).outcome,
      'changed',
    );
  });
  it('gone: another mover archived this version, or the business deleted it', () => {
    assert.equal(classifyUndeleted(copied, undefined, ledger(), undefined).outcome, 'alreadyArchived');
    assert.equal(
      classifyUndeleted(copied, undefined, ledger({ version: '4' }), undefined).outcome,
      'deletedByBusiness',
    );
    assert.equal(classifyUndeleted(copied, undefined, undefined, undefined).outcome, 'deletedByBusiness');
  });
});

describe('classifyFailure', () => {
  it('retries locks, timeouts and lost connections; escalates constraint and privilege errors', () => {
    for (const code of ['55P03', '57014', '40P01', '08006', 'ECONNREFUSED'])
      assert.equal(classifyFailure(code), 'transient', code);
    for (const code of ['23503', '42501', '23514']) assert.equal(classifyFailure(code), 'permanent', code);
    assert.equal(classifyFailure(undefined, 'Connection terminated unexpectedly'), 'transient');
  });
});

describe('shapeDifference (the table as copied against the table at delete time)', () => {
  it('names added, dropped and retyped columns, and nothing when the shape is the same', () => {
    const copied = { id: 'bigint', status: 'text', body: 'text' };
    assert.deepEqual(shapeDifference(copied, { ...copied }), []);
    assert.deepEqual(shapeDifference(copied, { ...copied, priority: 'text' }), ['priority']);
    assert.deepEqual(shapeDifference(copied, { id: 'bigint', status: 'text' }), ['body']);
    assert.deepEqual(shapeDifference(copied, { ...copied, status: 'character varying(20)' }), ['status']);
  });
});

describe('copyIsStale (a copy already in the cold store against a fresh copy of the hot row)', () => {
  const fresh = { version: '5', archive: { contentHash: 'new', readStamp: 100n } };
  const existing = (version: string, state: 'copied' | 'archived', contentHash: string, readStamp: bigint) => ({
    version,
    archive: { state, contentHash, readStamp },
  });
  it('gives way to another version read earlier, or to the same version with other content while still only a copy', () => {
    assert.equal(copyIsStale(existing('4', 'archived', 'x', 50n), fresh), true, 'an earlier read of another version');
    assert.equal(copyIsStale(existing('5', 'copied', 'old', 100n), fresh), true, 'the same version, other content');
  });
  it('stays when it is the same copy, one read later, or an archive of the same version', () => {
    assert.equal(copyIsStale(existing('5', 'copied', 'new', 100n), fresh), false);
    assert.equal(copyIsStale(existing('6', 'copied', 'old', 150n), fresh), false, 'read after the fresh one: newer');
    assert.equal(copyIsStale(existing('5', 'archived', 'old', 90n), fresh), false);
  });
  it('orders reads by their snapshot: a later xmax, or at the same xmax fewer transactions in progress', () => {
    assert.ok(readStamp(1000n, 3) < readStamp(1001n, 40));
    assert.ok(readStamp(1000n, 3) < readStamp(1000n, 2));
  });
});
