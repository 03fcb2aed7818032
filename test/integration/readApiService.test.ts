// The read API as a service on the real stack: its OpenAPI document, health, readiness and metrics on the same port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { archiverHarness } from '../support/harness.ts';
import { startServe, type Json, type Serve } from '../support/readApi.ts';

const h = archiverHarness();
let api: Serve;

describe('read API: the service', () => {
  before(async () => {
    // The harness's before runs first (registered first): the stack is up.
    api = await startServe(h);
  });
  after(async () => {
    await api?.stop();
  });

  it('serves its OpenAPI document, health, readiness and metrics on the same port', async () => {
    const doc = await api.get('/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys(doc.body.paths as Json);
    for (const p of [
      '/tickets/{id}',
      '/tickets/{id}/restore',
      '/lists/customer/{value}/tickets',
      '/lists/operator/{value}/tickets',
      '/lists/operatorGroup/{value}/tickets',
      '/tickets/closed',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    assert.equal((await fetch(`${api.base}/readyz`)).status, 200);
    assert.equal((await fetch(`${api.base}/healthz`)).status, 200);
    assert.equal((await api.get('/tickets/9223372036854775806?tier=cold')).status, 404);
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    assert.match(metrics, /ticket_archiver_read_api_request_duration_seconds_bucket\{[^}]*route="\/tickets\/:id"/);
  });
});
