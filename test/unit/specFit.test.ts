// Whether a live table fits a spec, decided from the database's facts (pure): the brief's table fits the default
// spec; each kind of misfit is named with the spec's field; a Zammad-shaped table does not fit the default spec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listAdvice, migratorMisfits, specMisfits } from '../../services/core/spec/specFit.ts';
import type { ColumnFact, TableFacts } from '../../services/core/spec/tableFacts.ts';
import { defaultSpec, exampleSpec } from '../support/specs.ts';

const col = (name: string, type: string, notNull = true): ColumnFact => ({ name, type, notNull, generated: false });

/** The facts of the brief's table (the local stack's demo table) on a server set up for the product. */
function briefTable(over: Partial<NonNullable<TableFacts['table']>> = {}, facts: Partial<TableFacts> = {}): TableFacts {
  return {
    serverVersion: 150010,
    walLevel: 'logical',
    table: {
      owner: 'tickets_owner',
      replicaIdentity: 'd',
      primaryKey: ['id'],
      referencing: [],
      indexes: [
        { name: 'tickets_pkey', columns: ['id'] },
        { name: 'tickets_customer_idx', columns: ['customer_id', 'created_at'] },
        { name: 'tickets_operator_recent_idx', columns: ['last_operator_id', 'last_operated_at'] },
        { name: 'tickets_operator_group_recent_idx', columns: ['last_operator_group_id', 'last_operated_at'] },
      ],
      columns: [
        col('id', 'bigint'),
        col('customer_id', 'bigint'),
        col('status', 'text'),
        col('subject', 'text', false),
        col('created_at', 'timestamp with time zone'),
        col('last_operated_at', 'timestamp with time zone'),
        col('last_operator_id', 'bigint', false),
        col('last_operator_group_id', 'bigint', false),
        col('version', 'bigint'),
      ],
      ...over,
    },
    condition: { relations: [] },
    current: { role: 'tickets_owner', ownsTable: true },
    roles: { mover: 'm', restorer: 'r', reader: 'rd', debezium: 'd' },
    ...facts,
  };
}

describe('specMisfits', () => {
  it('finds none for the brief table and the default spec', () => {
    assert.deepEqual(specMisfits(defaultSpec, briefTable()), []);
    assert.deepEqual(migratorMisfits(defaultSpec, briefTable()), []);
  });
  it('names the server, wal_level, a missing table', () => {
    const m = specMisfits(defaultSpec, { ...briefTable({}, { serverVersion: 120005, walLevel: 'replica' }) });
    assert.equal(m.length, 2, m.join('\n'));
    assert.match(m[0] ?? '', /13 or later/);
    assert.match(m[1] ?? '', /wal_level is replica/);
    assert.deepEqual(specMisfits(defaultSpec, { ...briefTable(), table: undefined }), [
      'table public.tickets: does not exist (table in the spec)',
    ]);
  });
  it("names each column, type and key that does not fit, by the spec's field", () => {
    const t = briefTable();
    const columns = (t.table?.columns ?? [])
      .filter((c) => c.name !== 'version')
      .map((c) =>
        c.name === 'id'
          ? col('id', 'integer')
          : c.name === 'last_operated_at'
            ? col('last_operated_at', 'timestamp(3) without time zone')
            : c.name === 'customer_id'
              ? col('customer_id', 'jsonb')
              : c.name === 'created_at'
                ? col('created_at', 'date')
                : c,
      );
    const m = specMisfits(defaultSpec, briefTable({ columns, primaryKey: ['id', 'status'] }));
    const fields = m.map((x) => /\(((?:key|activity|version|lists\.\d+|cold\.rowFilter)\.\w+)/.exec(x)?.[1]).sort();
    assert.deepEqual(
      fields,
      ['activity.type', 'key.column', 'key.type', 'lists.0.column', 'lists.0.orderBy', 'version.column'],
      m.join('\n'),
    );
  });
  it('names a replica identity that would break updates, an unindexed referencing key, a condition that does not plan', () => {
    const fk = {
      constraint: 'notes_ticket_fkey',
      table: { schema: 'public', name: 'notes' },
      columns: ['ticket_id'],
      references: ['id'],
      onDelete: 'cascade' as const,
      indexed: false,
    };
    const m = specMisfits(
      defaultSpec,
      briefTable({ replicaIdentity: 'n', referencing: [fk] }, { condition: { error: 'relation "x" does not exist' } }),
    );
    assert.equal(m.length, 3, m.join('\n'));
    assert.match(m.join('\n'), /REPLICA IDENTITY NOTHING/);
    assert.match(m.join('\n'), /public\.notes \(ticket_id\) references public\.tickets without an index/);
    assert.match(m.join('\n'), /cold\.when does not plan .*relation "x" does not exist/);
    assert.deepEqual(specMisfits(defaultSpec, briefTable({ referencing: [{ ...fk, indexed: true }] })), []);
  });
  it('names a role that does not own the table as unable to migrate', () => {
    const m = migratorMisfits(defaultSpec, briefTable({}, { current: { role: 'app', ownsTable: false } }));
    assert.match(m[0] ?? '', /role app does not own public\.tickets \(its owner is tickets_owner\)/);
  });
  it("refuses the default spec on a Zammad-shaped table, and fits the Zammad example's", () => {
    const zammad = briefTable({
      columns: [
        col('id', 'integer'),
        col('group_id', 'integer'),
        col('owner_id', 'integer'),
        col('customer_id', 'integer'),
        col('state_id', 'integer'),
        col('created_at', 'timestamp(3) without time zone'),
        col('updated_at', 'timestamp(3) without time zone'),
      ],
    });
    const m = specMisfits(defaultSpec, zammad);
    for (const field of ['key.type', 'activity.column', 'version.column', 'cold.rowFilter.column'])
      assert.ok(
        m.some((x) => x.includes(`(${field}`)),
        `${field}:\n${m.join('\n')}`,
      );
    const asZammad = exampleSpec('zammad');
    assert.deepEqual(specMisfits({ ...asZammad, table: { schema: 'public', name: 'tickets' } }, zammad), []);
  });
  it('advises an index for each list the table has none for, without calling it a misfit', () => {
    assert.deepEqual(listAdvice(defaultSpec, briefTable()), []);
    const fewer = briefTable({ indexes: [{ name: 'tickets_customer_idx', columns: ['customer_id', 'created_at'] }] });
    const advice = listAdvice(defaultSpec, fewer);
    assert.deepEqual(
      advice.map((a) => /^list (\w+):/.exec(a)?.[1]),
      ['operator', 'operatorGroup'],
    );
    assert.match(
      advice[0] ?? '',
      /CREATE INDEX CONCURRENTLY \.\.\. ON public\.tickets \(last_operator_id, last_operated_at DESC\)/,
    );
    assert.deepEqual(specMisfits(defaultSpec, fewer), []);
  });
});
