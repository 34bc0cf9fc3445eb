// Evaluation runs over real HTTP: lifecycle, metrics checked against values computed
// here, subsets, pinned versions, results/CSV/compare, cancel, item failures, crash safety.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './harness.mjs';
import { startEngineStub } from './engine_stub.mjs';
import {
  invoiceSchema, invoiceText, invoiceExpected, sameValue, waitForRun, allResults, uploadBytes, seedInvoiceSet,
} from './eval_fixtures.mjs';

const FIELDS = ['invoice_number', 'vendor', 'total', 'invoice_date'];

// Accuracy computed independently from the per-item results: the share of expected
// fields whose actual value equals the expected one.
function ownAccuracy(results) {
  let right = 0, total = 0;
  const perField = Object.fromEntries(FIELDS.map((f) => [f, { accurate: 0, expected: 0 }]));
  for (const r of results) {
    if (r.status !== 'PROCESSED') continue;
    for (const f of FIELDS) {
      const exp = r.expectedOutput.value[f];
      const act = r.actualOutput.value[f];
      total += 1;
      perField[f].expected += 1;
      if (sameValue(exp, act)) { right += 1; perField[f].accurate += 1; }
    }
  }
  return { accuracy: right / total, perField };
}

// A bring-your-own processor for the http engine: reads the fields with the same
// patterns, after `delayMs`; `failFor` names files it answers 500 for.
function startEngine({ delayMs = 0, failFor = new Set() } = {}) {
  const calls = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const msg = JSON.parse(body);
      calls.push(msg.file.name);
      setTimeout(() => {
        if (failFor.has(msg.file.name)) { res.writeHead(500); res.end('boom'); return; }
        const text = msg.document.pages.map((p) => p.text).join('\n');
        const grab = (re) => (text.match(re) || [])[1] ?? null;
        const value = {
          invoice_number: grab(/Invoice No:\s*([A-Z0-9-]+)/), vendor: grab(/Vendor:\s*([^\n]+)/),
          total: grab(/Total:\s*\$?([0-9.]+)/) === null ? null : Number(grab(/Total:\s*\$?([0-9.]+)/)),
          invoice_date: grab(/Date:\s*([0-9-]+)/),
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value, metadata: {} }));
      }, delayMs);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/process`, calls, close: () => new Promise((r) => server.close(r)),
  })));
}

describe('runs with the rules engine', () => {
  let srv, seeded;
  before(async () => {
    srv = await startServer();
    // Items 1 and 2 carry a deliberately wrong expectation for one field each.
    seeded = await seedInvoiceSet(srv, 6, { wrong: (i) => (i === 1 ? ['vendor'] : i === 2 ? ['total'] : []) });
  });
  after(async () => srv?.stop());

  test('run to PROCESSED; metrics equal values computed from the results', async () => {
    const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const run = created.body;
    assert.equal(run.object, 'evaluation_set_run');
    assert.match(run.id, /^bpr_/);
    assert.equal(run.status, 'PENDING');
    assert.equal(run.entityVersion.version, 'draft');
    assert.equal(run.entityVersion.object, 'extractor_version');
    assert.equal(run.entity.id, seeded.extractor.id);
    assert.equal(run.metrics.type, 'EXTRACT');
    assert.equal(run.metrics.numFilesTotal, 6);
    assert.deepEqual(run.options, { fuzzyMatchFields: [], excludeFields: [] });

    const done = await waitForRun(srv.api, run.id);
    assert.equal(done.status, 'PROCESSED');
    const results = await allResults(srv.api, run.id);
    assert.equal(results.length, 6);
    const own = ownAccuracy(results);
    assert.ok(Math.abs(done.metrics.accuracy - own.accuracy) < 1e-9, `${done.metrics.accuracy} vs ${own.accuracy}`);
    assert.ok(own.accuracy < 1 && own.accuracy > 0.8, `own accuracy ${own.accuracy}`);
    for (const f of FIELDS) {
      const m = done.metrics.fieldMetrics[f];
      assert.equal(m.countExpected, own.perField[f].expected, f);
      assert.equal(m.countAccurate, own.perField[f].accurate, f);
      assert.equal(m.countTotal, 6);
    }
    assert.equal(done.metrics.numFilesProcessed, 6);
    assert.equal(done.metrics.numFiles, 6);
    assert.equal(done.metrics.numFilesFailed, 0);
    assert.ok(done.metrics.p50LatencyMs <= done.metrics.p99LatencyMs);
    assert.equal(typeof done.metrics.meanLatencyMs, 'number');
    const item1 = results.find((r) => r.evaluationSetItemId === seeded.items[1].id);
    assert.equal(item1.correct, false);
    assert.equal(item1.fields.vendor.verdict, 'incorrect');
    assert.equal(item1.fields.invoice_number.verdict, 'correct');
  });

  test('subset and pinned version; the run keeps its config snapshot', async () => {
    const pub = await srv.api('POST', `/extractors/${seeded.extractor.id}/versions`, { body: { releaseType: 'major' } });
    assert.equal(pub.status, 200, JSON.stringify(pub.body));
    // Break the draft: vendor now reads the invoice number.
    const broken = structuredClone(invoiceSchema);
    broken.properties.vendor['x-rules'] = { patterns: ['Invoice No:\\s*(\\S+)'] };
    const upd = await srv.api('POST', `/extractors/${seeded.extractor.id}`, { body: { config: { schema: broken } } });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));

    const ids = [seeded.items[0].id, seeded.items[3].id];
    const pinned = await srv.api('POST', '/evaluation_set_runs', {
      body: { evaluationSetId: seeded.set.id, entity: { id: seeded.extractor.id, version: pub.body.version }, evaluationSetItemIds: ids } });
    assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
    assert.equal(pinned.body.entityVersion.version, pub.body.version);
    assert.equal(pinned.body.metrics.numFilesTotal, 2);
    const latest = await srv.api('POST', '/evaluation_set_runs', {
      body: { evaluationSetId: seeded.set.id, entity: { id: seeded.extractor.id }, evaluationSetItemIds: ids } });
    assert.equal(latest.body.entityVersion.version, pub.body.version, 'entity without version runs the latest published');
    const draft = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id, evaluationSetItemIds: ids } });
    assert.equal(draft.body.entityVersion.version, 'draft');

    const p = await waitForRun(srv.api, pinned.body.id);
    const d = await waitForRun(srv.api, draft.body.id);
    assert.equal(p.metrics.fieldMetrics.vendor.countAccurate, 2);
    assert.equal(d.metrics.fieldMetrics.vendor.countAccurate, 0);
    assert.equal(p.metrics.accuracy, 1);

    const cmp = await srv.api('GET', `/evaluation_set_runs/${draft.body.id}/compare`, { query: { baseline: pinned.body.id } });
    assert.equal(cmp.status, 200, JSON.stringify(cmp.body));
    assert.equal(cmp.body.baselineRunId, pinned.body.id);
    assert.ok(cmp.body.accuracy.delta < 0);
    assert.equal(cmp.body.regressedItems.length, 2);
    assert.ok(cmp.body.regressedItems[0].fields.includes('vendor'));
    assert.equal(typeof cmp.body.mcnemar.pValue, 'number');
    const again = await srv.api('GET', `/evaluation_set_runs/${draft.body.id}/compare`, { query: { baseline: pinned.body.id } });
    assert.deepEqual(again.body.accuracy, cmp.body.accuracy, 'bootstrap is reproducible');
    await srv.api('POST', `/extractors/${seeded.extractor.id}`, { body: { config: { schema: invoiceSchema } } });
  });

  test('results.csv has one row per item and field, RFC 4180 quoted', async () => {
    const runs = await srv.api('GET', '/evaluation_set_runs', { query: { evaluationSetId: seeded.set.id, sortBy: 'createdAt', sortDir: 'asc' } });
    assert.ok(runs.body.data.length >= 1);
    const first = runs.body.data[0];
    const res = await fetch(`${srv.url}/evaluation_set_runs/${first.id}/results.csv`, {
      headers: { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/csv/);
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    assert.equal(lines[0], 'itemId,fileName,fieldPath,expected,actual,verdict,score,reason,category');
    assert.equal(lines.length - 1, 6 * FIELDS.length);
    assert.ok(lines.some((l) => l.includes(',vendor,WRONG,') && /,incorrect,[^,]*,[a-z_]+,(wrong_value|near_miss|format_only)$/.test(l)),
      'a wrong vendor carries its error category');
    assert.ok(lines.slice(1).every((l) => /,(correct|missing|hallucinated|format_only|near_miss|wrong_value|)$/.test(l)));
  });

  test('run validation', async () => {
    const cases = [
      [{}, 400], [{ evaluationSetId: 'ev_missing' }, 404],
      [{ evaluationSetId: seeded.set.id, entity: { id: 'ex_missing' } }, 404],
      [{ evaluationSetId: seeded.set.id, entity: { id: seeded.extractor.id, version: '9.9' } }, 404],
      [{ evaluationSetId: seeded.set.id, evaluationSetItemIds: ['evi_missing'] }, 404],
      [{ evaluationSetId: seeded.set.id, evaluationSetItemIds: [] }, 400],
      [{ evaluationSetId: seeded.set.id, options: { excludeFields: ['no_such_field'] } }, 400],
      [{ evaluationSetId: seeded.set.id, options: { fuzzyThreshold: 2 } }, 400],
      [{ evaluationSetId: seeded.set.id, options: { bogus: 1 } }, 400],
      [{ evaluationSetId: 42 }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await srv.api('POST', '/evaluation_set_runs', { body });
      assert.equal(r.status, status, `${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`);
    }
    const empty = await srv.api('POST', '/evaluation_sets', { body: { name: 'empty', entityId: seeded.extractor.id } });
    const r = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: empty.body.id } });
    assert.equal(r.status, 400);
  });

  test('excluded and fuzzy fields', async () => {
    const r = await srv.api('POST', '/evaluation_set_runs', {
      body: { evaluationSetId: seeded.set.id, options: { excludeFields: ['vendor', 'total'] } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const done = await waitForRun(srv.api, r.body.id);
    assert.deepEqual(done.options.excludeFields, ['vendor', 'total']);
    assert.equal(done.metrics.accuracy, 1, 'the wrong expectations were only in excluded fields');
  });
});

describe('failures, cancel and crash safety', () => {
  test('an unreadable file fails its item, not the run', async (t) => {
    const srv = await startServer();
    t.after(() => srv.stop());
    const seeded = await seedInvoiceSet(srv, 2);
    const bad = await uploadBytes(srv, 'broken.pdf', Buffer.from('%PDF-1.7\n1 0 obj <<>> garbage'), 'application/pdf');
    await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items`, { body: { items: [{ fileId: bad.id, expectedOutput: invoiceExpected(0) }] } });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    const done = await waitForRun(srv.api, run.body.id);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.metrics.numFilesFailed, 1);
    assert.equal(done.metrics.numFilesProcessed, 3);
    const results = await allResults(srv.api, run.body.id);
    const failed = results.find((r) => r.status === 'FAILED');
    assert.ok(failed.error.message.length > 10, failed.error.message);
    assert.equal(done.metrics.fieldMetrics.vendor.countExpected, 2, 'failed items are left out of field metrics');
  });

  test('every item failing fails the run', async (t) => {
    const srv = await startServer();
    t.after(() => srv.stop());
    const engine = await startEngine({ failFor: new Set(['invoice-0.txt', 'invoice-1.txt']) });
    t.after(() => engine.close());
    const seeded = await seedInvoiceSet(srv, 2, { engine: { type: 'http', url: engine.url } });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 60000 });
    assert.equal(done.status, 'FAILED');
    assert.equal(done.metrics.numFilesFailed, 2);
    assert.ok(engine.calls.length >= 4, 'transient 5xx were retried');
  });

  test('M10: the item retry limit holds: an engine that always answers 503 fails the item with its error after --item-attempts', async (t) => {
    const srv = await startServer({ args: ['--item-attempts', '2', '--retry-base-ms', '10'] });
    t.after(() => srv.stop());
    const engine = await startEngineStub(() => ({ status: 503, body: 'engine overloaded' }));
    t.after(() => engine.close());
    const seeded = await seedInvoiceSet(srv, 1, { engine: { type: 'http', url: engine.url } });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 60000 });
    assert.equal(done.status, 'FAILED');
    const [item] = await allResults(srv.api, run.body.id);
    assert.equal(item.status, 'FAILED');
    assert.equal(item.error.code, 'ENGINE_UNAVAILABLE');
    assert.match(item.error.message, /http engine returned 503: engine overloaded \(after 3 attempts\)/);
    assert.doesNotMatch(item.error.message, /worker lost/);
    // 2 item attempts, each making the engine call's 3 tries (processors::EngineContext).
    assert.equal(engine.requests.length, 2 * 3);
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('cancel stops claiming; in-flight items finish; metrics cover completed items', async (t) => {
    const srv = await startServer({ args: ['--workers', '1'] });
    t.after(() => srv.stop());
    const engine = await startEngine({ delayMs: 300 });
    t.after(() => engine.close());
    const seeded = await seedInvoiceSet(srv, 20, { engine: { type: 'http', url: engine.url } });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    await waitForRun(srv.api, run.body.id, { until: (r) => r.metrics.numFilesProcessed >= 2 });
    const c = await srv.api('POST', `/evaluation_set_runs/${run.body.id}/cancel`, { body: {} });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.ok(['CANCELLING', 'CANCELLED'].includes(c.body.status));
    const done = await waitForRun(srv.api, run.body.id);
    assert.equal(done.status, 'CANCELLED');
    assert.ok(done.metrics.numFilesProcessed < 20 && done.metrics.numFilesProcessed >= 2);
    const results = await allResults(srv.api, run.body.id);
    assert.equal(results.filter((r) => r.status === 'PROCESSED').length, done.metrics.numFilesProcessed);
    const again = await srv.api('POST', `/evaluation_set_runs/${run.body.id}/cancel`, { body: {} });
    assert.equal(again.status, 400);
  });

  test('kill -9 mid-run: the run completes, every item scored once, metrics equal an uninterrupted run', async (t) => {
    const args = ['--item-timeout-ms', '2000', '--workers', '2'];
    const srv = await startServer({ args });
    t.after(() => srv.stop());
    const engine = await startEngine({ delayMs: 20 });
    t.after(() => engine.close());
    const n = 500;
    const seeded = await seedInvoiceSet(srv, n, { engine: { type: 'http', url: engine.url }, wrong: (i) => (i % 7 === 0 ? ['vendor'] : []) });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    await waitForRun(srv.api, run.body.id, { until: (r) => r.metrics.numFilesProcessed >= 50 });
    await srv.kill9();
    await srv.restart();
    const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 120000 });
    assert.equal(done.status, 'PROCESSED');
    const results = await allResults(srv.api, run.body.id);
    assert.equal(results.length, n);
    assert.equal(new Set(results.map((r) => r.evaluationSetItemId)).size, n);
    assert.ok(results.every((r) => r.status === 'PROCESSED'));
    assert.equal(done.metrics.numFilesProcessed, n);

    const clean = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    const cleanDone = await waitForRun(srv.api, clean.body.id, { timeoutMs: 120000 });
    assert.equal(done.metrics.accuracy, cleanDone.metrics.accuracy);
    assert.deepEqual(done.metrics.fieldMetrics, cleanDone.metrics.fieldMetrics);
  });
});
