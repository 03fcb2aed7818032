// The example archive specs in connectors/specs/ are valid, and a spec broken in one field is refused with an error
// that names that field.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { archiveSpecSchema, specProblems, type ArchiveSpecInput } from '../../services/core/spec/archiveSpec.ts';
import { specParts } from '../support/helpdeskParts.ts';
import { requestTracker, zammad as zammadShape, znuny } from '../support/helpdeskShapes.ts';

const specsDir = new URL('../../connectors/specs/', import.meta.url);
const specFiles = readdirSync(specsDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

function readSpec(file: string): ArchiveSpecInput {
  return parse(readFileSync(new URL(file, specsDir), 'utf8')) as ArchiveSpecInput;
}

/** The problems of a spec, as "field: message"; none when it is valid. */
function problems(spec: unknown): string[] {
  const parsed = archiveSpecSchema.safeParse(spec);
  return parsed.success ? [] : specProblems(parsed.error);
}

describe('the example archive specs', () => {
  it('include the default spec and the three help desks', () => {
    for (const file of ['default.yaml', 'zammad.yaml', 'znuny.yaml', 'request-tracker.yaml']) {
      assert.ok(specFiles.includes(file), `connectors/specs/${file} is missing`);
    }
  });

  for (const file of specFiles) {
    it(`${file} is valid`, () => {
      assert.deepEqual(problems(readSpec(file)), []);
    });
  }

  it('name each help desk table, key and activity as its own schema has them', () => {
    const expected = {
      'zammad.yaml': { table: 'zammad.tickets', key: 'integer', activity: 'updated_at', filter: 'state_id' },
      'znuny.yaml': { table: 'znuny.ticket', key: 'bigint', activity: 'change_time', filter: 'ticket_state_id' },
      'request-tracker.yaml': { table: 'rt.tickets', key: 'integer', activity: 'lastupdated', filter: 'status' },
    };
    for (const [file, want] of Object.entries(expected)) {
      const spec = archiveSpecSchema.parse(readSpec(file));
      assert.equal(`${spec.table.schema}.${spec.table.name}`, want.table, file);
      assert.equal(spec.key.type, want.key, file);
      assert.deepEqual(spec.activity, { column: want.activity, type: 'timestamp', timeZone: 'UTC' }, file);
      assert.equal(spec.cold.rowFilter?.column, want.filter, file);
      assert.equal(spec.version, 'xmin', file);
    }
  });

  it("name each help desk ticket's parts as the tests write them: two levels, both kinds of link", () => {
    for (const shape of [zammadShape, znuny, requestTracker]) {
      const file = `${shape.desk}.yaml`;
      const { parts } = parse(readFileSync(new URL(file, specsDir), 'utf8')) as { parts?: unknown[] };
      assert.deepEqual(parts, specParts(shape.parts), `${file}: the parts of test/support/helpdesk*Parts.ts`);
      // Request Tracker's tickets have no plain link at the first level: each of their rows is found by a pair.
      const second = shape.parts.flatMap((p) => p.parts ?? []);
      for (const level of [shape.parts, second])
        assert.ok(
          level.some((p) => p.where !== undefined),
          `${file}: pairs`,
        );
      assert.ok(
        second.some((p) => p.where === undefined),
        `${file}: a plain link (a foreign key or an id column) below the first level`,
      );
    }
  });
});

describe('a broken spec is refused, naming the field', () => {
  const zammad = readSpec('zammad.yaml');
  const cases: { broken: string; spec: unknown; field: string }[] = [
    {
      broken: 'a timestamp activity without timeZone',
      spec: { ...zammad, activity: { column: 'updated_at', type: 'timestamp' } },
      field: 'activity.timeZone',
    },
    { broken: 'an unqualified table', spec: { ...zammad, table: 'tickets' }, field: 'table' },
    {
      broken: 'a key type that is no key type',
      spec: { ...zammad, key: { column: 'id', type: 'serial' } },
      field: 'key.type',
    },
    {
      broken: 'two statements as the cold condition',
      spec: { ...zammad, cold: { when: 't.state_id = 4; DELETE FROM zammad.tickets' } },
      field: 'cold.when',
    },
    {
      broken: 'a row filter without values',
      spec: { ...zammad, cold: { ...zammad.cold, rowFilter: { column: 'state_id', in: [] } } },
      field: 'cold.rowFilter.in',
    },
    { broken: 'a field the format does not have', spec: { ...zammad, versoin: 'xmin' }, field: '(spec)' },
  ];
  for (const { broken, spec, field } of cases) {
    it(broken, () => {
      const found = problems(spec);
      assert.equal(found.length, 1, found.join('; '));
      assert.ok(found[0]?.startsWith(`${field}: `), found.join('; '));
    });
  }
});
