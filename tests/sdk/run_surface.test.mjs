// The official extend-ai SDK (pinned 1.17.0) on the rest of the run surface: batches
// (createBatch, batchRuns.get, list by batchId), the synchronous client.extract /
// classify / split, the legacy batchProcessorRun.get, and files.upload's presignedUrl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendClient } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import { invoiceSchema, invoiceText, classifierConfig, classTexts, splitterConfig, seedInvoiceSet, waitForRun } from '../integration/eval_fixtures.mjs';

test('extend-ai SDK: batches, synchronous runs, legacy batch processor run, upload presignedUrl', { timeout: 120000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 60 });

  const extractor = await client.extractors.create({ name: 'inv', config: { schema: invoiceSchema } });
  const batch = await client.extractRuns.createBatch({ extractor: { id: extractor.id }, inputs: [
    { file: { text: invoiceText(1), name: 'a.txt' }, metadata: { n: 1 } },
    { file: { text: invoiceText(2), name: 'b.txt' }, metadata: { n: 2 } },
  ] });
  assert.equal(batch.object, 'batch_run');
  assert.equal(batch.runCount, 2);
  let b = batch;
  const deadline = Date.now() + 30000;
  while (['PENDING', 'PROCESSING'].includes(b.status)) {
    assert.ok(Date.now() < deadline, `batch still ${b.status}`);
    await new Promise((r) => setTimeout(r, 100));
    b = await client.batchRuns.get(batch.id);
  }
  assert.equal(b.status, 'PROCESSED');
  const runs = await client.extractRuns.list({ batchId: batch.id });
  assert.deepEqual(runs.data.map((r) => r.output.value.invoice_number).sort(), ['INV-1001', 'INV-1002']);

  const e = await client.extract({ extractor: { id: extractor.id }, file: { text: invoiceText(5) } });
  assert.equal(e.status, 'PROCESSED');
  assert.equal(e.output.value.invoice_number, 'INV-1005');
  const c = await client.classify({ config: classifierConfig, file: { text: classTexts.statement } });
  assert.equal(c.output.type, 'Bank Statement');
  const s = await client.split({ config: splitterConfig, file: { text: [classTexts.receipt, classTexts.invoice].join('\f') } });
  assert.deepEqual(s.output.splits.map((x) => x.type), ['Receipt', 'Invoice']);

  const { set } = await seedInvoiceSet(srv, 2);
  const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
  await waitForRun(srv.api, run.id);
  const legacy = await client.batchProcessorRun.get(run.id);
  assert.equal(legacy.success, true);
  assert.equal(legacy.batchProcessorRun.status, 'PROCESSED');
  assert.equal(legacy.batchProcessorRun.sourceId, set.id);

  const file = await client.files.upload(new File(['hello'], 'h.txt', { type: 'text/plain' }), {});
  assert.ok('presignedUrl' in file);
  assert.equal(file.presignedUrl, null);
});
