// The typed client's types are those of the API as it is: regenerated from the OpenAPI document, they equal the
// committed file (`npm run api:client` rewrites it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clientTypes, clientTypesFile } from '../../infra/api/generateClient.ts';
import { openApiDocument } from '../../services/readApi/openApiDocument.ts';
import { defaultSpec, exampleSpec } from '../support/specs.ts';

interface Operation {
  operationId?: string;
  tags?: string[];
  responses: Record<string, { description?: string; content?: Record<string, unknown>; headers?: object }>;
}

describe('read API client', () => {
  it('is generated from the current OpenAPI document', async () => {
    assert.equal(
      readFileSync(clientTypesFile, 'utf8'),
      await clientTypes(),
      'services/client/openapi.ts is out of date: run npm run api:client',
    );
  });
  it('documents every route with its parameters, and the restore as needing the bearer token', async () => {
    const doc = (await openApiDocument(defaultSpec)) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; security?: unknown[] }>>;
    };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/lists/customer/{value}/tickets',
      '/lists/operator/{value}/tickets',
      '/lists/operatorGroup/{value}/tickets',
      '/tickets/closed',
      '/tickets/{id}',
      '/tickets/{id}/restore',
    ]);
    const names = (path: string) => (doc.paths[path]?.get?.parameters ?? []).map((p) => p.name).sort();
    assert.deepEqual(names('/lists/customer/{value}/tickets'), ['cursor', 'limit', 'tier', 'value']);
    assert.deepEqual(names('/tickets/closed'), ['cursor', 'from', 'limit', 'tier', 'to']);
    assert.deepEqual(doc.paths['/tickets/{id}/restore']?.post?.security, [{ bearer: [] }]);
  });
  it('names and tags every operation, and says what each of its answers means, errors as problem details', async () => {
    const doc = (await openApiDocument(defaultSpec)) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const at = `${method.toUpperCase()} ${path}`;
        assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, at);
        ids.add(op.operationId ?? '');
        assert.ok((op.tags ?? []).length > 0, `${at}: tags`);
        for (const [status, response] of Object.entries(op.responses)) {
          assert.ok(response.description && response.description !== 'Default Response', `${at} ${status}`);
          const media = Object.keys(response.content ?? {});
          assert.deepEqual(media, [Number(status) >= 400 ? 'application/problem+json' : 'application/json'], at);
        }
        for (const status of ['400', '401', '500', '503']) assert.ok(op.responses[status], `${at} declares ${status}`);
        assert.deepEqual(Object.keys(op.responses['503']?.headers ?? {}), ['Retry-After'], `${at} 503`);
      }
    }
    assert.equal(ids.size, 6, 'operationIds are unique');
    assert.ok(doc.paths['/tickets/{id}']?.get?.responses['404'], 'a ticket not in the tier asked');
    assert.ok(doc.paths['/tickets/{id}/restore']?.post?.responses['409'], 'a restore that cannot be done');
  });
  it("types the key and each list's value by the table's column types", async () => {
    type Param = { name: string; schema: { pattern?: string } };
    type Doc = { paths: Record<string, Record<string, { parameters?: Param[] }>> };
    const pattern = (doc: Doc, path: string, name: string) =>
      doc.paths[path]?.get?.parameters?.find((p) => p.name === name)?.schema.pattern;
    const bigints = (await openApiDocument(defaultSpec)) as Doc;
    assert.ok(new RegExp(pattern(bigints, '/tickets/{id}', 'id') ?? '^$').test('9223372036854775807'));
    const zammad = exampleSpec('zammad');
    const integers = (await openApiDocument(zammad, {
      keyType: 'integer',
      lists: zammad.lists.map((l) => ({ ...l, type: 'integer' })),
    })) as Doc;
    const idPattern = new RegExp(pattern(integers, '/tickets/{id}', 'id') ?? '^$');
    assert.ok(idPattern.test('2147483647') && !idPattern.test('2147483648'), 'an integer key: 32 bits');
    const first = zammad.lists[0];
    assert.ok(first, 'the Zammad example names lists');
    assert.ok(pattern(integers, `/lists/${first.name}/{value}/tickets`, 'value'));
  });
});
