// The typed client's types are those of the API as it is: regenerated from the OpenAPI document, they equal the
// committed file (`npm run api:client` rewrites it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clientTypes, clientTypesFile } from '../../infra/api/generateClient.ts';
import { openApiDocument } from '../../services/readApi/openApiDocument.ts';

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
});
