// The run analysis and the set's cost / latency / accuracy view in the dashboard
// (docs/dashboard.md § Analysis), against a real server and real engines' client code:
// - run page: error-category stacked bars, reliability diagrams with the recommended
//   threshold, line-item diagnostics and cost, for a run of the `http` engine whose
//   answers go wrong in known ways; every number compared with GET …/analysis, and the
//   category counts also recounted from the per-item results;
// - set page: four runs of the `llm` engine (an OpenAI-compatible stand-in reporting
//   usage) with different models and engine.pricing; the Pareto-optimal runs marked in
//   both charts and listed, the run without a cost drawn apart, links to the runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';
import { ARTIFACTS, assertValue, goTo, ready, shot, signInAs } from './lib/page.mjs';
import { axeViolations, isSerious, keyboardReach } from './lib/a11y.mjs';
import { N_DOCS, SCHEMA, docText, expectedOptimal, startHttpEngine, startLlm, truth } from './lib/analysis-data.mjs';

const CATEGORY_KEY = { correct: 'correct', missing: 'missing', hallucinated: 'hallucinated', format_only: 'formatOnly',
  near_miss: 'nearMiss', wrong_value: 'wrongValue' };

describe('analysis views in the dashboard', { timeout: 300000 }, () => {
  let server, api, browser, page, engine, llm;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    engine = await startHttpEngine();
    llm = await startLlm();
    browser = await launch();
    browser.context.setDefaultTimeout(30000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await signInAs(page, server.baseUrl, server.apiKey);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (engine) await engine.close();
    if (llm) await llm.close();
  });

  // A set of the documents 0..n-1 for an extractor with `engine`.
  async function seedSet(name, n, engineConfig) {
    const files = [];
    for (let i = 0; i < n; ++i) files.push(await api.upload(`an-${i}.txt`, docText(i)));
    const extractor = await api.post('/extractors', { name, config: { schema: SCHEMA, engine: engineConfig } });
    const set = await api.post('/evaluation_sets', { name, description: 'tests/browser/analysis.test.mjs', entityId: extractor.id });
    await api.post(`/evaluation_sets/${set.id}/items`, { items: files.map((f, i) => ({ fileId: f.id, expectedOutput: { value: truth(i) } })) });
    return { extractor, set };
  }

  it('run page: error categories, reliability diagrams, line items and cost equal the analysis endpoint', async () => {
    const { set } = await seedSet('Analysis invoices', N_DOCS, { type: 'http', url: engine.url });
    const run = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
    assert.equal(run.status, 'PROCESSED');
    const a = await api.get(`/evaluation_set_runs/${run.id}/analysis`);
    const results = await api.all(`/evaluation_set_runs/${run.id}/results`);

    await goTo(page, server.baseUrl, `#/runs/${run.id}`);
    await page.waitForSelector('#analysis[data-state="ready"]');

    // (a) Error categories: one bar per field; each non-zero category a segment whose count
    // is the endpoint's, and also what the per-item verdicts' `category` add up to.
    const fields = Object.keys(a.errors).sort();
    assert.deepEqual(fields, ['invoice_number', 'line_items', 'total', 'vendor']);
    assert.deepEqual((await page.locator('#error-bars > li').evaluateAll((els) => els.map((e) => e.dataset.field))).sort(), fields);
    const seen = new Set();
    for (const f of fields) {
      const e = a.errors[f];
      const own = Object.fromEntries(Object.values(CATEGORY_KEY).map((k) => [k, 0]));
      for (const r of results) own[CATEGORY_KEY[r.fields[f].category]] += 1;
      const row = page.locator(`#error-bars li[data-field="${f}"]`);
      for (const [name, key] of Object.entries(CATEGORY_KEY)) {
        assert.equal(own[key], e[key], `${f}.${key}: results vs analysis`);
        const seg = row.locator(`rect.segment[data-category="${name}"]`);
        if (e[key] === 0) {
          assert.equal(await seg.count(), 0, `${f}: no ${name} segment`);
          continue;
        }
        seen.add(name);
        await assertValue(seg, e[key], `${f} ${name}`);
        assert.match(await seg.locator('title').textContent(), new RegExp(`${f}: .* ${e[key]} of ${e.total} `));
        // The segment's width is its share of the bar (viewBox 0..100).
        assert.ok(Math.abs(Number(await seg.getAttribute('width')) - (100 * e[key]) / e.total) < 0.01, `${f} ${name} width`);
      }
      await assertValue(row.locator('.field-total'), e.total, `${f} total`);
      await assertValue(row.locator('.field-errors'), e.total - e.correct, `${f} wrong`);
    }
    // The engine's answers were built to hit every category.
    assert.deepEqual([...seen].sort(), Object.keys(CATEGORY_KEY).sort());
    assert.deepEqual(a.errors.vendor, { correct: 4, missing: 2, hallucinated: 1, formatOnly: 0, nearMiss: 3, wrongValue: 0, total: 10 });
    assert.equal(await page.locator('ul.legend li').count(), 6);

    // (b) Reliability: a diagram per field with confidence; bins, ECE, Brier, AUROC and the
    // recommended threshold as the endpoint gives them.
    const calibrated = Object.entries(a.calibration).filter(([, c]) => c.numFields > 0);
    assert.equal(calibrated.length, 4);
    assert.equal(await page.locator('#calibration .calibration-box').count(), calibrated.length);
    let thresholds = 0;
    for (const [f, c] of calibrated) {
      const box = page.locator(`#calibration .calibration-box[data-field="${f}"]`);
      await assertValue(box.locator('.ece'), c.ece, `${f} ECE`);
      await assertValue(box.locator('.brier'), c.brier, `${f} Brier`);
      await assertValue(box.locator('.auroc'), c.auroc, `${f} AUROC`);
      await assertValue(box.locator('.cal-n'), c.numFields, `${f} values`);
      const bins = await box.locator('rect.bin').evaluateAll((els) => els.map((e) => [Number(e.dataset.low), Number(e.dataset.count), Number(e.dataset.value)]));
      assert.deepEqual(bins, c.bins.filter((b) => b.count > 0).map((b) => [b.low, b.count, b.accuracy]), `${f} bins`);
      if (c.errorsCaughtAt) {
        for (const k of ['5%', '10%', '20%']) await assertValue(box.locator(`.caught[data-budget="${k}"]`), c.errorsCaughtAt[k], `${f} errors caught in ${k}`);
      }
      const rec = c.recommendedThreshold;
      if (rec) {
        thresholds += 1;
        await assertValue(box.locator('g.threshold'), rec.threshold, `${f} threshold line`);
        await assertValue(box.locator('.threshold-text .threshold'), rec.threshold, `${f} threshold`);
        await assertValue(box.locator('.coverage'), rec.coverage, `${f} coverage`);
        await assertValue(box.locator('.threshold-precision'), rec.precision, `${f} precision`);
        // The line sits at the threshold on the confidence axis: between the 0 % and 100 % ticks.
        const [x, x0, x1] = await box.evaluate((el) => {
          const line = el.querySelector('g.threshold line');
          const grid = el.querySelector('line.grid');
          return [Number(line.getAttribute('x1')), Number(grid.getAttribute('x1')), Number(grid.getAttribute('x2'))];
        });
        assert.ok(Math.abs((x - x0) / (x1 - x0) - rec.threshold) < 1e-6, `${f}: line at ${x} in [${x0}, ${x1}]`);
      } else {
        assert.equal(await box.locator('g.threshold').count(), 0);
        assert.equal(await box.locator('.threshold-none').count(), 1);
      }
    }
    assert.ok(thresholds >= 1, 'some field reaches the target precision');
    await assertValue(page.locator('#target-precision'), 0.99, 'target precision');

    // Another target precision: refused in place when out of range, else every threshold
    // is the server's for that target.
    await page.fill('#target-precision-input', '1.5');
    await page.click('#target-precision-apply');
    assert.match(await page.textContent('#target-precision-error'), /above 0 and at most 1/);
    assert.equal(await page.getAttribute('#analysis', 'data-state'), 'ready');
    const lower = await api.get(`/evaluation_set_runs/${run.id}/analysis?targetPrecision=0.8`);
    await page.fill('#target-precision-input', '0.8');
    await page.click('#target-precision-apply');
    await page.waitForSelector('#target-precision[data-value="0.8"]');
    await page.waitForSelector('#analysis[data-state="ready"]');
    assert.equal(await page.inputValue('#target-precision-input'), '0.8');
    let moved = 0;
    for (const [f, c] of Object.entries(lower.calibration).filter(([, x]) => x.numFields > 0)) {
      const box = page.locator(`#calibration .calibration-box[data-field="${f}"]`);
      const rec = c.recommendedThreshold;
      assert.ok(rec, `${f}: a threshold reaches 80 %`);
      await assertValue(box.locator('g.threshold'), rec.threshold, `${f} threshold at 0.8`);
      await assertValue(box.locator('.coverage'), rec.coverage, `${f} coverage at 0.8`);
      if (rec.threshold !== a.calibration[f].recommendedThreshold?.threshold) moved += 1;
    }
    assert.ok(moved >= 1, 'a lower target moves some threshold');

    // (c) Line items: rows expected/actual/matched, dropped, extra, duplicated, P/R/F1, LIR.
    const li = a.lineItems.line_items;
    assert.equal(li.dropped, 1);
    assert.equal(li.extra, 2);
    assert.equal(li.duplicated, 1);
    const row = page.locator('#line-items-table tr[data-field="line_items"]');
    for (const k of ['rowsExpected', 'rowsActual', 'rowsMatched', 'dropped', 'extra', 'duplicated', 'precision', 'recall', 'f1']) {
      await assertValue(row.locator(`.li-${k}`), li[k], `line_items ${k}`);
    }
    await assertValue(row.locator('.li-lir-f1'), li.lir.f1, 'LIR F1');
    await assertValue(row.locator('.li-lir-tp'), li.lir.truePositives, 'LIR TP');
    await assertValue(row.locator('.li-lir-fp'), li.lir.falsePositives, 'LIR FP');
    await assertValue(row.locator('.li-lir-fn'), li.lir.falseNegatives, 'LIR FN');
    // The http engine reports no usage: no cost, and the page says so.
    await assertValue(page.locator('#cost-per-item'), undefined, 'cost per item');
    await assertValue(page.locator('#anls-star'), a.anlsStar.score, 'ANLS*');
    await assertValue(page.locator('#analysis-latency-mean'), a.usage.latencyMs.mean, 'mean latency');
    await shot(page, 'desktop-run-analysis');
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'run-analysis.png') });

    const serious = (await axeViolations(page)).filter(isSerious);
    assert.deepEqual(serious, [], 'no serious accessibility violation on the run page');
    const reach = await keyboardReach(page);
    assert.deepEqual([reach.missing, reach.noRing], [[], []], 'every control of the run page reached with a focus ring');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.locator('#analysis').screenshot({ path: join(ARTIFACTS, 'phone-run-analysis.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.ok(overflow <= 1, `run page scrolls sideways by ${overflow}px at 390px`);
  });

  it('set page: runs by cost and latency, the Pareto-optimal ones marked and listed', async () => {
    const engineFor = (model, pricing) => ({ type: 'llm', baseUrl: llm.baseUrl, model, ...(pricing ? { pricing } : {}) });
    const { extractor, set } = await seedSet('Pareto invoices', 4, engineFor('exact', { promptPer1M: 2, completionPer1M: 8, currency: 'USD' }));
    const runs = {};
    const runWith = async (name, config) => {
      if (config) await api.post(`/extractors/${extractor.id}`, { config: { schema: SCHEMA, engine: config } });
      runs[name] = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
      assert.equal(runs[name].status, 'PROCESSED', name);
    };
    // exact: the most accurate; cheap: the cheapest, half its vendors wrong; slow: as wrong
    // as cheap, dearer and slower than exact (dominated); nocost: as good as exact, no pricing.
    await runWith('exact');
    await runWith('cheap', engineFor('sloppy-fast', { promptPer1M: 0.5, completionPer1M: 1.5, currency: 'USD' }));
    await runWith('slow', engineFor('sloppy-slow', { promptPer1M: 5, completionPer1M: 15, currency: 'USD' }));
    await runWith('nocost', engineFor('exact'));

    const points = [];
    for (const [name, run] of Object.entries(runs)) {
      const u = (await api.get(`/evaluation_set_runs/${run.id}/analysis`)).usage;
      points.push({ name, id: run.id, accuracy: run.metrics.accuracy, cost: u.costPerItem, latency: u.latencyMs.mean });
    }
    const by = Object.fromEntries(points.map((p) => [p.name, p]));
    assert.ok(by.exact.accuracy > by.cheap.accuracy && by.cheap.accuracy === by.slow.accuracy && by.nocost.accuracy === by.exact.accuracy,
      JSON.stringify(points));
    assert.ok(Math.abs(by.exact.cost - (1000 * 2 + 200 * 8) / 1e6) < 1e-12 && by.cheap.cost < by.exact.cost && by.slow.cost > by.exact.cost);
    assert.equal(by.nocost.cost, undefined);
    assert.ok(by.slow.latency >= 600 && by.slow.latency > by.exact.latency, JSON.stringify(points));
    const optimal = [by.exact.id, by.cheap.id].sort();
    assert.deepEqual(expectedOptimal(points), optimal);

    await goTo(page, server.baseUrl, `#/sets/${set.id}`);
    await page.waitForSelector('#tradeoffs[data-state="ready"]');
    for (const chart of ['#pareto-cost', '#pareto-latency']) {
      const shown = await page.locator(`${chart} circle.point`).evaluateAll((els) => els.map((e) => ({
        id: e.dataset.runId, state: e.dataset.state, accuracy: Number(e.dataset.accuracy), x: e.dataset.x === '' ? undefined : Number(e.dataset.x) })));
      assert.equal(shown.length, 4, `${chart}: every finished run is a point`);
      for (const p of points) {
        const s = shown.find((x) => x.id === p.id);
        assert.ok(s, `${chart}: run ${p.name}`);
        assert.equal(s.accuracy, p.accuracy, `${chart} ${p.name} accuracy`);
        assert.equal(s.x, chart === '#pareto-cost' ? p.cost : p.latency, `${chart} ${p.name} x`);
        assert.equal(s.state, optimal.includes(p.id) ? 'optimal' : p.name === 'nocost' ? 'unranked' : 'dominated', `${chart} ${p.name} state`);
      }
    }
    // The run without a cost sits in the cost chart's own lane, left of the axis.
    const [laneX, axisX] = await page.evaluate((id) => [
      Number(document.querySelector(`#pareto-cost circle[data-run-id="${id}"]`).getAttribute('cx')),
      Number(document.querySelector('#pareto-cost line.zero').getAttribute('x1'))], by.nocost.id);
    assert.ok(laneX < axisX, `no-cost point at ${laneX}, axis at ${axisX}`);
    assert.equal(await page.locator('#pareto-cost circle.no-x').count(), 1);
    // Listed: the optimal runs with their numbers; the unranked one apart.
    assert.deepEqual((await page.locator('#pareto-table tbody tr').evaluateAll((els) => els.map((e) => e.dataset.runId))).sort(), optimal);
    for (const id of optimal) {
      const p = points.find((x) => x.id === id);
      const tr = page.locator(`#pareto-table tr[data-run-id="${id}"]`);
      await assertValue(tr.locator('.pareto-accuracy'), p.accuracy, `${p.name} accuracy`);
      await assertValue(tr.locator('.pareto-cost'), p.cost, `${p.name} cost`);
      await assertValue(tr.locator('.pareto-latency'), p.latency, `${p.name} latency`);
    }
    assert.deepEqual(await page.locator('#pareto-unranked-table tbody tr').evaluateAll((els) => els.map((e) => e.dataset.runId)), [by.nocost.id]);
    await shot(page, 'desktop-set-pareto');
    await page.locator('#tradeoffs').screenshot({ path: join(ARTIFACTS, 'set-pareto.png') });
    const serious = (await axeViolations(page)).filter(isSerious);
    assert.deepEqual(serious, [], 'no serious accessibility violation on the set page');
    const reach = await keyboardReach(page);
    assert.deepEqual([reach.missing, reach.noRing], [[], []], 'every control of the set page (chart points included) reached with a focus ring');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.ok(overflow <= 1, `set page scrolls sideways by ${overflow}px at 390px`);

    // A point links to its run.
    await page.click(`#pareto-cost a:has(circle[data-run-id="${by.cheap.id}"])`);
    await ready(page, new RegExp(`#/runs/${by.cheap.id}$`));
    await page.waitForSelector('#analysis[data-state="ready"]');
    const cheap = (await api.get(`/evaluation_set_runs/${by.cheap.id}/analysis`)).usage;
    await assertValue(page.locator('#cost-per-item'), cheap.costPerItem, 'cost per item on the run page');
    await assertValue(page.locator('#prompt-tokens'), 4000, 'prompt tokens');
    await assertValue(page.locator('#completion-tokens'), 800, 'completion tokens');
    assert.deepEqual(browser.foreign, [], 'no request left 127.0.0.1');
    assert.deepEqual(browser.pageErrors, [], 'no page error');
  });
});

// The dashboard's own Pareto function (web/pareto.js, a plain module) on cases the
// browser runs above do not reach: ties, no cost anywhere, runs missing a number.
describe('paretoOptimal (web/pareto.js)', () => {
  it('ranks on accuracy, cost and latency; ties stay optimal; no cost anywhere ranks on latency', async () => {
    const { paretoOptimal } = await import('../../web/pareto.js');
    const ids = (r) => [...r.optimal].sort();
    const runs = [
      { id: 'a', accuracy: 0.9, cost: 2, latency: 10 },
      { id: 'a2', accuracy: 0.9, cost: 2, latency: 10 }, // a tie: neither dominates
      { id: 'b', accuracy: 0.8, cost: 1, latency: 50 },
      { id: 'c', accuracy: 0.8, cost: 1, latency: 60 }, // b is as good and faster
      { id: 'd', accuracy: 0.7, cost: 3, latency: 1 }, // the fastest: optimal on latency alone
      { id: 'e', accuracy: 0.95, latency: 1 }, // no cost: not ranked
      { id: 'f', accuracy: 0.99, cost: 0.5 }, // no latency: not ranked
    ];
    const r = paretoOptimal(runs);
    assert.equal(r.byCost, true);
    assert.deepEqual(ids(r), ['a', 'a2', 'b', 'd']);
    assert.deepEqual([...r.ranked].sort(), ['a', 'a2', 'b', 'c', 'd']);
    const noCost = paretoOptimal(runs.map(({ cost, ...rest }) => rest));
    assert.equal(noCost.byCost, false);
    assert.deepEqual(ids(noCost), ['e']); // as accurate as none and the fastest
    assert.deepEqual(ids(paretoOptimal([])), []);
  });
});
