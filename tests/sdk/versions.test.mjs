// The official SDK still parses every response that versions changed (docs/evaluation.md
// § Versions, history and re-scoring): sets with version/contentHash, items after
// promote and revert, runs with evaluationSetVersion/manifest/rescoredFrom, and a
// re-scored run retrieved, listed and polled like any run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendClient } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import { invoiceSchema, invoiceText, invoiceExpected } from '../integration/eval_fixtures.mjs';

test('SDK reads versioned sets, items and re-scored runs', { timeout: 120000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url });
  const extractor = await client.extractors.create({ name: 'Invoices', config: { schema: invoiceSchema } });
  const files = [];
  for (let i = 0; i < 3; ++i)
    files.push(await client.files.upload(new File([invoiceText(i)], `invoice-${i}.txt`, { type: 'text/plain' }), {}));
  const set = await client.evaluationSets.create({ name: 'Invoices', description: 'SDK', entityId: extractor.id });
  const created = await client.evaluationSetItems.create(set.id, {
    items: files.map((f, i) => ({ fileId: f.id, expectedOutput: invoiceExpected(i, i === 1 ? ['vendor'] : []) })) });
  const items = created.evaluationSetItems;

  const got = await client.evaluationSets.retrieve(set.id);
  assert.equal(got.id, set.id);
  assert.equal(got.version, 1);
  assert.match(got.contentHash, /^[0-9a-f]{64}$/);
  const listedSets = await client.evaluationSets.list({});
  assert.ok(listedSets.data.some((s) => s.id === set.id && s.version === 1));

  const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
  assert.equal(run.evaluationSetVersion, 1);
  let done;
  for (const deadline = Date.now() + 60000; ; ) {
    done = await client.evaluationSetRuns.retrieve(run.id);
    if (done.status === 'PROCESSED') break;
    assert.ok(Date.now() < deadline, `run still ${done.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(done.manifest.scoringVersion, 1);
  assert.equal(done.manifest.contentHash, got.contentHash);

  // Promote the run's vendor into item 1 (an extension route, called over HTTP).
  const promoted = await srv.api('POST', `/evaluation_set_runs/${run.id}/results/${items[1].id}/promote`, { body: { fields: ['vendor'] } });
  assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  const item = await client.evaluationSetItems.retrieve(set.id, items[1].id);
  assert.deepEqual(item.expectedOutput, invoiceExpected(1));
  const reverted = await srv.api('POST', `/evaluation_sets/${set.id}/items/${items[1].id}/revert`, { body: { revision: 1 } });
  assert.equal(reverted.status, 200);
  assert.equal((await client.evaluationSetItems.retrieve(set.id, items[1].id)).expectedOutput.value.vendor, 'WRONG');
  assert.equal((await client.evaluationSets.retrieve(set.id)).version, 3);

  const rescored = await srv.api('POST', `/evaluation_set_runs/${run.id}/rescore`, { body: {} });
  assert.equal(rescored.status, 200, JSON.stringify(rescored.body));
  const viaSdk = await client.evaluationSetRuns.retrieve(rescored.body.id);
  assert.equal(viaSdk.status, 'PROCESSED');
  assert.equal(viaSdk.rescoredFrom, run.id);
  assert.deepEqual(viaSdk.metrics, done.metrics);
});
