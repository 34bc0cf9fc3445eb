// Webhooks from real state changes, verified by the official SDK: an evaluation run's
// evaluation_set_run.processed (payload = the run object), batch_processor_run.processed,
// the extractor lifecycle (created, draft.updated, version.published) and extract_run.processed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendClient, Extend } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import { startReceiver, waitFor } from '../integration/webhook_receiver.mjs';
import { invoiceSchema, invoiceText, invoiceExpected } from '../integration/eval_fixtures.mjs';

test('run and processor events arrive signed, in the contract envelope', { timeout: 120000 }, async (t) => {
  const verifier = new ExtendClient({ token: 'unused', baseUrl: 'http://127.0.0.1:9' });
  let secret = null;
  const rx = await startReceiver({ verify: (body, headers) => verifier.webhooks.verifyAndParse(body, headers, secret) });
  t.after(() => rx.close());
  const srv = await startServer({ t, args: ['--webhook-retry-base-ms', '200', '--webhook-retry-max-ms', '1000'] });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url });
  const endpoint = await client.webhookEndpoints.create({
    url: rx.url, name: 'events', apiVersion: '2026-02-09',
    enabledEvents: ['evaluation_set_run.processed', 'batch_processor_run.processed', 'extractor.created',
      'extractor.draft.updated', 'extractor.version.published', 'extract_run.processed'],
  });
  secret = endpoint.signingSecret;

  const extractor = await client.extractors.create({ name: 'Invoices', config: { schema: invoiceSchema } });
  await client.extractors.update(extractor.id, { config: { schema: invoiceSchema, extractionRules: 'totals in USD' } });
  const v1 = await client.extractorVersions.create(extractor.id, { releaseType: 'major' });
  const file = await client.files.upload(new File([invoiceText(1)], 'invoice-1.txt', { type: 'text/plain' }), {});
  const set = await client.evaluationSets.create({ name: 'hooks', entityId: extractor.id });
  await client.evaluationSetItems.create(set.id, { items: [{ fileId: file.id, expectedOutput: invoiceExpected(1) }] });
  const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
  const single = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { id: file.id } } });
  assert.equal(single.status, 200, JSON.stringify(single.body));

  const events = () => rx.deliveries.filter((d) => d.accepted).map((d) => d.verified);
  await waitFor(() => ['evaluation_set_run.processed', 'batch_processor_run.processed', 'extract_run.processed',
    'extractor.created', 'extractor.draft.updated', 'extractor.version.published']
    .every((type) => events().some((e) => e.eventType === type)), { timeoutMs: 60000 });

  const byType = (type) => events().filter((e) => e.eventType === type);
  const processed = byType('evaluation_set_run.processed');
  assert.equal(processed.length, 1);
  assert.match(processed[0].eventId, /^event_/);
  assert.equal(processed[0].payload.object, 'evaluation_set_run');
  assert.equal(processed[0].payload.id, run.id);
  assert.equal(processed[0].payload.status, 'PROCESSED');
  assert.equal(processed[0].payload.metrics.numFilesProcessed, 1);
  const final = await client.evaluationSetRuns.retrieve(run.id);
  assert.deepEqual(processed[0].payload.metrics, final.metrics, 'the event carries the final metrics');
  assert.equal(byType('batch_processor_run.processed')[0].payload.object, 'batch_run');
  assert.equal(byType('extractor.created')[0].payload.id, extractor.id);
  assert.equal(byType('extractor.version.published')[0].payload.id, v1.id);
  assert.equal(byType('extractor.version.published')[0].payload.object, 'extractor_version');
  const exr = byType('extract_run.processed')[0].payload;
  assert.equal(exr.object, 'extract_run');
  assert.equal(exr.id, single.body.id);
  assert.equal(exr.output.value.invoice_number, 'INV-1001');
  for (const d of rx.deliveries) {
    assert.equal(d.headers['x-extend-api-version'], '2026-02-09');
    assert.match(d.headers['x-extend-request-signature'], /^[0-9a-f]{64}$/);
  }
});
