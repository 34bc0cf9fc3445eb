// batch_processor_run.processed / .failed for batches of processor runs (POST
// /extract_runs/batch, ...; contract §4.7-4.8): one event when the batch's last run ends,
// with the BatchRun GET /batch_runs/{id} serves; none for a batch whose every run was
// cancelled; sent to endpoints subscribed to the type and to subscriptions on the batch's
// processor only. docs/webhooks.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { startReceiver, waitFor } from './webhook_receiver.mjs';
import { startEngineStub } from './engine_stub.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import { invoiceSchema, invoiceText } from './eval_fixtures.mjs';

const VERSION = '2026-02-09';
const BATCH_EVENTS = ['batch_processor_run.processed', 'batch_processor_run.failed'];

// Endpoint `name` delivering to rx under /hooks/<name> (so each delivery says whose it is).
async function endpoint(srv, rx, name, enabledEvents) {
  const r = await srv.api('POST', '/webhook_endpoints', { body: { url: `${rx.url}/${name}`, name, enabledEvents, apiVersion: VERSION } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function extractor(srv, name, engine) {
  const config = { schema: invoiceSchema, ...(engine ? { engine: { type: 'http', url: engine } } : {}) };
  const r = await srv.api('POST', '/extractors', { body: { name, config } });
  assert.equal(r.status, 200, r.text);
  return r.body.id;
}

async function subscribe(srv, endpointId, resourceId, enabledEvents) {
  const r = await srv.api('POST', '/webhook_subscriptions', { body: { webhookEndpointId: endpointId, resourceType: 'extractor', resourceId, enabledEvents } });
  assert.equal(r.status, 200, r.text);
}

async function batchOf(srv, extractorId, n) {
  const inputs = Array.from({ length: n }, (_, i) => ({ file: { text: invoiceText(i + 1), name: `inv${i}.txt` } }));
  const r = await srv.api('POST', '/extract_runs/batch', { body: { extractor: { id: extractorId }, inputs } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function finished(srv, id) {
  const b = await waitFor(async () => {
    const r = (await srv.api('GET', `/batch_runs/${id}`)).body;
    return ['PROCESSED', 'FAILED', 'CANCELLED'].includes(r.status) ? r : null;
  }, { timeoutMs: 60000 });
  assert.ok(b, `batch ${id} never finished`);
  return b;
}

// The batch events rx received at /hooks/<name>, parsed.
function received(rx, name, batchId) {
  return rx.deliveries
    .filter((d) => d.path === `/hooks/${name}`)
    .map((d) => JSON.parse(d.body))
    .filter((e) => e.eventType.startsWith('batch_processor_run.') && (!batchId || e.payload.id === batchId));
}

test('batch webhooks: one batch_processor_run.processed per batch, to the type\'s endpoints and the processor\'s subscriptions', { timeout: 120000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const srv = await startServer({ t });
  const ex = await extractor(srv, 'invoices');
  const other = await extractor(srv, 'other');
  const global = await endpoint(srv, rx, 'global', BATCH_EVENTS);
  // Subscriptions only: these endpoints want no event type globally.
  const mine = await endpoint(srv, rx, 'mine', ['extractor.deleted']);
  const theirs = await endpoint(srv, rx, 'theirs', ['extractor.deleted']);
  await subscribe(srv, mine.id, ex, ['batch_processor_run.processed']);
  await subscribe(srv, theirs.id, other, BATCH_EVENTS);

  const batch = await batchOf(srv, ex, 3);
  const done = await finished(srv, batch.id);
  assert.equal(done.status, 'PROCESSED', JSON.stringify(done));
  const got = await waitFor(() => received(rx, 'global', batch.id).length && received(rx, 'mine', batch.id).length, { timeoutMs: 30000 });
  assert.ok(got, 'the batch event did not reach both endpoints');
  // Late duplicates would arrive within this wait; the per-run events go to no one here.
  await new Promise((r) => setTimeout(r, 1500));
  const [g, ...moreG] = received(rx, 'global', batch.id);
  const [m, ...moreM] = received(rx, 'mine', batch.id);
  assert.deepEqual(moreG, [], 'one event per batch');
  assert.deepEqual(moreM, []);
  assert.equal(g.eventType, 'batch_processor_run.processed');
  assert.deepEqual(g.payload, { object: 'batch_run', id: batch.id, status: 'PROCESSED', runCount: 3, createdAt: batch.createdAt });
  assert.deepEqual(g.payload, done, 'the payload is the BatchRun GET /batch_runs/{id} serves');
  assert.equal(m.eventId, g.eventId, 'one event, delivered to each endpoint');
  assert.deepEqual(received(rx, 'theirs'), [], 'a subscription on another extractor gets nothing');
  assert.equal(rx.deliveries.length, 2);

  // The deliveries log names it.
  const log = await waitFor(async () => {
    const d = (await srv.api('GET', `/webhook_endpoints/${global.id}/deliveries`)).body.data;
    return d.length && d[0].status === 'delivered' ? d : null;
  });
  assert.ok(log, 'no delivered entry in the log');
  assert.deepEqual(log.map((d) => [d.eventId, d.eventType]), [[g.eventId, 'batch_processor_run.processed']]);
  assert.deepEqual((await srv.api('GET', `/webhook_endpoints/${theirs.id}/deliveries`)).body.data, []);

  // A batch of the other extractor goes to its subscription (and the global endpoint).
  const second = await batchOf(srv, other, 1);
  await finished(srv, second.id);
  assert.ok(await waitFor(() => received(rx, 'theirs', second.id).length && received(rx, 'global', second.id).length, { timeoutMs: 30000 }));
  assert.deepEqual(received(rx, 'mine', second.id), []);
  assert.deepEqual(srv.serverErrors(), []);
});

test('batch webhooks: a batch whose every run failed sends one batch_processor_run.failed', { timeout: 120000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  // 400 is not retried: each run fails at its first attempt.
  const engine = await startEngineStub(() => ({ status: 400, body: '{"error":"unreadable"}' }));
  t.after(() => engine.close());
  const srv = await startServer({ t });
  const ex = await extractor(srv, 'broken', engine.url);
  await endpoint(srv, rx, 'global', BATCH_EVENTS);
  const batch = await batchOf(srv, ex, 2);
  const done = await finished(srv, batch.id);
  assert.equal(done.status, 'FAILED', JSON.stringify(done));
  assert.ok(await waitFor(() => received(rx, 'global', batch.id).length, { timeoutMs: 30000 }), 'no batch event');
  await new Promise((r) => setTimeout(r, 1500));
  const events = received(rx, 'global', batch.id);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].eventType, 'batch_processor_run.failed');
  assert.deepEqual(events[0].payload, { object: 'batch_run', id: batch.id, status: 'FAILED', runCount: 2, createdAt: batch.createdAt });
  assert.equal(engine.requests.length, 2);
  assert.deepEqual(srv.serverErrors(), []);
});

test('batch webhooks: a batch whose every run was cancelled sends nothing; one cancelled of two still ends PROCESSED', { timeout: 120000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const engine = await startGatedEngine();
  t.after(() => engine.close());
  const srv = await startServer({ t });
  const gated = await extractor(srv, 'gated', engine.url);
  const ex = await extractor(srv, 'rules');
  const global = await endpoint(srv, rx, 'global', BATCH_EVENTS);
  const runsOf = async (id) => (await srv.api('GET', '/extract_runs', { query: { batchId: id, maxPageSize: 10 } })).body.data;

  // Some runs held by the engine (PROCESSING), the rest PENDING: cancel them all.
  const batch = await batchOf(srv, gated, 3);
  assert.ok(await waitFor(() => engine.calls() >= 1, { timeoutMs: 30000 }), 'the engine was never called');
  for (const r of await runsOf(batch.id)) {
    const c = await srv.api('POST', `/extract_runs/${r.id}/cancel`);
    assert.equal(c.status, 200, c.text);
  }
  const done = await finished(srv, batch.id);
  assert.equal(done.status, 'CANCELLED');
  // The end was decided when the last cancel committed: nothing was queued for it.
  assert.deepEqual((await srv.api('GET', `/webhook_endpoints/${global.id}/deliveries`)).body.data, []);
  engine.release();

  // One run cancelled, the other processed: the batch ends PROCESSED.
  const mixed = await batchOf(srv, gated, 2);
  const [first] = await runsOf(mixed.id);
  assert.equal((await srv.api('POST', `/extract_runs/${first.id}/cancel`)).status, 200);
  const mixedDone = await waitFor(async () => {
    engine.release();
    const r = (await srv.api('GET', `/batch_runs/${mixed.id}`)).body;
    return r.status === 'PROCESSED' || r.status === 'FAILED' ? r : null;
  }, { timeoutMs: 60000 });
  assert.equal(mixedDone?.status, 'PROCESSED', JSON.stringify(mixedDone));
  assert.ok(await waitFor(() => received(rx, 'global', mixed.id).length, { timeoutMs: 30000 }), 'no event for the mixed batch');

  // A later batch's event arrives; the cancelled batch's never does.
  const after = await batchOf(srv, ex, 1);
  await finished(srv, after.id);
  assert.ok(await waitFor(() => received(rx, 'global', after.id).length, { timeoutMs: 30000 }), 'no event for the later batch');
  engine.release();
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(received(rx, 'global', batch.id), []);
  assert.deepEqual(received(rx, 'global').map((e) => [e.payload.id, e.eventType]),
    [[mixed.id, 'batch_processor_run.processed'], [after.id, 'batch_processor_run.processed']]);
  assert.deepEqual(srv.serverErrors(), []);
});
