// The dashboard against a real goldset server: seed an evaluation set with two runs
// through the public API, then load every page in Chromium and check that the numbers
// shown are exactly the API's (via data-value), navigating set -> run -> item -> compare.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { startServer } from './lib/server.mjs';
import { ARTIFACTS, assertValue, ready, shot } from './lib/page.mjs';
import { client } from './lib/api.mjs';
import { seed, seedClassifier } from './lib/seed.mjs';
import { launch } from './lib/browser.mjs';

let server;
let api;
let browser;
let page;
let data; // what the API says; the dashboard must agree with it

describe('dashboard', { timeout: 600000 }, () => {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    const seeded = await seed(api);
    const candidate = await api.waitForRun(seeded.candidateCreated.id);
    const [compare, candidateResults, runs] = await Promise.all([
      api.get(`/evaluation_set_runs/${candidate.id}/compare?baseline=${seeded.baseline.id}`),
      api.all(`/evaluation_set_runs/${candidate.id}/results`),
      api.all(`/evaluation_set_runs?evaluationSetId=${seeded.set.id}`),
    ]);
    const classify = await seedClassifier(api);
    data = { ...seeded, candidate, compare, candidateResults, runs, classify };
    assert.equal(seeded.baseline.status, 'PROCESSED', `baseline run ended ${seeded.baseline.status}`);
    assert.equal(candidate.status, 'PROCESSED', `candidate run ended ${candidate.status}`);
    assert.notEqual(candidate.metrics.accuracy, seeded.baseline.metrics.accuracy,
      'seeding should give two runs with different accuracy (the second draft narrows the vendor rule)');

    browser = await launch();
    browser.context.setDefaultTimeout(20000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('serves the dashboard assets from the binary without auth', async () => {
    for (const [path, type] of [['/', 'text/html'], ['/index.html', 'text/html'], ['/app.js', 'text/javascript'], ['/styles.css', 'text/css']]) {
      const res = await fetch(server.baseUrl + path);
      assert.equal(res.status, 200, `${path} status`);
      assert.match(res.headers.get('content-type') || '', new RegExp(`^${type}`), `${path} content-type`);
      assert.ok(res.headers.get('etag'), `${path} has an ETag`);
      assert.ok(res.headers.get('cache-control'), `${path} has Cache-Control`);
      const etag = res.headers.get('etag');
      const again = await fetch(server.baseUrl + path, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304, `${path} revalidates with If-None-Match`);
    }
  });

  it('asks for the API key once and keeps it', async () => {
    await page.goto(`${server.baseUrl}/#/sets`);
    await ready(page);
    await page.fill('#api-key', server.apiKey);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#sets-table');
    await ready(page);
    assert.equal(await page.evaluate(() => localStorage.getItem('goldset.apiKey')), server.apiKey);
    // A reload goes straight to the data.
    await page.reload();
    await ready(page);
    assert.equal(await page.locator('#api-key').count(), 0);
  });

  it('lists sets with item counts and the last run accuracy, and filters by name', async () => {
    const row = page.locator(`#sets-table tr[data-set-id="${data.set.id}"]`);
    await assertValue(row.locator('.item-count'), data.items.length, 'item count');
    const latest = data.runs[0];
    await assertValue(row.locator('.last-accuracy'), latest.metrics.accuracy, 'last run accuracy');
    assert.match(await row.locator('.last-accuracy').textContent(), /^\d+\.\d%$/);

    await page.fill('#set-search', 'no such set');
    assert.equal(await row.isHidden(), true, 'non-matching search hides the row');
    await page.fill('#set-search', 'browser INV');
    assert.equal(await row.isVisible(), true, 'case-insensitive partial match shows the row');
    await page.fill('#set-search', '');

    // Keyboard: on a fresh load the first Tab reaches the skip link, and Enter on it
    // moves focus to the content without leaving the page.
    await page.reload();
    await ready(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    const before = page.url();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    assert.equal(page.url(), before);
    await shot(page, 'desktop-sets');
  });

  it('shows a set: items with expected outputs, runs and the accuracy trend', async () => {
    await page.click(`#sets-table tr[data-set-id="${data.set.id}"] th a`);
    await ready(page, new RegExp(`#/sets/${data.set.id}$`));
    await assertValue(page.locator('#set-item-count'), data.items.length, 'set item count');
    await assertValue(page.locator('#set-run-count'), data.runs.length, 'set run count');
    for (const run of data.runs) {
      await assertValue(page.locator(`#runs-table tr[data-run-id="${run.id}"] .run-accuracy`), run.metrics.accuracy, `run ${run.id} accuracy`);
    }
    // Trend points, oldest first.
    const points = await page.locator('svg.trend circle.point').evaluateAll((els) => els.map((e) => [e.dataset.runId, Number(e.dataset.value)]));
    assert.deepEqual(points, [...data.runs].reverse().map((r) => [r.id, r.metrics.accuracy]));
    const latestById = new Map(data.candidateResults.map((r) => [r.evaluationSetItemId, r]));
    for (const item of data.items) {
      const row = page.locator(`#items-table tr[data-item-id="${item.id}"]`);
      // Latest run column: that run's score for the item, linking to its detail.
      await assertValue(row.locator('.latest-score'), latestById.get(item.id).score, `latest score of ${item.id}`);
      assert.equal(await row.locator('a.latest-result').getAttribute('href'), `#/runs/${data.candidate.id}/items/${latestById.get(item.id).id}`);
      assert.match(await row.textContent(), new RegExp(item.expectedOutput.value.invoice_number));
      assert.match(await row.textContent(), new RegExp(item.file.name.replace('.', '\\.')));
    }
    await shot(page, 'desktop-set');
  });

  it('shows a run: accuracy, per-field bars worst first, latency and per-item results, and exports CSV', async () => {
    const run = data.candidate;
    await page.click(`#runs-table tr[data-run-id="${run.id}"] th a`);
    await ready(page, new RegExp(`#/runs/${run.id}$`));
    const m = run.metrics;
    await assertValue(page.locator('#run-accuracy'), m.accuracy, 'overall accuracy');
    await assertValue(page.locator('#files-processed'), m.numFilesProcessed ?? m.numFiles, 'files processed');
    await assertValue(page.locator('#files-total'), m.numFilesTotal, 'files total');

    const fields = Object.entries(m.fieldMetrics);
    assert.ok(fields.length >= 3, 'extractor run has field metrics');
    for (const [path, fm] of fields) {
      await assertValue(page.locator(`#field-bars li[data-field="${path}"] .field-accuracy`), fm.accuracy, `field ${path}`);
    }
    const shown = await page.locator('#field-bars li').evaluateAll((els) => els.map((e) => e.dataset.field));
    const expectedOrder = fields.sort(([ka, a], [kb, b]) => (a.accuracy ?? 2) - (b.accuracy ?? 2) || ka.localeCompare(kb)).map(([k]) => k);
    assert.deepEqual(shown, expectedOrder, 'fields sorted worst first');

    for (const key of ['meanLatencyMs', 'p50LatencyMs', 'p90LatencyMs', 'p95LatencyMs', 'p99LatencyMs']) {
      if (typeof m[key] === 'number') await assertValue(page.locator(`#latency li[data-stat="${key}"] .latency-value`), m[key], key);
    }
    // Reliability diagrams (in the run analysis) only where the engine reported confidences.
    await page.waitForSelector('#analysis[data-state="ready"]');
    const analysis = await api.get(`/evaluation_set_runs/${run.id}/analysis`);
    const calibrated = Object.entries(analysis.calibration).filter(([, c]) => c.numFields > 0);
    assert.equal(await page.locator('.calibration-box').count(), calibrated.length);
    for (const [path, c] of calibrated) {
      await assertValue(page.locator(`.calibration-box[data-field="${path}"] .ece`), c.ece, `${path} ECE`);
    }
    assert.equal(await page.locator('#results-table tbody tr').count(), data.candidateResults.length);
    for (const r of data.candidateResults) {
      await assertValue(page.locator(`#results-table tr[data-result-id="${r.id}"] .item-score`), r.score, `item ${r.id} score`);
    }
    await shot(page, 'desktop-run');

    // "Only items with mistakes" hides exactly the correct ones.
    const wrong = data.candidateResults.filter((r) => r.correct !== true);
    await assertValue(page.locator('#mistake-count'), wrong.length, 'mistake count');
    await page.check('#only-mistakes');
    assert.equal(await page.locator('#results-table tbody tr:visible').count(), wrong.length);
    await page.uncheck('#only-mistakes');
    assert.equal(await page.locator('#results-table tbody tr:visible').count(), data.candidateResults.length);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const saved = await readFile(await download.path(), 'utf8');
    assert.equal(saved, await api.text(`/evaluation_set_runs/${run.id}/results.csv`), 'CSV download equals the API export');
    assert.equal(download.suggestedFilename(), `${run.id}-results.csv`);
  });

  it('shows an item: page images beside expected vs actual with differences highlighted', async () => {
    const run = data.candidate;
    // The item with the most wrong fields is the interesting one.
    const wrongCount = (r) => Object.values(r.fields || {}).filter((f) => f.verdict === 'incorrect').length;
    const result = [...data.candidateResults].sort((a, b) => wrongCount(b) - wrongCount(a))[0];
    assert.ok(wrongCount(result) > 0, 'seeded data has an incorrect field');
    await page.click(`#results-table tr[data-result-id="${result.id}"] a.item-link`);
    await ready(page, new RegExp(`#/runs/${run.id}/items/${result.id}$`));

    await assertValue(page.locator('#item-score'), result.score, 'item score');
    const rows = page.locator('#item-fields tbody tr');
    assert.equal(await rows.count(), Object.keys(result.fields).length);
    for (const [path, f] of Object.entries(result.fields)) {
      const row = page.locator(`#item-fields tr[data-field="${path}"]`);
      assert.equal(await row.getAttribute('data-verdict'), f.verdict, `${path} verdict`);
      await assertValue(row.locator('.field-score'), f.score, `${path} score`);
      if (f.verdict === 'incorrect' && typeof f.expected === 'string' && typeof f.actual === 'string') {
        assert.equal(await row.locator('td.expected').textContent(), f.expected);
        assert.equal(await row.locator('td.actual').textContent(), f.actual);
        assert.ok(await row.locator('mark').count() > 0, `${path}: the difference is highlighted`);
      }
    }

    // Page images: fetched with auth as blobs. Whatever the API answers for page 1, the
    // page shows it: an image when it renders one, a note when it does not.
    await page.waitForFunction(() => !document.querySelector('#page-images')?.textContent.includes('Loading page'));
    const png = await fetch(`${server.baseUrl}/files/${result.file.id}/pages/1.png`, {
      headers: { Authorization: `Bearer ${server.apiKey}`, 'x-extend-api-version': '2026-02-09' },
    });
    const first = page.locator('#page-images figure[data-page="1"]');
    if (png.ok) {
      await first.locator('img').waitFor();
      const size = await first.locator('img').evaluate((img) => (img.complete ? img.naturalWidth : 0));
      assert.ok(size > 0, 'page image decoded');
      assert.match(await first.locator('img').getAttribute('src'), /^blob:/);
    } else {
      assert.match(await first.textContent(), /No image for page 1/);
    }
    await shot(page, 'desktop-item');

    // The PDF invoice: the server renders its page, the dashboard shows the decoded image.
    const pdf = data.candidateResults.find((r) => r.file && r.file.name === 'inv4.pdf');
    assert.ok(pdf, 'the PDF item has a result');
    await page.goto(`${server.baseUrl}/#/runs/${run.id}/items/${pdf.id}`);
    await ready(page);
    const pdfPng = await fetch(`${server.baseUrl}/files/${pdf.file.id}/pages/1.png`, {
      headers: { Authorization: `Bearer ${server.apiKey}`, 'x-extend-api-version': '2026-02-09' },
    });
    assert.equal(pdfPng.status, 200, 'the server renders PDF pages');
    assert.match(pdfPng.headers.get('content-type') || '', /^image\/png/);
    const img = page.locator('#page-images figure[data-page="1"] img');
    await img.waitFor();
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 100), 'PDF page image decoded');
    await shot(page, 'desktop-item-pdf');
  });

  it('compares two runs: accuracy change with CI and p-value, field deltas, changed items', async () => {
    const { candidate, baseline, compare: cmp } = data;
    await page.click('#back-to-run');
    await ready(page, new RegExp(`#/runs/${candidate.id}$`));
    await page.selectOption('#baseline-select', baseline.id);
    await page.click('#compare-go');
    await ready(page, /#\/compare\?/);

    await assertValue(page.locator('#cmp-baseline'), cmp.accuracy.baseline, 'baseline accuracy');
    await assertValue(page.locator('#cmp-candidate'), cmp.accuracy.candidate, 'candidate accuracy');
    await assertValue(page.locator('#cmp-delta'), cmp.accuracy.delta, 'delta');
    await assertValue(page.locator('#cmp-ci-low'), cmp.accuracy.ci95?.low, 'CI low');
    await assertValue(page.locator('#cmp-ci-high'), cmp.accuracy.ci95?.high, 'CI high');
    await assertValue(page.locator('#cmp-pvalue'), cmp.mcnemar?.pValue, 'p-value');
    await assertValue(page.locator('#cmp-items'), cmp.numItemsCompared, 'items compared');
    assert.equal(cmp.accuracy.baseline, baseline.metrics.accuracy, 'compare agrees with the baseline run');
    for (const [path, d] of Object.entries(cmp.fieldDeltas)) {
      await assertValue(page.locator(`#field-deltas tr[data-field="${path}"] .fd-delta`), d.delta, `${path} delta`);
      await assertValue(page.locator(`#field-deltas tr[data-field="${path}"] .fd-baseline`), d.baseline, `${path} baseline`);
    }
    await assertValue(page.locator('#regressed-total'), cmp.regressedItems.length, 'regressed items');
    await assertValue(page.locator('#improved-total'), cmp.improvedItems.length, 'improved items');
    assert.ok(cmp.regressedItems.length > 0, 'the narrowed vendor rule regresses some items');
    await shot(page, 'desktop-compare');

    // From a regressed item straight to its detail in the candidate run.
    const regressed = cmp.regressedItems[0];
    await page.click(`#regressed-items li[data-item-id="${regressed.evaluationSetItemId}"] a`);
    await ready(page, new RegExp(`#/runs/${candidate.id}/items/`));
    assert.ok(await page.locator('#item-fields tr[data-verdict="incorrect"]').count() > 0);
  });

  it('shows a classifier run: confusion matrix heat map and per-class metrics', async () => {
    const { run } = data.classify;
    assert.equal(run.status, 'PROCESSED', `classifier run ended ${run.status}`);
    await page.goto(`${server.baseUrl}/#/runs/${run.id}`);
    await ready(page);
    const m = run.metrics;
    assert.equal(m.type, 'CLASSIFY');
    await assertValue(page.locator('#run-accuracy'), m.accuracy, 'classifier accuracy');
    if (m.confusionMatrix) {
      const { labels, counts } = m.confusionMatrix;
      assert.equal(await page.locator('#confusion-matrix g.cell').count(), labels.length * labels.length);
      for (let i = 0; i < labels.length; i++) {
        for (let j = 0; j < labels.length; j++) {
          const cell = page.locator(`#confusion-matrix g.cell[data-expected="${labels[i]}"][data-predicted="${labels[j]}"] text`);
          await assertValue(cell, counts[i][j], `confusion[${labels[i]}][${labels[j]}]`);
        }
      }
    } else {
      assert.equal(await page.locator('#confusion-matrix').count(), 0, 'no matrix drawn when the API has none');
    }
    for (const [type, c] of Object.entries(m.classificationMetrics || {})) {
      const row = page.locator(`#class-table tr[data-class="${type}"]`);
      await assertValue(row.locator('.metric-precision'), c.precision, `${type} precision`);
      await assertValue(row.locator('.metric-recall'), c.recall, `${type} recall`);
      await assertValue(row.locator('.metric-f1'), c.f1, `${type} f1`);
    }
    await shot(page, 'desktop-classifier-run');
  });

  it('fits a 390px phone screen on every page', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    const result = data.candidateResults[0];
    const pages = {
      sets: '#/sets',
      set: `#/sets/${data.set.id}`,
      run: `#/runs/${data.candidate.id}`,
      item: `#/runs/${data.candidate.id}/items/${result.id}`,
      compare: `#/compare?run=${data.candidate.id}&baseline=${data.baseline.id}`,
      'classifier-run': `#/runs/${data.classify.run.id}`,
    };
    for (const [name, hash] of Object.entries(pages)) {
      await phone.goto(`${server.baseUrl}/${hash}`);
      await ready(phone);
      await phone.waitForFunction(() => !document.querySelector('#page-images')?.textContent.includes('Loading page'));
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${name} page scrolls sideways by ${overflow}px at 390px`);
      await shot(phone, `phone-${name}`);
    }
    await phone.close();
  });

  it('follows a new run live until it finishes', async () => {
    const created = await api.post('/evaluation_set_runs', { evaluationSetId: data.set.id });
    await page.goto(`${server.baseUrl}/#/runs/${created.id}`);
    await ready(page);
    const initial = await page.locator('h1 .badge').textContent();
    const wasActive = ['PENDING', 'PROCESSING'].includes(initial);
    if (wasActive) {
      assert.equal(await page.locator('#run-progress').isVisible(), true, 'progress shown while the run is active');
      await assertValue(page.locator('#progress-total'), (await api.get(`/evaluation_set_runs/${created.id}`)).metrics.numFilesTotal, 'progress total');
      await page.focus('#export-csv');
    }
    // No reload: the page polls until the run is done.
    await page.waitForSelector('h1 .status-processed, h1 .status-failed', { timeout: 60000 });
    const final = await api.get(`/evaluation_set_runs/${created.id}`);
    assert.equal(await page.locator('h1 .badge').textContent(), final.status);
    await assertValue(page.locator('#run-accuracy'), final.metrics.accuracy, 'final accuracy after polling');
    assert.equal(await page.locator('#run-progress').count(), 0);
    if (wasActive) assert.equal(await page.evaluate(() => document.activeElement.id), 'export-csv', 'polling keeps keyboard focus');
    console.log(`live run: first seen ${initial}, finished ${final.status}`);
  });

  it('signs out, forgetting the key', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#api-key');
    assert.equal(await page.evaluate(() => localStorage.getItem('goldset.apiKey')), null);
  });

  it('made no request to any host but 127.0.0.1 and threw no page errors', () => {
    assert.deepEqual(browser.foreign, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
