// A ticket's parts in the spec and in a move: the parts' order (reads and restores parents first, deletes leaves
// first), which foreign keys a part carries, the aggregate's hash and manifest, what a move does when a part changed,
// and how the spec names a bad part.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { aggregateHash, partsManifest, sameParts, type TicketParts } from '../../services/core/move/aggregate.ts';
import { contentHash } from '../../services/core/move/coldDocument.ts';
import { planFollowUp, PARTS_SETTLE_MS } from '../../services/core/move/followUp.ts';
import { classifyUndeleted, PARTS_CHANGED } from '../../services/core/move/outcome.ts';
import { archiveSpecSchema, specProblems } from '../../services/core/spec/archiveSpec.ts';
import { carried, deleteOrder, partPlans } from '../../services/core/spec/partPlan.ts';
import { defaultSpec } from '../support/specs.ts';

const part = (name: string, table: string, link: string, parts: object[] = []) => ({
  name,
  table,
  key: { column: 'id', type: 'integer' },
  link: { column: link },
  parts,
});
const spec = archiveSpecSchema.parse({
  ...defaultSpec,
  table: 'zammad.tickets',
  key: { column: 'id', type: 'integer' },
  parts: [
    part('articles', 'zammad.ticket_articles', 'ticket_id', [
      part('flags', 'zammad.ticket_article_flags', 'ticket_article_id'),
      { ...part('attachments', 'zammad.stores', 'o_id'), key: { column: 'id', type: 'bigint' } },
    ]),
    part('time', 'zammad.ticket_time_accountings', 'ticket_id'),
  ],
});

describe('the parts of the spec', () => {
  it('are read and restored parents first, deleted leaves first (a later sibling before an earlier one)', () => {
    const plans = partPlans(spec);
    assert.deepEqual(
      plans.map((p) => p.path),
      ['articles', 'articles.flags', 'articles.attachments', 'time'],
    );
    assert.deepEqual(
      deleteOrder(plans).map((p) => p.path),
      ['time', 'articles.attachments', 'articles.flags', 'articles'],
    );
    assert.equal(plans[1]?.parentKeyType, 'integer', "a level-2 link holds the article's key");
    assert.equal(plans[0]?.parentKeyType, 'integer');
  });

  it('carry exactly the foreign keys whose column is a child part’s link to the parent’s key', () => {
    const children = partPlans(spec).filter((p) => p.parent === null);
    const fk = (name: string, column: string, ref = 'id') => ({
      table: { schema: 'zammad', name },
      columns: [column],
      references: [ref],
    });
    assert.equal(carried(fk('ticket_articles', 'ticket_id'), 'id', children), true);
    assert.equal(carried(fk('ticket_articles', 'created_by_id'), 'id', children), false, 'another column');
    assert.equal(carried(fk('checklist_items', 'ticket_id'), 'id', children), false, 'a table the spec leaves out');
    assert.equal(carried(fk('ticket_articles', 'ticket_id', 'number'), 'id', children), false, 'another key');
  });

  it('name the field of every mistake', () => {
    const bad = archiveSpecSchema.safeParse({
      ...defaultSpec,
      table: 'public.tickets',
      parts: [
        { ...part('articles', 'nodot', 'ticket_id'), link: { column: 'ticket_id', where: 'a; DROP TABLE x' } },
        part('attachments', 'public.x', 'y'),
        { ...part('Bad-name', 'public.y', 'z') },
      ],
    });
    assert.equal(bad.success, false);
    const problems = specProblems(bad.error).join('\n');
    assert.match(problems, /parts\.0\.table: expected schema\.table/);
    assert.match(problems, /parts\.0\.link\.where: one condition, without ";"/);
    assert.match(problems, /parts\.2\.name: expected a name/);
    const twice = archiveSpecSchema.safeParse({
      ...defaultSpec,
      table: 'public.tickets',
      parts: [part('articles', 'public.x', 'y'), part('articles', 'public.z', 'y')],
    });
    assert.match(specProblems(twice.error!).join('\n'), /^parts: part names must differ$/);
  });

  it('default to none: a spec without parts is the root row alone, as before', () => {
    assert.deepEqual(defaultSpec.parts, []);
    assert.deepEqual(partPlans(defaultSpec), []);
  });
});

const rowArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.option(fc.string(), { nil: null }), {
  maxKeys: 4,
});
const partsArb: fc.Arbitrary<TicketParts> = fc.record({
  articles: fc.uniqueArray(
    fc.record({ key: fc.nat().map(String), parent: fc.constant('7'), version: fc.nat().map(String), row: rowArb }),
    { selector: (r) => r.key, maxLength: 5 },
  ),
});

describe('the aggregate', () => {
  it('hashes the root alone as before, and the whole aggregate otherwise', () => {
    const row = { id: '7', subject: 'printer' };
    assert.equal(aggregateHash(row), contentHash(row), 'no parts: the row hash every existing archive holds');
    assert.notEqual(aggregateHash(row, {}), contentHash(row));
  });

  it('changes its hash with any part row, key or version, never with the order rows were read in', () => {
    fc.assert(
      fc.property(partsArb, fc.nat(), (parts, n) => {
        const rows = parts.articles ?? [];
        const reversed = { articles: [...rows].reverse() };
        assert.equal(aggregateHash({ id: '7' }, parts), aggregateHash({ id: '7' }, reversed));
        assert.deepEqual(partsManifest(parts), partsManifest(reversed));
        if (rows.length === 0) return;
        const i = n % rows.length;
        const bumped = { articles: rows.map((r, j) => (j === i ? { ...r, version: `${r.version}x` } : r)) };
        assert.notEqual(aggregateHash({ id: '7' }, parts), aggregateHash({ id: '7' }, bumped));
        assert.equal(sameParts(partsManifest(parts), partsManifest(bumped)), false, 'an updated row');
        const fewer = { articles: rows.filter((_, j) => j !== i) };
        assert.equal(sameParts(partsManifest(parts), partsManifest(fewer)), false, 'a removed row');
        assert.equal(sameParts(partsManifest(fewer), partsManifest(parts)), false, 'an added row');
        assert.equal(sameParts(partsManifest(parts), partsManifest(reversed)), true);
      }),
    );
  });

  it('a part changed during the move: the ticket stays hot, its copy goes, a timer looks again later', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const state = { id: '7', version: '5', closed: true, lastOperatedAt: '', cold: true, heldUntil: null };
    const failure = { id: '7', version: '5', code: PARTS_CHANGED, message: 'part articles changed' };
    const o = classifyUndeleted({ id: '7', version: '5' }, state, undefined, failure);
    assert.equal(o.outcome, 'partsChanged');
    const locked = classifyUndeleted({ id: '7', version: '5' }, state, undefined, { ...failure, code: '55P03' });
    assert.equal(locked.outcome, 'stuck', 'a locked part row: tried again like a locked ticket');
    const plan = planFollowUp([{ id: '7' }], [o], new Set(['7']), {
      now,
      partitionOf: () => 2,
      scheduleStuck: () => ({ nextAttemptAt: now, escalated: false }),
    });
    assert.deepEqual(plan.removeCopies, [{ id: '7', version: '5' }]);
    assert.deepEqual(plan.markArchived, []);
    assert.deepEqual(plan.setTimers, [
      { id: '7', version: '5', dueAt: new Date(now.getTime() + PARTS_SETTLE_MS), partition: 2 },
    ]);
  });
});
