// GET /evaluation_set_runs/{id}/compare with its decision layer (issue #19) and
// GET /evaluation_set_runs/{id}/summary, over real HTTP. Two runs of a bring-your-own
// processor whose mistakes are planted by item index, so every figure the server reports
// is recomputed here from the plan, with formulas written independently of the C++:
// exact McNemar from binomial coefficients, Holm, Wilson, the exact paired bootstrap by
// enumerating the multinomial, and Connor's power approximation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, expectError, runCli } from './harness.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import { invoiceText, invoiceSchema, waitForRun, seedInvoiceSet } from './eval_fixtures.mjs';

const N = 60;
const FIELDS = ['invoice_number', 'vendor', 'total', 'invoice_date'];
// The plan: field -> item indexes it gets wrong, per variant.
const PLAN = {
  base: { vendor: (i) => i % 6 === 0 },                                 // 10 wrong vendors
  cand: { total: (i) => i % 2 === 1, invoice_date: (i) => i === 2 },    // 30 wrong totals, 1 date
};
const wrongIn = (variant, field, i) => Boolean(PLAN[variant][field]?.(i));
const itemRight = (variant, i) => FIELDS.every((f) => !wrongIn(variant, f, i));

// The processor: reads the truth from the document text, then spoils what the plan says.
function startPlannedEngine() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const msg = JSON.parse(body);
      const variant = req.url.endsWith('/cand') ? 'cand' : 'base';
      const i = Number(/invoice-(\d+)\.txt/.exec(msg.file.name)[1]);
      const text = invoiceText(i);
      const value = {
        invoice_number: /Invoice No:\s*(\S+)/.exec(text)[1],
        vendor: /Vendor:\s*([^\n]+)/.exec(text)[1],
        total: Number(/Total:\s*\$([0-9.]+)/.exec(text)[1]),
        invoice_date: /Date:\s*(\S+)/.exec(text)[1],
      };
      if (wrongIn(variant, 'vendor', i)) value.vendor = 'Nobody Inc';
      if (wrongIn(variant, 'total', i)) value.total += 1;
      if (wrongIn(variant, 'invoice_date', i)) value.invoice_date = '1999-01-01';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value, metadata: {} }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/extract`, close: () => new Promise((r) => server.close(r)),
  })));
}

// ---- statistics written here, independently of src/eval ----
function logChoose(n, k) {
  let s = 0;
  for (let j = 1; j <= k; ++j) s += Math.log(n - k + j) - Math.log(j);
  return s;
}
function mcnemar(b, c) {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); ++k) tail += Math.exp(logChoose(n, k) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}
function holm(ps) {
  const order = ps.map((p, i) => [p, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => { running = Math.max(running, Math.min(1, (ps.length - rank) * p)); out[i] = running; });
  return out;
}
const Z975 = 1.959963984540054, Z80 = 0.8416212335729143; // scipy.stats.norm.ppf
function wilson(k, n) {
  const p = k / n, z = Z975, d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d, h = (z / d) * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return { low: k === 0 ? 0 : c - h, high: k === n ? 1 : c + h };
}
// Resampling n items: (i baseline-only, j candidate-only) multinomial; delta = (j - i) / n.
function exactBootstrap(n, b, c) {
  const pb = b / n, pc = c / n, pr = 1 - pb - pc;
  const mass = new Map();
  for (let i = 0; i <= n; ++i) {
    for (let j = 0; i + j <= n; ++j) {
      const r = n - i - j;
      if ((i > 0 && pb === 0) || (j > 0 && pc === 0) || (r > 0 && pr === 0)) continue;
      const logp = logChoose(n, i) + logChoose(n - i, j) + (i ? i * Math.log(pb) : 0) + (j ? j * Math.log(pc) : 0) + (r ? r * Math.log(pr) : 0);
      mass.set(j - i, (mass.get(j - i) ?? 0) + Math.exp(logp));
    }
  }
  const ks = [...mass.keys()].sort((x, y) => x - y);
  const total = ks.reduce((s, k) => s + mass.get(k), 0);
  let cum = 0, low = null, high = null;
  for (const k of ks) {
    cum += mass.get(k);
    if (low === null && cum >= 0.025 * total * (1 - 1e-12)) low = k;
    if (high === null && cum >= 0.975 * total * (1 - 1e-12)) high = k;
  }
  return { low: low / n, high: high / n };
}
function itemsNeeded(effect, psi, zAlpha = Z975) {
  const e = Math.abs(effect), p = Math.max(psi, e);
  return (zAlpha * Math.sqrt(p) + Z80 * Math.sqrt(p - e * e)) ** 2 / (e * e);
}
function mde(n, psi, zAlpha = Z975) {
  let lo = 0, hi = 1;
  for (let k = 0; k < 200; ++k) { const mid = (lo + hi) / 2; if (itemsNeeded(mid, psi, zAlpha) <= n) hi = mid; else lo = mid; }
  return hi;
}
const close = (got, want, tol, what) => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}`);

describe('compare: verdicts, intervals, power, newly incorrect items', () => {
  let srv, engine, seeded, baseRun, candRun;
  before(async () => {
    engine = await startPlannedEngine();
    srv = await startServer({ args: ['--max-stored-comparisons', '3'] });
    seeded = await seedInvoiceSet(srv, N, { engine: { type: 'http', url: `${engine.url}/base` } });
    const a = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    baseRun = await waitForRun(srv.api, a.body.id);
    const upd = await srv.api('POST', `/extractors/${seeded.extractor.id}`,
      { body: { config: { schema: invoiceSchema, engine: { type: 'http', url: `${engine.url}/cand` } } } });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    const b = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    candRun = await waitForRun(srv.api, b.body.id);
    assert.equal(baseRun.status, 'PROCESSED');
    assert.equal(candRun.status, 'PROCESSED');
  });
  after(async () => { await srv?.stop(); await engine?.close(); });

  const compare = (query = {}) => srv.api('GET', `/evaluation_set_runs/${candRun.id}/compare`, { query: { baseline: baseRun.id, ...query } });

  test('every field and the overall verdict match the plan', { timeout: 60000 }, async () => {
    const r = await compare();
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const c = r.body;
    // Existing fields keep their names and meaning.
    assert.equal(c.object, 'evaluation_set_run_comparison');
    assert.equal(c.numItemsCompared, N);
    close(c.accuracy.delta, -21 / (4 * N), 1e-12, 'accuracy.delta (230/240 -> 209/240)');
    assert.equal(c.accuracy.resamples, 10000);

    // Items: baseline right unless i % 6 == 0; candidate right unless i odd or i == 2.
    let b = 0, cc = 0;
    for (let i = 0; i < N; ++i) { b += itemRight('base', i) && !itemRight('cand', i); cc += !itemRight('base', i) && itemRight('cand', i); }
    assert.deepEqual([b, cc], [31, 10]);
    assert.deepEqual([c.mcnemar.regressed, c.mcnemar.improved], [b, cc]);
    close(c.pValue, mcnemar(b, cc), 1e-12, 'pValue');
    assert.equal(c.pValue, c.mcnemar.pValue);
    assert.equal(c.verdict, 'regressed');
    assert.equal(c.delta, c.accuracy.delta);
    assert.deepEqual(c.ci95, c.accuracy.ci95);
    assert.ok(c.ci95.high < 0, 'a clear drop');
    assert.equal(c.nonInferior, false);
    assert.deepEqual(c.parameters, { alpha: 0.05, margin: 0.01, effect: 0.01, power: 0.8 });
    const psi = (b + cc) / N;
    close(c.discordanceRate, psi, 1e-12, 'discordanceRate');
    close(c.minimumDetectableEffect, mde(N, psi), 1e-9, 'minimumDetectableEffect');
    assert.equal(c.itemsNeeded, Math.ceil(itemsNeeded(0.01, psi)));
    const itemsBase = 50, itemsCand = 29;
    close(c.itemAccuracy.baseline, itemsBase / N, 1e-12, 'itemAccuracy.baseline');
    for (const [got, want] of [[c.itemAccuracy.baselineCi95, wilson(itemsBase, N)], [c.itemAccuracy.candidateCi95, wilson(itemsCand, N)]]) {
      close(got.low, want.low, 1e-12, 'item Wilson low');
      close(got.high, want.high, 1e-12, 'item Wilson high');
    }

    // Fields: McNemar per field on items, Holm across the four, exact bootstrap, Wilson.
    const tallies = FIELDS.map((f) => {
      let bo = 0, co = 0, br = 0, cr = 0;
      for (let i = 0; i < N; ++i) {
        const x = !wrongIn('base', f, i), y = !wrongIn('cand', f, i);
        bo += x && !y; co += y && !x; br += x; cr += y;
      }
      return { f, bo, co, br, cr };
    });
    const adjusted = holm(tallies.map((t) => mcnemar(t.bo, t.co)));
    const verdicts = {};
    tallies.forEach((t, k) => {
      const got = c.fields[t.f];
      assert.ok(got, `fields.${t.f}`);
      assert.equal(got.numItems, N);
      close(got.delta, (t.co - t.bo) / N, 1e-12, `${t.f}.delta`);
      assert.deepEqual([got.regressed, got.improved], [t.bo, t.co]);
      close(got.pValue, mcnemar(t.bo, t.co), 1e-12, `${t.f}.pValue`);
      close(got.pValueAdjusted, adjusted[k], 1e-12, `${t.f}.pValueAdjusted`);
      const ci = exactBootstrap(N, t.bo, t.co);
      close(got.ci95.low, ci.low, 1e-12, `${t.f}.ci95.low`);
      close(got.ci95.high, ci.high, 1e-12, `${t.f}.ci95.high`);
      close(got.baselineCi95.low, wilson(t.br, N).low, 1e-12, `${t.f}.baselineCi95`);
      close(got.candidateCi95.high, wilson(t.cr, N).high, 1e-12, `${t.f}.candidateCi95`);
      verdicts[t.f] = got.verdict;
    });
    assert.deepEqual(verdicts, { invoice_number: 'no_change', vendor: 'improved', total: 'regressed', invoice_date: 'no_change' });

    // Newly incorrect: the 30 odd items (total) and item 2 (invoice_date); newly correct: even multiples of 6.
    const byIndex = new Map(seeded.items.map((it, i) => [it.id, i]));
    const wrong = new Map(c.newlyIncorrect.map((x) => [byIndex.get(x.evaluationSetItemId), x.fields]));
    assert.equal(wrong.size, b);
    for (const [i, fields] of wrong) assert.deepEqual(fields, i === 2 ? ['invoice_date'] : ['total'], `item ${i}`);
    const right = new Map(c.newlyCorrect.map((x) => [byIndex.get(x.evaluationSetItemId), x.fields]));
    assert.deepEqual([...right.keys()].sort((x, y) => x - y), [0, 6, 12, 18, 24, 30, 36, 42, 48, 54]);
    for (const fields of right.values()) assert.deepEqual(fields, ['vendor']);
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('alpha, margin and effect change the answer and the stored entry', { timeout: 60000 }, async () => {
    const strict = await compare({ alpha: '0.0001', margin: '0.2', effect: '0.05' });
    assert.equal(strict.status, 200, JSON.stringify(strict.body));
    const c = strict.body;
    assert.deepEqual(c.parameters, { alpha: 0.0001, margin: 0.2, effect: 0.05, power: 0.8 });
    // McNemar(31, 10) is about 0.0015: not below 0.0001.
    assert.equal(c.verdict, 'no_change');
    assert.equal(c.fields.total.verdict, 'regressed');   // Holm-adjusted ~7e-9
    assert.equal(c.fields.vendor.verdict, 'no_change');  // adjusted 0.0059
    assert.equal(c.nonInferior, c.ci95.low > -0.2);
    assert.equal(c.nonInferior, true);
    const psi = 41 / N, zAlpha = 3.8905918864131204; // scipy.stats.norm.ppf(1 - 0.0001 / 2)
    assert.equal(c.itemsNeeded, Math.ceil(itemsNeeded(0.05, psi, zAlpha)));
    close(c.minimumDetectableEffect, mde(N, psi, zAlpha), 1e-9, 'minimumDetectableEffect at alpha 1e-4');
  });

  test('stored per parameter set: miss, then hit; the same numbers written differently hit', { timeout: 60000 }, async () => {
    const first = await compare({ alpha: '0.02' });
    assert.equal(first.headers['x-goldset-cache'], 'miss');
    const again = await compare({ alpha: '2e-2' });
    assert.equal(again.headers['x-goldset-cache'], 'hit');
    assert.equal(again.text, first.text);
    const other = await compare({ alpha: '0.03' });
    assert.equal(other.headers['x-goldset-cache'], 'bypass', 'a 4th set for this pair: over --max-stored-comparisons 3');
    assert.equal(other.body.parameters.alpha, 0.03);
    assert.equal((await compare({ alpha: '0.03' })).headers['x-goldset-cache'], 'bypass');
    assert.equal((await compare()).headers['x-goldset-cache'], 'hit', 'the default set is stored (first test)');
    // The reverse pair has its own allowance.
    const reverse = await srv.api('GET', `/evaluation_set_runs/${baseRun.id}/compare`, { query: { baseline: candRun.id, alpha: '0.03' } });
    assert.equal(reverse.headers['x-goldset-cache'], 'miss');
    assert.equal(reverse.body.verdict, 'improved');
  });

  test('bad parameters: 400 with the rule, nothing stored', { timeout: 60000 }, async () => {
    const cases = [
      [{ alpha: '0' }, 'alpha must be a number in (0, 0.5]'],
      [{ alpha: '0.6' }, 'alpha must be a number in (0, 0.5]'],
      [{ alpha: 'abc' }, 'alpha must be a number in (0, 0.5]'],
      [{ alpha: '' }, 'alpha must be a number in (0, 0.5]'],
      [{ alpha: 'inf' }, 'alpha must be a number in (0, 0.5]'],
      [{ alpha: '0.05x' }, 'alpha must be a number in (0, 0.5]'],
      [{ margin: '-0.01' }, 'margin must be a number in [0, 1]'],
      [{ margin: '1.5' }, 'margin must be a number in [0, 1]'],
      [{ effect: '0' }, 'effect must be a number in (0, 1]'],
      [{ effect: '2' }, 'effect must be a number in (0, 1]'],
      [{ effect: 'nan' }, 'effect must be a number in (0, 1]'],
    ];
    for (const [query, message] of cases) {
      const r = await compare(query);
      expectError(assert, r, 400, 'INVALID_REQUEST');
      assert.ok(r.body.message.startsWith(message), `${JSON.stringify(query)}: ${r.body.message}`);
    }
    const twice = await fetch(`${srv.url}/evaluation_set_runs/${candRun.id}/compare?baseline=${baseRun.id}&alpha=0.05&alpha=0.01`, {
      headers: { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09' } });
    assert.equal(twice.status, 400);
    assert.match((await twice.json()).message, /^alpha must be a number/);
    // Edges are accepted.
    for (const query of [{ alpha: '0.5' }, { margin: '0' }, { margin: '1' }, { effect: '1' }]) {
      const r = await compare(query);
      assert.equal(r.status, 200, `${JSON.stringify(query)}: ${JSON.stringify(r.body)}`);
    }
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('goldset eval --server gates on the stored runs through the compare endpoint', { timeout: 120000 }, async () => {
    const env = { GOLDSET_API_KEY: srv.key };
    const gate = (args, extra = {}) => runCli(['eval', '--server', srv.url, '--run', candRun.id, ...args], { env: { ...env, ...extra }, timeoutMs: 60000 });
    const json = await gate(['--baseline-run', baseRun.id, '--format', 'json']);
    assert.equal(json.code, 1, `overall regressed: the default gate fails\n${json.stderr}`);
    assert.match(json.stderr, /goldset eval: the overall verdict is regressed/);
    const out = JSON.parse(json.stdout);
    const api = await compare();
    assert.deepEqual(out.comparison, api.body, 'the CLI reports the server\'s comparison as it is');
    assert.deepEqual(out.metrics, candRun.metrics);
    assert.deepEqual(out.baselineMetrics, baseRun.metrics);
    assert.deepEqual(out.gate, { failOn: 'regression', minAccuracy: null, passed: false, reasons: [out.gate.reasons[0]] });
    const again = await gate(['--baseline-run', baseRun.id, '--format', 'json']);
    assert.equal(again.stdout, json.stdout, 'byte-identical');

    const md = await gate(['--baseline-run', baseRun.id, '--format', 'markdown', '--fail-on', 'never']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^## Goldset evaluation: regressed, gate passed\n/);
    assert.match(md.stdout, /\| total \| 60 \| 100\.0% \| 50\.0% \| -50\.0 pp \|/);
    assert.match(md.stdout, /### Newly incorrect items \(31\)/);
    const junit = await gate(['--baseline-run', baseRun.id, '--format', 'junit', '--fail-on', 'never']);
    assert.equal(junit.code, 0);
    assert.match(junit.stdout, /<testcase classname="goldset.fields" name="total" time="0">\n      <failure type="regressed"/);
    // Parameters reach the server: at alpha 1e-4 the overall change is not significant.
    const strict = await gate(['--baseline-run', baseRun.id, '--alpha', '0.0001', '--margin', '0.2', '--effect', '0.05', '--format', 'json']);
    assert.equal(strict.code, 0, strict.stderr);
    assert.deepEqual(JSON.parse(strict.stdout).comparison.parameters, { alpha: 0.0001, margin: 0.2, effect: 0.05, power: 0.8 });
    const fieldGate = await gate(['--baseline-run', baseRun.id, '--alpha', '0.0001', '--fail-on', 'field-regression']);
    assert.equal(fieldGate.code, 1);
    assert.match(fieldGate.stderr, /field total regressed/);
    // Without a baseline: the run's metrics and --min-accuracy.
    const alone = await gate(['--min-accuracy', '0.9']);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /accuracy 0\.8708 is below --min-accuracy 0\.9000/);
    assert.equal((await gate(['--min-accuracy', '0.8'])).code, 0);
    // Bad input: exit 2 with the server's answer.
    const unknown = await runCli(['eval', '--server', srv.url, '--run', 'bpr_nope'], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /HTTP 404 NOT_FOUND/);
    const badKey = await gate([], { GOLDSET_API_KEY: 'not-a-key' });
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /HTTP 401/);
    const badAlpha = await gate(['--baseline-run', baseRun.id, '--alpha', '0.7']);
    assert.equal(badAlpha.code, 2);
    assert.match(badAlpha.stderr, /alpha must be a number in \(0, 0\.5\]/);
  });

  test('goldset eval --server waits for an unfinished run with --wait', { timeout: 120000 }, async () => {
    const gated = await startGatedEngine();
    try {
      const upd = await srv.api('POST', `/extractors/${seeded.extractor.id}`,
        { body: { config: { schema: invoiceSchema, engine: { type: 'http', url: gated.url } } } });
      assert.equal(upd.status, 200);
      const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id, evaluationSetItemIds: [seeded.items[0].id] } });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const env = { GOLDSET_API_KEY: srv.key };
      const now = await runCli(['eval', '--server', srv.url, '--run', created.body.id], { env });
      assert.equal(now.code, 2);
      assert.match(now.stderr, /is (PENDING|PROCESSING); pass --wait SECONDS to wait for it to finish/);
      const waiting = runCli(['eval', '--server', srv.url, '--run', created.body.id, '--wait', '60', '--format', 'json'], { env, timeoutMs: 90000 });
      await new Promise((r) => setTimeout(r, 1500));
      gated.release();
      const done = await waiting;
      assert.equal(done.code, 0, done.stderr);
      assert.equal(JSON.parse(done.stdout).metrics.numFilesTotal, 1);
      assert.equal(done.stderr, '', 'no progress bar without a terminal');
    } finally {
      await gated.close();
    }
  });

  test('summary: Wilson intervals on item and field accuracy, never in the run metrics', { timeout: 60000 }, async () => {
    const r = await srv.api('GET', `/evaluation_set_runs/${candRun.id}/summary`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body;
    assert.equal(s.object, 'evaluation_set_run_summary');
    assert.equal(s.runId, candRun.id);
    assert.equal(s.type, 'EXTRACT');
    assert.equal(s.numItemsFailed, 0);
    assert.deepEqual([s.itemAccuracy.numItems, s.itemAccuracy.numCorrect], [N, 29]);
    close(s.itemAccuracy.ci95.low, wilson(29, N).low, 1e-12, 'item Wilson');
    for (const f of FIELDS) {
      const m = candRun.metrics.fieldMetrics[f];
      assert.deepEqual([s.fields[f].numItems, s.fields[f].numCorrect], [m.countExpected, m.countAccurate], f);
      close(s.fields[f].accuracy, m.accuracy, 1e-12, `${f} accuracy agrees with the contract metric`);
      const w = wilson(m.countAccurate, m.countExpected);
      close(s.fields[f].ci95.low, w.low, 1e-12, `${f} Wilson low`);
      close(s.fields[f].ci95.high, w.high, 1e-12, `${f} Wilson high`);
      assert.equal(m.ci95, undefined, 'the contract field metric carries no interval');
    }
    const run = await srv.api('GET', `/evaluation_set_runs/${candRun.id}`);
    assert.ok(!JSON.stringify(run.body.metrics).includes('ci95'));
    const missing = await srv.api('GET', '/evaluation_set_runs/bpr_doesnotexist0000000000/summary');
    expectError(assert, missing, 404, 'NOT_FOUND');
  });
});
