// The Debezium connector generated from a spec: the table and exactly the columns the archiver reads, the product's
// signal table, and the name, slot and topic prefix a second table on the same server needs of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveSpecSchema } from '../../services/core/spec/archiveSpec.ts';
import { connectorFor, eventsTopic, SIGNAL_TABLE } from '../../services/core/spec/connectorConfig.ts';
import { loadConnectorDefinition } from '../../services/edges/kafkaConnect/index.ts';
import { defaultSpec, exampleSpec } from '../support/specs.ts';

const base = loadConnectorDefinition(defaultSpec);

describe('connectorFor', () => {
  it("captures the spec's table and the columns its events are read by, and the signal table", () => {
    const c = connectorFor(exampleSpec('zammad'), base).config;
    assert.equal(c['table.include.list'], 'zammad\\.tickets,ticket_archiver\\.debezium_signal');
    assert.equal(
      c['column.include.list'],
      'zammad\\.tickets\\.(id|updated_at|state_id),ticket_archiver\\.debezium_signal\\.(id|type|data)',
    );
    assert.equal(c['signal.data.collection'], SIGNAL_TABLE);
    const tables = new RegExp(`^(${c['table.include.list']?.replace(',', '|')})$`);
    assert.ok(tables.test('zammad.tickets') && !tables.test('zammad_tickets'), 'the dot is a dot');
  });
  it('keeps the shipped name, slot and topic prefix unless the spec names its own', () => {
    const shipped = connectorFor(defaultSpec, base);
    assert.deepEqual(
      [shipped.name, shipped.config['slot.name'], eventsTopic(defaultSpec, base)],
      [base.name, base.config['slot.name'], 'ticketdb.public.tickets'],
    );
    // The parsed example given as input again: its table, and its parts' (which the connector does not capture), as
    // the input writes them.
    const second = archiveSpecSchema.parse({
      ...exampleSpec('zammad'),
      table: 'zammad.tickets',
      parts: [],
      connector: { name: 'zammad-cdc', slot: 'zammad_cdc', topicPrefix: 'zammad', database: 'helpdesk' },
    });
    const own = connectorFor(second, base);
    assert.deepEqual(
      [
        own.name,
        own.config['slot.name'],
        own.config['topic.prefix'],
        own.config['database.dbname'],
        eventsTopic(second, base),
      ],
      ['zammad-cdc', 'zammad_cdc', 'zammad', 'helpdesk', 'zammad.zammad.tickets'],
    );
    assert.ok(
      !archiveSpecSchema.safeParse({ ...second, table: 'zammad.tickets', connector: { slot: 'Bad-Slot' } }).success,
    );
  });
});
