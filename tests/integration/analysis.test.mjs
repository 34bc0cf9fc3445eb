// GET /evaluation_set_runs/{id}/analysis over real HTTP: error categories and ANLS*
// checked against the per-item results, stored once the run has finished, parameters
// validated; results.csv's category column agrees.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './harness.mjs';
import { waitForRun, allResults, seedInvoiceSet } from './eval_fixtures.mjs';

const FIELDS = ['invoice_number', 'vendor', 'total', 'invoice_date'];
const KEY = { correct: 'correct', missing: 'missing', hallucinated: 'hallucinated', format_only: 'formatOnly',
  near_miss: 'nearMiss', wrong_value: 'wrongValue' };

describe('run analysis', { timeout: 180000 }, () => {
  let srv, seeded, runId, results, firstAnswer;
  before(async () => {
    srv = await startServer();
    seeded = await seedInvoiceSet(srv, 5, { wrong: (i) => (i === 1 ? ['vendor'] : i === 2 ? ['total'] : []) });
    const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    runId = created.body.id;
    await waitForRun(srv.api, runId);
    firstAnswer = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`);  // before any other request
    results = await allResults(srv.api, runId);
  });
  after(async () => srv?.stop());

  test('categories partition each field and match the item results; anlsStar is their mean', async () => {
    const r = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = r.body;
    assert.equal(a.object, 'evaluation_set_run_analysis');
    assert.equal(a.scoringVersion, 'goldset-analysis-1');
    assert.equal(a.numItems, 5);
    for (const f of FIELDS) {
      const own = { correct: 0, missing: 0, hallucinated: 0, formatOnly: 0, nearMiss: 0, wrongValue: 0 };
      for (const item of results) {
        const cat = item.fields[f].category;
        assert.ok(cat in KEY, `${f}: ${cat}`);
        own[KEY[cat]] += 1;
        assert.equal(cat === 'correct', item.fields[f].verdict === 'correct', f);
      }
      const e = a.errors[f];
      for (const k of Object.keys(own)) assert.equal(e[k], own[k], `${f}.${k}`);
      assert.equal(e.total, 5);
    }
    assert.ok(a.errors.vendor.correct <= 4 && a.errors.total.correct <= 4, 'the wrong expectations are errors');
    const mean = results.reduce((s, item) => s + item.anlsStar, 0) / results.length;
    assert.ok(Math.abs(a.anlsStar.score - mean) < 1e-12, `${a.anlsStar.score} vs ${mean}`);
    assert.ok(a.anlsStar.score > 0.5 && a.anlsStar.score < 1);
    assert.deepEqual(Object.keys(a.anlsStar.fields).sort(), [...FIELDS].sort());
    assert.equal(a.usage.itemsWithLatency, 5);
    assert.equal(typeof a.usage.latencyMs.p95, 'number');
    assert.equal(typeof a.lineItems, 'object');
    assert.equal(typeof a.calibration, 'object');
  });

  test('tree-edit accuracy when asked: one value per item, wrong expectations lower it', async () => {
    const off = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`);
    assert.equal(off.body.treeEditAccuracy.computed, false);
    const on = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { treeEdit: 'true' } });
    assert.equal(on.status, 200);
    assert.equal(on.body.treeEditAccuracy.computed, true);
    assert.equal(on.body.treeEditAccuracy.numItems, 5);
    assert.ok(on.body.treeEditAccuracy.score > 0.8 && on.body.treeEditAccuracy.score < 1, JSON.stringify(on.body.treeEditAccuracy));
    // str() as in the reference: an expected 100 (integer) and an extracted 100.0 differ.
    assert.ok(on.body.treeEditAccuracy.fieldF1 >= 0.75 && on.body.treeEditAccuracy.fieldF1 < 1, JSON.stringify(on.body.treeEditAccuracy));
  });

  test('the default analysis was stored when the run finished, in its own table', async () => {
    const stored = firstAnswer;
    assert.equal(stored.status, 200);
    assert.equal(stored.headers['x-goldset-cache'], 'hit', 'the first request found it: the run\'s end stored it');
    assert.equal(stored.body.status, 'PROCESSED');
    // The same numbers as a fresh computation under other (equivalent-result) parameters.
    const fresh = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { targetPrecision: '0.95' } });
    assert.equal(fresh.headers['x-goldset-cache'], 'miss');
    for (const k of ['numItems', 'numItemsFailed', 'anlsStar', 'errors', 'lineItems', 'usage']) {
      assert.deepEqual(stored.body[k], fresh.body[k], k);
    }
  });

  test('a rescored run stores its analysis when it finishes too', async () => {
    const r = await srv.api('POST', `/evaluation_set_runs/${runId}/rescore`, { body: {} });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await waitForRun(srv.api, r.body.id);
    const a = await srv.api('GET', `/evaluation_set_runs/${r.body.id}/analysis`);
    assert.equal(a.headers['x-goldset-cache'], 'hit');
    assert.equal(a.body.runId, r.body.id);
    const original = (await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`)).body;
    assert.deepEqual(a.body.errors, original.errors);
    assert.equal(a.body.anlsStar.score, original.anlsStar.score);
  });

  test('a finished run is computed once and then served as stored', async () => {
    const q = { targetPrecision: '0.9' };
    const first = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: q });
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-goldset-cache'], 'miss');
    const again = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: q });
    assert.equal(again.headers['x-goldset-cache'], 'hit');
    assert.deepEqual(again.body, first.body);
  });

  test('bad parameters are 400 with the range; unknown runs 404', async () => {
    for (const v of ['0', '1.5', 'abc', '', 'nan', '-0.5']) {
      const r = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { targetPrecision: v } });
      assert.equal(r.status, 400, `${v}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /targetPrecision must be in \(0, 1\]/);
      assert.equal(typeof r.body.requestId, 'string');
    }
    const share = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { rowMatchShare: '2' } });
    assert.equal(share.status, 400);
    const ted = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { treeEdit: 'maybe' } });
    assert.equal(ted.status, 400);
    assert.match(ted.body.message, /treeEdit must be true or false/);
    const ok = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { targetPrecision: '1' } });
    assert.equal(ok.status, 200);
    const missing = await srv.api('GET', '/evaluation_set_runs/bpr_missing/analysis');
    assert.equal(missing.status, 404);
  });

  test('results.csv carries each field verdict\'s category', async () => {
    const res = await fetch(`${srv.url}/evaluation_set_runs/${runId}/results.csv`, {
      headers: { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09' } });
    const lines = (await res.text()).trim().split('\r\n');
    assert.equal(lines[0].split(',').at(-1), 'category');
    for (const item of results) {
      for (const f of FIELDS) {
        const row = lines.find((l) => l.startsWith(`${item.evaluationSetItemId},`) && l.includes(`,${f},`));
        assert.ok(row, `${item.evaluationSetItemId} ${f}`);
        assert.ok(row.endsWith(`,${item.fields[f].category}`), row);
      }
    }
  });
});

// --max-analysis-work bounds the tree-edit and GriTS work of one analysis request: past it
// the request is refused with 413 and a message naming the flag, never answered partially.
describe('--max-analysis-work bounds one analysis request', { timeout: 120000 }, () => {
  let srv, runId;
  before(async () => {
    // 5 invoices of 4 fields: about 9 x 9 tree-edit cells each, 20 work units per cell.
    srv = await startServer({ args: ['--max-analysis-work', '3000'] });
    const seeded = await seedInvoiceSet(srv, 5);
    runId = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body.id;
    await waitForRun(srv.api, runId);
  });
  after(async () => srv?.stop());

  test('over the bound: 413 with the flag named; the default analysis is unaffected', async () => {
    const over = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { treeEdit: 'true' } });
    assert.equal(over.status, 413, JSON.stringify(over.body));
    assert.equal(over.body.code, 'INVALID_REQUEST');
    assert.match(over.body.message, /over --max-analysis-work \(3000 steps/);
    assert.equal(typeof over.body.requestId, 'string');
    const plain = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.treeEditAccuracy.computed, false);
    // GriTS needs array-of-objects fields; these invoices have none, so it costs nothing.
    const grits = await srv.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { grits: 'true' } });
    assert.equal(grits.status, 200);
  });

  test('a bound that fits the run answers, and 0 means no bound', async () => {
    for (const args of [['--max-analysis-work', '1000000'], ['--max-analysis-work', '0']]) {
      const other = await startServer({ dataDir: srv.dataDir, key: srv.key, args });
      try {
        const r = await other.api('GET', `/evaluation_set_runs/${runId}/analysis`, { query: { treeEdit: 'true' } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.treeEditAccuracy.numItems, 5);
      } finally {
        await other.stop();
      }
    }
  });

  test('a value that is not a whole number in range stops the server at start', async () => {
    for (const bad of ['-1', '2.5', '1e16', 'lots']) {
      const r = await startServer({ args: ['--max-analysis-work', bad] }).then(() => null, (e) => e);
      assert.ok(r, `--max-analysis-work ${bad} was accepted`);
      assert.match(String(r.message), /--max-analysis-work must be/);
    }
  });
});

// A stand-in for an OpenAI-compatible endpoint: reads the invoice from the prompt and
// reports usage, 100 prompt and 20 completion tokens per call.
function startLlm() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const msg = JSON.parse(body);
      const text = msg.messages.map((m) => m.content).join('\n');
      const grab = (re) => (text.match(re) || [])[1] ?? null;
      const value = { invoice_number: grab(/Invoice No:\s*([A-Z0-9-]+)/), vendor: grab(/Vendor:\s*([^\n]+)/),
        total: Number(grab(/Total:\s*\$?([0-9.]+)/)), invoice_date: grab(/Date:\s*([0-9-]+)/) };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(value) } }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// An endpoint that answers only when released: a run stays PROCESSING meanwhile.
function startGatedLlm() {
  let release;
  const gate = new Promise((r) => { release = r; });
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const first = calls++ === 0;
      if (!first) await gate;
      const text = JSON.parse(body).messages.map((m) => m.content).join('\n');
      const grab = (re) => (text.match(re) || [])[1] ?? null;
      const value = { invoice_number: grab(/Invoice No:\s*([A-Z0-9-]+)/), vendor: grab(/Vendor:\s*([^\n]+)/),
        total: Number(grab(/Total:\s*\$?([0-9.]+)/)), invoice_date: grab(/Date:\s*([0-9-]+)/) };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(value) } }] }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, release: () => release() })));
}

describe('analysis while a run goes on', { timeout: 180000 }, () => {
  let srv, llm;
  before(async () => {
    srv = await startServer();
    llm = await startGatedLlm();
  });
  after(async () => {
    llm?.release();
    await srv?.stop();
    await new Promise((r) => llm?.server.close(r));
  });

  test('computed live from the items finished so far, then stored at the end', async () => {
    const engine = { type: 'llm', baseUrl: `http://127.0.0.1:${llm.server.address().port}/v1`, model: 'stand-in' };
    const seeded = await seedInvoiceSet(srv, 3, { engine });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    let live;
    for (let i = 0; i < 600; ++i) {  // until the first item is done (the others wait at the gate)
      live = await srv.api('GET', `/evaluation_set_runs/${run.body.id}/analysis`);
      if (live.body.numItems >= 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'PROCESSING');
    assert.equal(live.body.numItems, 1);
    assert.equal(live.headers['x-goldset-cache'], 'bypass', 'a running run\'s analysis is not stored');
    llm.release();
    const done = await waitForRun(srv.api, run.body.id);
    assert.equal(done.status, 'PROCESSED');
    const stored = await srv.api('GET', `/evaluation_set_runs/${run.body.id}/analysis`);
    assert.equal(stored.headers['x-goldset-cache'], 'hit');
    assert.equal(stored.body.status, 'PROCESSED');
    assert.equal(stored.body.numItems, 3);
  });
});

describe('usage and cost from the llm engine', { timeout: 180000 }, () => {
  let srv, llm;
  before(async () => {
    srv = await startServer();
    llm = await startLlm();
  });
  after(async () => {
    await srv?.stop();
    await new Promise((r) => llm?.close(r));
  });

  test('tokens summed, engine.pricing turns them into cost per item and per correct field', async () => {
    const engine = { type: 'llm', baseUrl: `http://127.0.0.1:${llm.address().port}/v1`, model: 'stand-in',
      pricing: { promptPer1M: 3, completionPer1M: 15, currency: 'USD' } };
    const seeded = await seedInvoiceSet(srv, 3, { engine, wrong: (i) => (i === 0 ? ['vendor'] : []) });
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const done = await waitForRun(srv.api, run.body.id);
    assert.equal(done.status, 'PROCESSED');
    const a = (await srv.api('GET', `/evaluation_set_runs/${run.body.id}/analysis`)).body;
    for (const item of await allResults(srv.api, run.body.id)) {  // each item result carries its usage and latency
      assert.equal(item.usage.promptTokens, 100, JSON.stringify(item.usage));
      assert.equal(item.usage.completionTokens, 20);
      assert.ok(Math.abs(item.usage.cost - (100 * 3 + 20 * 15) / 1e6) < 1e-15);
      assert.equal(typeof item.latencyMs, 'number');
    }
    assert.equal(a.usage.itemsWithUsage, 3);
    assert.equal(a.usage.promptTokens, 300);
    assert.equal(a.usage.completionTokens, 60);
    const cost = (300 * 3 + 60 * 15) / 1e6;
    assert.ok(Math.abs(a.usage.cost - cost) < 1e-12, `${a.usage.cost}`);
    assert.equal(a.usage.currency, 'USD');
    assert.ok(Math.abs(a.usage.costPerItem - cost / 3) < 1e-12);
    assert.ok(Math.abs(a.usage.costPerCorrectField - cost / 11) < 1e-12, 'one wrong field of twelve');
  });

  test('bad pricing is refused with its path', async () => {
    for (const pricing of [{ promptPer1M: -1, completionPer1M: 1 }, { promptPer1M: 1 }, 'cheap',
      { promptPer1M: 1, completionPer1M: 1, currency: 'dollars' }]) {
      const engine = { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', pricing };
      const r = await srv.api('POST', '/extractors', { body: { name: 'x', config: { schema: { type: 'object', properties: {} }, engine } } });
      assert.equal(r.status, 400, `${JSON.stringify(pricing)}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /config\.engine\.pricing/);
    }
  });
});
