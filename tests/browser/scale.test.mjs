// Large sets stay fast: a set of 10,000 items and a run of 10,000 results, loaded in
// Chromium from a real server. The pages render their first screen from one page of the
// list and load the rest behind it; this test measures when the first screen is there
// (the pages' performance marks, in ms since the navigation started) and when the whole
// list is, checks the numbers against the API, and writes the timings to
// build/browser-artifacts/scale-timings.json. The target is under 1 s for the first
// screen; the test fails only past a generous bound (a loaded CI machine is slow), and
// prints what it measured.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';
import { ARTIFACTS, ready, shot } from './lib/page.mjs';

const N = 10000;
const FILES = 20;
const BOUND_MS = 10000; // fails only past this; the goal (and what is reported) is < 1,000 ms
const TRIES = 3;

let server;
let api;
let browser;
let page;
let set;
let run;
const timings = {};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Loads `hash` (cold: a fresh document, module scripts included, or warm: an in-app hash
// change) and returns ms from the start of the navigation to the page's first-screen mark.
async function firstScreen(hash, mark, { cold }) {
  if (cold) {
    await page.goto('about:blank');
    await page.goto(`${server.baseUrl}/${hash}`);
    await ready(page);
    return page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark);
  }
  await page.evaluate(() => performance.clearMarks());
  const t0 = await page.evaluate((h) => {
    const start = performance.now();
    location.hash = h;
    return start;
  }, hash);
  await ready(page);
  return page.evaluate(({ m, start }) => performance.getEntriesByName(m)[0].startTime - start, { m: mark, start: t0 });
}

describe('scale', { timeout: 900000 }, () => {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    const extractor = await api.post('/extractors', {
      name: 'Scale extractor',
      config: { schema: { type: 'object', properties: {
        number: { type: ['string', 'null'], 'x-rules': { patterns: ['No\\. (\\S+)'] } },
        total: { type: ['number', 'null'], 'x-rules': { patterns: ['Total: (\\S+)'] } },
      } } },
    });
    const files = [];
    for (let i = 0; i < FILES; i++) files.push(await api.upload(`scale-${i}.txt`, `Invoice No. N-${i}\nTotal: ${i}.50\n`));
    set = await api.post('/evaluation_sets', { name: 'Ten thousand items', entityId: extractor.id });
    for (let b = 0; b < N / 100; b++) {
      await api.post(`/evaluation_sets/${set.id}/items`, {
        items: Array.from({ length: 100 }, (_, j) => {
          const i = (b * 100 + j) % FILES;
          // Every seventh expected total is wrong: the run has mistakes to filter.
          return { fileId: files[i].id, expectedOutput: { value: { number: `N-${i}`, total: j % 7 ? i + 0.5 : -1 } } };
        }),
      });
    }
    run = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id, 600000);
    assert.equal(run.status, 'PROCESSED');
    assert.equal(run.metrics.numFilesTotal, N);
    browser = await launch();
    browser.context.setDefaultTimeout(60000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await page.goto(`${server.baseUrl}/#/sets`);
    await page.evaluate((k) => localStorage.setItem('goldset.apiKey', k), server.apiKey);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    await writeFile(join(ARTIFACTS, 'scale-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });

  it(`renders the first screen of a set of ${N.toLocaleString('en-US')} items quickly, then counts them all`, async () => {
    const cold = [];
    const warm = [];
    for (let i = 0; i < TRIES; i++) {
      cold.push(await firstScreen(`#/sets/${set.id}`, 'goldset:set-first-screen', { cold: true }));
      await page.evaluate(() => { location.hash = '#/sets'; });
      await ready(page);
      warm.push(await firstScreen(`#/sets/${set.id}`, 'goldset:set-first-screen', { cold: false }));
    }
    assert.equal(await page.locator('#items-table tbody tr').count(), 25, 'one page of rows in the DOM');
    const t0 = await page.evaluate(() => performance.now());
    await page.waitForSelector('#set-item-count[data-complete="true"]', { state: 'attached', timeout: 120000 });
    const all = await page.evaluate((s) => performance.now() - s, t0);
    assert.equal(Number(await page.getAttribute('#set-item-count', 'data-value')), N);
    assert.equal(Number(await page.getAttribute('#items-pager .pager-total', 'data-value')), N);
    // The last page holds the last items, with their expected outputs.
    await page.click('#items-pager .last-page');
    await page.waitForFunction(() => document.querySelectorAll('#items-table tbody tr').length === 25 && !document.querySelector('#items-table tbody[aria-busy]'));
    const last = await api.get(`/evaluation_sets/${set.id}/items?sortBy=createdAt&sortDir=desc&maxPageSize=1`);
    const lastRow = page.locator('#items-table tbody tr').last();
    assert.equal(await lastRow.getAttribute('data-item-id'), last.data[0].id);
    assert.match(await lastRow.textContent(), /N-\d+/);
    await shot(page, 'desktop-scale-set');
    timings.setPage = { items: N, coldFirstScreenMs: cold, warmFirstScreenMs: warm, medianColdMs: median(cold), medianWarmMs: median(warm), allCountedAfterMs: all };
    console.log(`set of ${N} items: first screen cold ${cold.map(Math.round).join(', ')} ms, in-app ${warm.map(Math.round).join(', ')} ms; all ${N} counted ${Math.round(all)} ms later`);
    for (const ms of [...cold, ...warm]) assert.ok(ms < BOUND_MS, `first screen took ${ms} ms`);
  });

  it(`renders the first screen of a run of ${N.toLocaleString('en-US')} results quickly, then filters all of them`, async () => {
    const cold = [];
    const warm = [];
    for (let i = 0; i < TRIES; i++) {
      cold.push(await firstScreen(`#/runs/${run.id}`, 'goldset:run-first-screen', { cold: true }));
      await page.evaluate(() => { location.hash = '#/sets'; });
      await ready(page);
      warm.push(await firstScreen(`#/runs/${run.id}`, 'goldset:run-first-screen', { cold: false }));
    }
    assert.equal(await page.locator('#results-table tbody tr').count(), 50, 'one page of rows in the DOM');
    assert.equal(Number(await page.getAttribute('#run-accuracy', 'data-value')), run.metrics.accuracy);
    const t0 = await page.evaluate(() => performance.now());
    await page.waitForSelector('#results-section[data-complete="true"]', { state: 'attached', timeout: 120000 });
    const all = await page.evaluate((s) => performance.now() - s, t0);
    const results = await api.all(`/evaluation_set_runs/${run.id}/results`);
    assert.equal(results.length, N);
    const wrong = results.filter((r) => r.correct !== true);
    assert.ok(wrong.length > 1000, `${wrong.length} mistakes`);
    assert.equal(Number(await page.getAttribute('#mistake-count', 'data-value')), wrong.length);
    await page.check('#only-mistakes');
    assert.equal(Number(await page.getAttribute('#results-pager .pager-total', 'data-value')), wrong.length);
    await page.click('#results-pager .next-page');
    const second = await page.locator('#results-table tbody tr').evaluateAll((els) => els.map((e) => e.dataset.resultId));
    assert.deepEqual(second, wrong.slice(50, 100).map((r) => r.id), 'page 2 of the mistakes, in item order');
    await page.uncheck('#only-mistakes');
    await shot(page, 'desktop-scale-run');
    // The review page walks the same results; its first item is there at once too.
    const reviewStart = await page.evaluate(() => performance.now());
    await page.evaluate((h) => { location.hash = h; }, `#/runs/${run.id}/review`);
    await ready(page);
    const review = await page.evaluate((s) => performance.now() - s, reviewStart);
    assert.match(await page.textContent('#review-position'), /^Item 1 of \d+/);
    await page.waitForSelector('#review-loading[data-complete="true"]', { state: 'attached', timeout: 120000 });
    assert.equal(await page.textContent('#review-position'), `Item 1 of ${N}`);
    timings.runPage = { results: N, coldFirstScreenMs: cold, warmFirstScreenMs: warm, medianColdMs: median(cold), medianWarmMs: median(warm), allLoadedAfterMs: all, reviewFirstScreenMs: review };
    console.log(`run of ${N} results: first screen cold ${cold.map(Math.round).join(', ')} ms, in-app ${warm.map(Math.round).join(', ')} ms; all loaded ${Math.round(all)} ms later; review first screen ${Math.round(review)} ms`);
    for (const ms of [...cold, ...warm, review]) assert.ok(ms < BOUND_MS, `first screen took ${ms} ms`);
  });

  it('threw no page errors and made no request to any host but 127.0.0.1', () => {
    assert.deepEqual(browser.foreign, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
