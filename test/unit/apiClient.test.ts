// The typed client's types are those of the API as it is: regenerated from the OpenAPI document, they equal the
// committed file (`npm run api:client` rewrites it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clientTypes, clientTypesFile } from '../../infra/api/generateClient.ts';
import { openApiDocument } from '../../services/readApi/openApiDocument.ts';

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
    const doc = (await openApiDocument()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }>; security?: unknown[] }>>;
    };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/customers/{customerId}/tickets',
      '/operator-groups/{groupId}/tickets',
      '/operators/{operatorId}/tickets',
      '/tickets/closed',
      '/tickets/unassigned',
      '/tickets/{id}',
      '/tickets/{id}/restore',
    ]);
    const names = (path: string) => (doc.paths[path]?.get?.parameters ?? []).map((p) => p.name).sort();
    assert.deepEqual(names('/customers/{customerId}/tickets'), ['cursor', 'customerId', 'limit', 'tier']);
    assert.deepEqual(names('/tickets/closed'), ['cursor', 'from', 'limit', 'tier', 'to']);
    assert.deepEqual(doc.paths['/tickets/{id}/restore']?.post?.security, [{ bearer: [] }]);
  });
  it('names and tags every operation, and says what each of its answers means, errors as problem details', async () => {
    const doc = (await openApiDocument()) as {
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
    assert.equal(ids.size, 7, 'operationIds are unique');
    assert.ok(doc.paths['/tickets/{id}']?.get?.responses['404'], 'a ticket not in the tier asked');
    assert.ok(doc.paths['/tickets/{id}/restore']?.post?.responses['409'], 'a restore that cannot be done');
  });
});
