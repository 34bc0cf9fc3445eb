// Leases that follow the work (issue 16) and the item deadline (audit F5), over real HTTP:
// the deadline aborts an engine call and bounds every attempt; a call longer than the
// lease is made once; a restarted node takes its dead predecessor's claims back at once;
// SIGTERM hands unfinished claims to another process; a 500-item run interrupted by
// kill -9 at default settings finishes soon after the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sleep } from './harness.mjs';
import { invoiceSchema, invoiceText, seedInvoiceSet, waitForRun, allResults, uploadText } from './eval_fixtures.mjs';
import { startEngineStub, waitUntil } from './engine_stub.mjs';
import { startReceiver } from './webhook_receiver.mjs';

async function extractor(srv, engine, extra = {}) {
  const ex = await srv.api('POST', '/extractors', {
    body: { name: 'remote', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url, ...extra } } } });
  assert.equal(ex.status, 200, JSON.stringify(ex.body));
  return ex.body;
}

async function waitExtractRun(srv, id, timeoutMs = 60000) {
  return waitUntil(async () => {
    const r = await srv.api('GET', `/extract_runs/${id}`);
    return ['PENDING', 'PROCESSING'].includes(r.body.status) ? null : r.body;
  }, { timeoutMs, what: `extract run ${id}` });
}

test('F5 (R5): --item-timeout-ms aborts a slow engine call: one request per attempt, no overlap, a deadline error', { timeout: 120000 }, async (t) => {
  // The engine answers after 15 s; each attempt may take 3 s; 3 attempts per item.
  const engine = await startEngineStub(() => ({ delayMs: 15000 }));
  t.after(() => engine.close());
  const srv = await startServer({ t, args: ['--item-timeout-ms', '3000', '--workers', '2', '--retry-base-ms', '100'] });
  const ex = await extractor(srv, engine, { timeoutMs: 20000 });
  const set = (await srv.api('POST', '/evaluation_sets', { body: { name: 's', description: '', entityId: ex.id } })).body;
  const file = await uploadText(srv, 'slow.txt', invoiceText(1));
  await srv.api('POST', `/evaluation_sets/${set.id}/items`, {
    body: { items: [{ fileId: file.id, expectedOutput: { value: { invoice_number: 'INV-1001' } } }] } });
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } })).body;
  const started = Date.now();
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 90000 });
  assert.equal(done.status, 'FAILED');
  const [result] = await allResults(srv.api, run.id);
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error.code, 'TIMEOUT');
  assert.match(result.error.message, /--item-timeout-ms 3000/);
  assert.doesNotMatch(result.error.message, /worker lost|attempts/);

  assert.equal(engine.requests.length, 3, 'exactly one request per attempt');
  assert.equal(engine.maxConcurrent, 1, 'attempts never overlap');
  for (const r of engine.requests) {
    assert.ok(r.aborted, 'the call was aborted, not answered');
    assert.ok(r.endedAt - r.at < 15000, `aborted after ${r.endedAt - r.at} ms, before the engine answered`);
  }
  for (let i = 1; i < engine.requests.length; i++)
    assert.ok(engine.requests[i].at >= engine.requests[i - 1].endedAt, 'a retry starts after the aborted call ended');
  t.diagnostic(`run ended after ${Date.now() - started} ms; calls aborted after ${engine.requests.map((r) => r.endedAt - r.at).join(', ')} ms`);

  // The same limit holds for a standalone extract run.
  const before = engine.requests.length;
  const er = (await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.id }, file: { id: file.id } } })).body;
  const erDone = await waitExtractRun(srv, er.id, 90000);
  assert.equal(erDone.status, 'FAILED');
  assert.match(erDone.failureMessage, /--item-timeout-ms 3000/);
  assert.equal(engine.requests.length - before, 3);
  assert.ok(engine.requests.slice(before).every((r) => r.aborted));
  assert.deepEqual(srv.serverErrors(), []);
});

test('an engine call longer than the lease is made exactly once (evaluation item and extract run)', { timeout: 60000 }, async (t) => {
  const engine = await startEngineStub(() => ({ delayMs: 4000 }));
  t.after(() => engine.close());
  const srv = await startServer({ t, args: ['--lease-ms', '1000', '--item-timeout-ms', '30000', '--workers', '2'] });
  const seeded = await seedInvoiceSet(srv, 1, { engine: { type: 'http', url: engine.url } });
  const file = await uploadText(srv, 'standalone.txt', invoiceText(7));
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  const er = (await srv.api('POST', '/extract_runs', { body: { extractor: { id: seeded.extractor.id }, file: { id: file.id } } })).body;
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 30000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.numFilesProcessed, 1);
  assert.equal((await waitExtractRun(srv, er.id)).status, 'PROCESSED');
  assert.equal(engine.requests.length, 2, `engine saw ${engine.requests.length} calls for 2 pieces of work`);
  assert.ok(engine.requests.every((r) => r.answered && !r.aborted));
  assert.deepEqual(srv.serverErrors(), []);
});

test('a webhook delivery slower than the lease is sent once', { timeout: 60000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const slow = rx.server.listeners('request')[0];
  rx.server.removeAllListeners('request');
  rx.server.on('request', (req, res) => setTimeout(() => slow(req, res), 3000));
  const srv = await startServer({ t, args: ['--lease-ms', '1000', '--webhook-timeout-ms', '10000'] });
  const e = (await srv.api('POST', '/webhook_endpoints', {
    body: { url: rx.url, name: 'slow', enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' } })).body;
  const sent = (await srv.api('POST', `/webhook_endpoints/${e.id}/test`, { body: {} })).body;
  const delivered = await waitUntil(async () => {
    const d = (await srv.api('GET', `/webhook_endpoints/${e.id}/deliveries`)).body.data[0];
    return d?.status === 'delivered' ? d : null;
  }, { what: 'delivery' });
  await sleep(1500);  // a duplicate would arrive within a lease or two
  assert.deepEqual(rx.acceptedIds(), [sent.id]);
  assert.equal(delivered.attempts.length, 1);
  assert.deepEqual(srv.serverErrors(), []);
});

test('transient engine failures are retried; the item succeeds once the engine recovers', { timeout: 60000 }, async (t) => {
  // The first 4 requests get 503: the first attempt's 3 tries fail, the second attempt
  // succeeds on its second try.
  const engine = await startEngineStub((n) => (n < 4 ? { status: 503 } : {}));
  t.after(() => engine.close());
  const srv = await startServer({ t, args: ['--retry-base-ms', '10'] });
  const seeded = await seedInvoiceSet(srv, 1, { engine: { type: 'http', url: engine.url } });
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 30000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.numFilesFailed, 0);
  assert.equal(engine.requests.length, 5);
});

test('a restarted node takes back the claims of its killed predecessor at once', { timeout: 90000 }, async (t) => {
  // Leases of 60 s: without the take-back, the two items claimed when the server was
  // killed would wait a full minute.
  const engine = await startEngineStub((n) => (n < 2 ? { delayMs: 'hang' } : {}));
  t.after(() => engine.close());
  const srv = await startServer({ t, args: ['--lease-ms', '60000', '--workers', '2'] });
  const seeded = await seedInvoiceSet(srv, 2, { engine: { type: 'http', url: engine.url } });
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  await waitUntil(() => engine.requests.length >= 2, { what: 'both items in flight' });
  await srv.kill9();
  await srv.restart();
  const restarted = Date.now();
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 30000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.numFilesProcessed, 2);
  t.diagnostic(`finished ${Date.now() - restarted} ms after the restart (lease: 60000 ms)`);
  assert.match(srv.stderr, /took back 2 item and 0 delivery claims/);
});

// Work of all three kinds in flight at a kill: an evaluation item and a standalone
// extract run held by engine calls that never answer, and a webhook delivery held by a
// receiver that never answers. Returns what the test needs to wait for.
async function allKindsInFlight(srv, engine, rx) {
  const seeded = await seedInvoiceSet(srv, 1, { engine: { type: 'http', url: engine.url } });
  const file = await uploadText(srv, 'standalone.txt', invoiceText(3));
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  const er = (await srv.api('POST', '/extract_runs', { body: { extractor: { id: seeded.extractor.id }, file: { id: file.id } } })).body;
  const hook = (await srv.api('POST', '/webhook_endpoints', {
    body: { url: rx.url, name: 'hang', enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' } })).body;
  const sent = (await srv.api('POST', `/webhook_endpoints/${hook.id}/test`, { body: {} })).body;
  await waitUntil(() => engine.requests.length >= 2 && rx.hung.length >= 1, { what: 'item, extract run and delivery in flight' });
  return { run, er, hook, sent };
}

// A receiver whose first `hang` requests never get an answer.
async function hangingReceiver(hang) {
  const rx = await startReceiver();
  rx.hung = [];
  const answer = rx.server.listeners('request')[0];
  rx.server.removeAllListeners('request');
  rx.server.on('request', (req, res) => {
    if (rx.hung.length < hang) rx.hung.push(res);
    else answer(req, res);
  });
  return rx;
}

async function expectAllKindsDone(api, srv, w, rx) {
  const done = await waitForRun(api, w.run.id, { timeoutMs: 30000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.numFilesProcessed, 1);
  assert.equal((await waitExtractRun(srv, w.er.id, 30000)).status, 'PROCESSED');
  await waitUntil(() => rx.acceptedIds().includes(w.sent.id), { timeoutMs: 30000, what: 'the test event delivered' });
  // The receiver has answered; the node records the attempt right after, so poll for it.
  let deliveries = [];
  const recorded = async () => {
    deliveries = (await api('GET', `/webhook_endpoints/${w.hook.id}/deliveries`)).body.data;
    return deliveries.find((d) => d.eventId === w.sent.id)?.status === 'delivered';
  };
  await waitUntil(recorded, { timeoutMs: 10000, what: 'the test delivery recorded as delivered' });
  const test = deliveries.find((d) => d.eventId === w.sent.id);
  assert.equal(test.attempts.at(-1).statusCode, 200);
}

test('a restarted node takes back its predecessor\'s item, extract run and delivery claims at once', { timeout: 90000 }, async (t) => {
  // Leases of 60 s: without the take-back, all three would wait a full minute.
  const engine = await startEngineStub((n) => (n < 2 ? { delayMs: 'hang' } : {}));
  t.after(() => engine.close());
  const rx = await hangingReceiver(1);
  t.after(() => rx.close());
  const srv = await startServer({ t, args: ['--lease-ms', '60000', '--workers', '2', '--webhook-timeout-ms', '60000'] });
  const w = await allKindsInFlight(srv, engine, rx);
  await srv.kill9();
  await srv.restart();
  const restarted = Date.now();
  await expectAllKindsDone(srv.api, srv, w, rx);
  t.diagnostic(`all three finished ${Date.now() - restarted} ms after the restart (lease: 60000 ms)`);
  assert.match(srv.stderr, /took back 2 item and 1 delivery claims/);
  assert.deepEqual(srv.serverErrors(), []);
});

test('claims of a killed node lapse within one lease: another node finishes its item, extract run and delivery', { timeout: 90000 }, async (t) => {
  const lease = 2000;
  const engine = await startEngineStub((n) => (n < 2 ? { delayMs: 'hang' } : {}));
  t.after(() => engine.close());
  const rx = await hangingReceiver(1);
  t.after(() => rx.close());
  const args = ['--lease-ms', String(lease), '--workers', '2', '--webhook-timeout-ms', '60000'];
  const a = await startServer({ t, args });
  const w = await allKindsInFlight(a, engine, rx);
  // B shares A's store but not its node name: nothing is taken back, the leases must lapse.
  const b = await startServer({ t, dataDir: a.dataDir, key: a.key, args });
  await a.kill9();
  const killed = Date.now();
  await expectAllKindsDone(b.api, b, w, rx);
  const took = Date.now() - killed;
  t.diagnostic(`B finished A's work ${took} ms after A was killed (lease ${lease} ms)`);
  // Without leases that lapse, the work would wait for --item-timeout-ms (300 s) or longer.
  assert.ok(took < 3 * lease + 5000, `B needed ${took} ms`);
  assert.ok(engine.requests.length === 4, `engine calls: ${engine.requests.length} (2 lost with A, 2 by B)`);
  assert.doesNotMatch(b.stderr, /took back/);
  assert.deepEqual(b.serverErrors(), []);
});

test('SIGTERM releases the claims of items that outlive --drain-ms; another process takes them at once', { timeout: 90000 }, async (t) => {
  const engine = await startEngineStub((n) => (n < 2 ? { delayMs: 30000 } : {}));
  t.after(() => engine.close());
  const a = await startServer({ t, args: ['--lease-ms', '60000', '--drain-ms', '300', '--workers', '2'] });
  const seeded = await seedInvoiceSet(a, 2, { engine: { type: 'http', url: engine.url } });
  const run = (await a.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  await waitUntil(() => engine.requests.length >= 2, { what: 'both items in flight on A' });
  // B shares A's store but not its node identity, so it can only get the items if A
  // gives them back.
  const b = await startServer({ t, dataDir: a.dataDir, key: a.key, args: ['--lease-ms', '60000', '--workers', '2'] });
  const stopping = Date.now();
  const code = await a.stop(20000);
  assert.equal(code, 0);
  const stoppedAfter = Date.now() - stopping;
  assert.ok(stoppedAfter < 20000, `A took ${stoppedAfter} ms to stop; the engine calls were not aborted`);
  assert.ok(engine.requests.slice(0, 2).every((r) => r.aborted), 'A aborted its engine calls');
  const done = await waitForRun(b.api, run.id, { timeoutMs: 30000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.numFilesProcessed, 2);
  t.diagnostic(`A stopped in ${stoppedAfter} ms; B finished the run ${Date.now() - stopping} ms after SIGTERM`);
  assert.deepEqual(b.serverErrors(), []);
});

test('kill -9 at default settings: a 500-item run finishes within 60 s of the restart, every item once', { timeout: 240000 }, async (t) => {
  const engine = await startEngineStub(() => ({ delayMs: 20 }));
  t.after(() => engine.close());
  const srv = await startServer({ t });
  const n = 500;
  const seeded = await seedInvoiceSet(srv, n, { engine: { type: 'http', url: engine.url } });
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  await waitForRun(srv.api, run.id, { until: (r) => r.metrics.numFilesProcessed >= n / 4, timeoutMs: 120000 });
  await srv.kill9();
  await srv.restart();
  const restarted = Date.now();
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 120000 });
  const took = Date.now() - restarted;
  t.diagnostic(`500-item run finished ${took} ms after the restart`);
  assert.ok(took < 60000, `finished ${took} ms after the restart`);
  assert.equal(done.status, 'PROCESSED');
  const results = await allResults(srv.api, run.id);
  assert.equal(results.length, n);
  assert.equal(new Set(results.map((r) => r.evaluationSetItemId)).size, n);
  assert.ok(results.every((r) => r.status === 'PROCESSED'));
  assert.equal(done.metrics.numFilesProcessed, n);
  assert.equal(done.metrics.accuracy, 1);
});

// Re-scoring is scheduler work (docs/evaluation.md § Re-score without re-running): a
// server killed while it re-scores leaves runs claimed, some half written. The restarted
// node takes the claims back, starts each over, and every re-scored run ends with the
// source's metrics and each item once — none stays PENDING or PROCESSING.
test('kill -9 mid-rescore: after the restart every re-scored run completes, each item once', { timeout: 240000 }, async (t) => {
  const srv = await startServer({ t });
  const n = 1000;
  // Every 7th label wrong, so the metrics are not trivially perfect.
  const seeded = await seedInvoiceSet(srv, n, { wrong: (i) => (i % 7 === 3 ? ['vendor'] : []) });
  const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const source = await waitForRun(srv.api, created.body.id, { timeoutMs: 180000 });
  assert.equal(source.status, 'PROCESSED');
  const rx = await startReceiver();
  t.after(() => rx.close());
  const hook = await srv.api('POST', '/webhook_endpoints', {
    body: { url: rx.url, name: 'rescore', enabledEvents: ['evaluation_set_run.processed'], apiVersion: '2026-02-09' } });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));
  const ids = [];
  for (let i = 0; i < 6; ++i) {
    const r = await srv.api('POST', `/evaluation_set_runs/${source.id}/rescore`, { body: {} });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'PENDING', 'answered before the work is done');
    ids.push(r.body.id);
  }
  const atKill = await Promise.all(ids.map(async (id) => (await srv.api('GET', `/evaluation_set_runs/${id}`)).body.status));
  await srv.kill9();
  t.diagnostic(`statuses at the kill: ${atKill.join(', ')}`);
  assert.ok(atKill.some((s) => s !== 'PROCESSED'), 'some re-scores were still to do when the server died');
  await srv.restart();
  const restarted = Date.now();
  for (const id of ids) {
    const done = await waitForRun(srv.api, id, { timeoutMs: 120000 });
    assert.equal(done.status, 'PROCESSED', `${id}: ${done.failureMessage ?? ''}`);
    assert.equal(done.rescoredFrom, source.id);
    assert.deepEqual(done.metrics, source.metrics);
    const results = await allResults(srv.api, id);
    assert.equal(results.length, n);
    assert.equal(new Set(results.map((r) => r.evaluationSetItemId)).size, n);
  }
  t.diagnostic(`all re-scored runs finished ${Date.now() - restarted} ms after the restart`);
  // Each ended run announces itself once, as any run does.
  await waitUntil(() => ids.every((id) => rx.deliveries.some((d) => d.accepted && JSON.parse(d.body).payload.id === id)),
    { timeoutMs: 60000, what: 'a processed webhook for every re-scored run' });
  const events = rx.deliveries.filter((d) => d.accepted).map((d) => JSON.parse(d.body));
  for (const id of ids) {
    const mine = events.filter((e) => e.payload.id === id);
    assert.equal(new Set(mine.map((e) => e.eventId)).size, 1, `one event for ${id}`);
    assert.equal(mine[0].eventType, 'evaluation_set_run.processed');
    assert.equal(mine[0].payload.rescoredFrom, source.id);
  }
  assert.deepEqual(srv.serverErrors(), []);
});
