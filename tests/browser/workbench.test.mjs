// The workbench against a real goldset server, driven in Chromium: create sets (new and
// existing processors, drag-and-drop and picked files, a failing upload), label items
// (the generated form with every field kind, client checks, a server 422 placed on its
// field, pre-fill from runs, class picker, page-range editor), start and cancel runs,
// review with the keyboard (boxes of the engine's citations, promote, filters), and
// manage API keys. Every write is checked against the public API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';
import { textPdf } from './lib/seed.mjs';
import { ARTIFACTS, dropFiles, goTo, ready, shot, signInAs } from './lib/page.mjs';
import { axeViolations, isSerious, keyboardReach } from './lib/a11y.mjs';
import {
  CLASSES, INVOICES, RICH_SCHEMA, SPLIT_DOC, gatedEngine, invoiceFile, truthOf,
} from './lib/workbench-data.mjs';

let server;
let api;
let browser;
let page;
const made = {}; // what the flows created, for the later flows

const V = (p) => `[data-path="expectedOutput.value.${p}"]`;

const signIn = (p, key) => signInAs(p, server.baseUrl, key);
const go = (p, hash) => goTo(p, server.baseUrl, hash);

describe('workbench', { timeout: 900000 }, () => {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // --auth-cache-ms 0: a key revoked in the browser fails on its next use.
    server = await startServer({ args: ['--auth-cache-ms', '0'] });
    api = client(server.baseUrl, server.apiKey);
    browser = await launch();
    browser.context.setDefaultTimeout(20000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await signIn(page, server.apiKey);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  // ---- 1. Create an evaluation set ------------------------------------------------------

  it('creates an extractor set: schema checked as typed, files dropped and picked, one item per uploaded file', async () => {
    await go(page, '#/sets');
    await page.click('#new-set-link');
    await ready(page, /#\/sets\/new$/);
    await page.check('#proc-new');
    await page.selectOption('#proc-kind', 'extractor');
    await page.fill('#proc-name', 'Workbench invoices');

    // The schema editor checks as you type: broken JSON, then a rule the server enforces.
    await page.fill('#schema', '{"type": "object", "properties": {');
    await page.waitForSelector('#schema-status [data-problem="json"]');
    assert.match(await page.textContent('#schema-status'), /line 1, column \d+/);
    assert.equal(await page.getAttribute('#schema', 'aria-invalid'), 'true');
    await page.fill('#schema', JSON.stringify({ type: 'object', properties: { total: { type: 'money' } } }));
    await page.waitForSelector('#schema-status li[data-path="schema.properties.total.type"]');
    assert.match(await page.textContent('#schema-status'), /Unsupported type "money"/);
    await page.fill('#schema', JSON.stringify(RICH_SCHEMA, null, 2));
    await page.waitForSelector('#schema-status [data-problem="none"]');
    assert.equal(await page.getAttribute('#schema', 'aria-invalid'), null);
    const previewed = await page.locator('#schema-fields li .mono').allTextContents();
    assert.ok(previewed.includes('line_items[].qty') && previewed.includes('vendor.country'), previewed.join());

    await page.fill('#set-name', 'Workbench invoices');
    await page.fill('#set-description', 'Made in the browser');
    // Two files dropped, one picked, and an empty file the server refuses.
    const files = INVOICES.map(invoiceFile);
    await dropFiles(page, '#files-zone', files.slice(0, 2));
    await page.setInputFiles('#files-input', [files[2], { name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) }]);
    await page.waitForFunction(() => document.querySelectorAll('#files-list li[data-state="done"], #files-list li[data-state="failed"]').length === 4);
    const failed = page.locator('#files-list li[data-file-name="empty.pdf"]');
    assert.equal(await failed.getAttribute('data-state'), 'failed');
    assert.match(await failed.textContent(), /Failed: 400 The uploaded file is empty/);
    assert.equal(await failed.locator('button').isVisible(), true, 'a failed upload offers a retry');
    for (const f of files) {
      const row = page.locator(`#files-list li[data-file-name="${f.name}"]`);
      assert.equal(await row.getAttribute('data-state'), 'done');
      assert.equal(await row.locator('progress').evaluate((el) => el.value), 100);
    }
    await shot(page, 'desktop-new-set');

    await page.click('#create-set');
    await page.waitForSelector('#create-done');
    const setHref = await page.getAttribute('#created-set-link', 'href');
    const setId = decodeURIComponent(setHref.split('/').pop());
    const set = await api.get(`/evaluation_sets/${setId}`);
    assert.equal(set.name, 'Workbench invoices');
    assert.equal(set.description, 'Made in the browser');
    assert.equal(set.entity.object, 'extractor');
    const extractor = await api.get(`/extractors/${set.entity.id}`);
    assert.deepEqual(extractor.draftVersion.config.schema, RICH_SCHEMA, 'the schema typed is the schema stored');
    const items = await api.all(`/evaluation_sets/${setId}/items?sortBy=createdAt&sortDir=asc`);
    assert.deepEqual(items.map((i) => i.file.name).sort(), files.map((f) => f.name).sort(), 'one item per uploaded file');
    assert.equal(Number(await page.getAttribute('#created-item-count', 'data-value')), 3);
    for (const it of items) assert.deepEqual((await api.get(`/evaluation_sets/${setId}/items/${it.id}`)).expectedOutput, { value: {} }, 'nothing labelled yet');
    made.extract = { setId, extractorId: set.entity.id, items, byName: new Map(items.map((i) => [i.file.name, i])) };
    await shot(page, 'desktop-new-set-done');
  });

  it('creates a classifier set with its classifications, and a splitter set on an existing processor', async () => {
    await go(page, '#/sets/new');
    await page.check('#proc-new');
    await page.selectOption('#proc-kind', 'classifier');
    await page.fill('#proc-name', 'Workbench doc types');
    const rows = page.locator('#classifications tbody tr');
    await rows.nth(0).locator('input[name=id]').fill(CLASSES[0].id);
    await rows.nth(0).locator('input[name=type]').fill(CLASSES[0].type);
    await rows.nth(0).locator('input[name=description]').fill(CLASSES[0].description);
    await page.click('#classifications-add');
    await rows.nth(1).locator('input[name=id]').fill(CLASSES[1].id);
    await rows.nth(1).locator('input[name=type]').fill(CLASSES[1].type);
    await rows.nth(1).locator('input[name=description]').fill(CLASSES[1].description);
    await rows.nth(1).locator('input[name=description]').press('Tab'); // change -> the class list refreshes
    await page.waitForFunction(() => document.querySelectorAll('#initial-class option').length === 2);
    await page.selectOption('#initial-class', { label: 'Receipt (receipt)' });
    await page.fill('#set-name', 'Workbench doc types');
    await page.setInputFiles('#files-input', [invoiceFile(INVOICES[0]), invoiceFile(INVOICES[1])]);
    await page.click('#create-set');
    await page.waitForSelector('#create-done');
    const setId = decodeURIComponent((await page.getAttribute('#created-set-link', 'href')).split('/').pop());
    const set = await api.get(`/evaluation_sets/${setId}`);
    const classifier = await api.get(`/classifiers/${set.entity.id}`);
    assert.deepEqual(classifier.draftVersion.config.classifications, CLASSES);
    const items = await api.all(`/evaluation_sets/${setId}/items`);
    assert.equal(items.length, 2);
    for (const it of items) assert.deepEqual((await api.get(`/evaluation_sets/${setId}/items/${it.id}`)).expectedOutput, { id: 'receipt', type: 'Receipt' });
    made.classify = { setId, items };

    // Splitter: the processor exists already; the set picks it from the list.
    const splitter = await api.post('/splitters', { name: 'Workbench bundles', config: { splitClassifications: CLASSES } });
    await go(page, '#/sets/new');
    await page.check('#proc-existing');
    await page.selectOption('#proc-select', `splitter:${splitter.id}`);
    await page.fill('#set-name', 'Workbench bundles');
    await page.setInputFiles('#files-input', [{ name: SPLIT_DOC.name, mimeType: 'application/pdf', buffer: Buffer.from(textPdf(SPLIT_DOC.pages), 'latin1') }]);
    await page.click('#create-set');
    await page.waitForSelector('#create-done');
    const splitSetId = decodeURIComponent((await page.getAttribute('#created-set-link', 'href')).split('/').pop());
    const splitItems = await api.all(`/evaluation_sets/${splitSetId}/items`);
    assert.equal(splitItems.length, 1);
    assert.equal(splitItems[0].file.metadata.pageCount, 3);
    assert.deepEqual((await api.get(`/evaluation_sets/${splitSetId}/items/${splitItems[0].id}`)).expectedOutput, { splits: [] });
    made.split = { setId: splitSetId, item: splitItems[0], splitterId: splitter.id };
  });

  it('creates a new splitter, keeping what was made when a step fails and finishing on retry', async () => {
    await go(page, '#/sets/new');
    await page.check('#proc-new');
    await page.selectOption('#proc-kind', 'splitter');
    const row = page.locator('#split-classifications tbody tr').first();
    await row.locator('input[name=id]').fill('statement');
    await row.locator('input[name=type]').fill('Statement');
    await page.fill('#proc-name', 'x'.repeat(300)); // over the server's 255-byte name limit
    await page.fill('#set-name', 'Retry set');
    await page.setInputFiles('#files-input', [{ name: 'retry.pdf', mimeType: 'application/pdf', buffer: Buffer.from(textPdf([['STATEMENT']]), 'latin1') }]);
    await page.click('#create-set');
    await page.waitForSelector('#create-status [data-step="create the processor"]');
    assert.match(await page.textContent('#create-status'), /400/);
    assert.equal(await page.inputValue('#set-name'), 'Retry set', 'the form keeps its content');
    assert.equal((await api.all('/evaluation_sets')).filter((x) => x.name === 'Retry set').length, 0, 'no set without its processor');
    await page.fill('#proc-name', 'Retry splitter');
    await page.click('#create-set');
    await page.waitForSelector('#create-done');
    const sets = (await api.all('/evaluation_sets')).filter((x) => x.name === 'Retry set');
    assert.equal(sets.length, 1);
    const splitter = await api.get(`/splitters/${sets[0].entity.id}`);
    assert.equal(splitter.name, 'Retry splitter');
    assert.deepEqual(splitter.draftVersion.config.splitClassifications, [{ id: 'statement', type: 'Statement', description: '' }]);
    assert.equal((await api.all(`/evaluation_sets/${sets[0].id}/items`)).length, 1);
  });

  // ---- 2. Label -------------------------------------------------------------------------

  it('labels an extractor item: a form for every field kind, checks at the field, saved exactly', async () => {
    const inv = INVOICES[0];
    const item = made.extract.byName.get(inv.name);
    await go(page, `#/sets/${made.extract.setId}`);
    await page.click(`#items-table tr[data-item-id="${item.id}"] a.label-link`);
    await ready(page, new RegExp(`#/sets/${made.extract.setId}/items/${item.id}$`));
    // The rendered page beside the form.
    const img = page.locator('#doc-pages figure[data-page="1"] img');
    await img.waitFor();
    assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 100), 'page image decoded');
    assert.equal(await page.locator('.form-field .badge.unlabelled').count(), 7, 'every field starts unlabelled');

    const t = truthOf(inv);
    await page.fill(V('invoice_number'), t.invoice_number);
    await page.fill(V('vendor.name'), t.vendor.name);
    await page.selectOption(V('vendor.country'), t.vendor.country);
    await page.fill(V('invoice_date'), t.invoice_date);
    await page.fill(V('total.amount'), 'abc'); // a client-side mistake first
    await page.fill(V('total.iso_4217_currency_code'), 'usd');
    await page.selectOption(V('paid'), 'true');
    await page.selectOption(V('category'), t.category);
    for (let i = 0; i < 3; i++) await page.click('button:has-text("Add row to line_items")');
    await page.click('button[aria-label="Remove row 3 of line_items"]');
    assert.equal(await page.locator('[data-path^="expectedOutput.value.line_items["][data-path$="].description"]').count(), 2);
    for (const [i, row] of t.line_items.entries()) {
      await page.fill(V(`line_items[${i}].description`), row.description);
      await page.fill(V(`line_items[${i}].qty`), String(row.qty));
      await page.fill(V(`line_items[${i}].amount`), String(row.amount));
    }
    await page.click('#save-item');
    await page.waitForSelector('#save-status.error');
    assert.equal(await page.getAttribute(V('total.amount'), 'aria-invalid'), 'true');
    assert.match(await page.locator('.currency .field-error').first().textContent(), /Enter an amount/);
    assert.deepEqual((await api.get(`/evaluation_sets/${made.extract.setId}/items/${item.id}`)).expectedOutput, { value: {} }, 'nothing sent');

    await page.fill(V('total.amount'), String(t.total.amount));
    await page.click('#save-item');
    await page.waitForSelector('#save-status.ok');
    const saved = await api.get(`/evaluation_sets/${made.extract.setId}/items/${item.id}`);
    assert.deepEqual(saved.expectedOutput, { value: t }, 'the item holds exactly what was typed');
    await shot(page, 'desktop-label-extractor', { fullPage: false });
  });

  it('puts a server 422 on the field it names and keeps the form when a save fails', async () => {
    const item = made.extract.byName.get(INVOICES[0].name);
    const base = `/evaluation_sets/${made.extract.setId}/items/${item.id}`;
    await go(page, `#/sets/${made.extract.setId}/items/${item.id}`);
    // Someone changes the schema meanwhile: invoice_number becomes a number.
    const changed = JSON.parse(JSON.stringify(RICH_SCHEMA));
    changed.properties.invoice_number = { type: ['number', 'null'] };
    await api.post(`/extractors/${made.extract.extractorId}`, { config: { schema: changed } });
    await page.fill(V('vendor.name'), 'Acme Supplies Ltd');
    await page.click('#save-item');
    await page.waitForSelector('#save-status.error');
    assert.match(await page.textContent('#save-status'), /422/);
    const field = page.locator(V('invoice_number'));
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'focus moves to the field');
    const errId = (await field.getAttribute('aria-describedby')).split(' ').pop();
    assert.match(await page.textContent(`#${errId}`), /Expected a number/);
    assert.equal(await page.inputValue(V('vendor.name')), 'Acme Supplies Ltd', 'the edit survives the failed save');
    assert.equal((await api.get(base)).expectedOutput.value.vendor.name, 'Acme Supplies', 'nothing was written');
    await shot(page, 'desktop-label-422', { fullPage: false });
    // The schema is put back; the same form saves.
    await api.post(`/extractors/${made.extract.extractorId}`, { config: { schema: RICH_SCHEMA } });
    await page.click('#save-item');
    await page.waitForSelector('#save-status.ok');
    assert.equal((await api.get(base)).expectedOutput.value.vendor.name, 'Acme Supplies Ltd');
  });

  it('pre-fills from a fresh run of the processor, to correct rather than type', async () => {
    const item = made.extract.byName.get(INVOICES[1].name);
    await go(page, `#/sets/${made.extract.setId}/items/${item.id}`);
    await page.selectOption('#prefill-run', '__now__');
    await page.click('#prefill-go');
    await page.waitForFunction(() => /Pre-filled/.test(document.getElementById('prefill-status').textContent), null, { timeout: 60000 });
    const runs = await api.all('/extract_runs');
    const run = await api.get(`/extract_runs/${runs[0].id}`);
    assert.equal(run.status, 'PROCESSED');
    assert.equal(await page.inputValue(V('vendor.name')), run.output.value.vendor.name);
    assert.equal(await page.inputValue(V('line_items[0].description')), run.output.value.line_items[0].description);
    assert.equal(await page.isVisible('#dirty'), true, 'pre-filled but not saved yet');
    await page.click('#save-item');
    await page.waitForSelector('#save-status.ok');
    const saved = await api.get(`/evaluation_sets/${made.extract.setId}/items/${item.id}`);
    assert.deepEqual(saved.expectedOutput.value, run.output.value, 'the engine output, saved as it was shown');
    assert.deepEqual(saved.expectedOutput.value, truthOf(INVOICES[1]), 'and it was right');
    // The third invoice gets ground truth with two mistakes, for the review below.
    const wrong = truthOf(INVOICES[2]);
    wrong.vendor.name = 'Wrong Vendor Inc';
    wrong.total.amount = 50;
    await api.post(`/evaluation_sets/${made.extract.setId}/items/${made.extract.byName.get(INVOICES[2].name).id}`, { expectedOutput: { value: wrong } });
  });

  it('labels a classifier item with the class picker', async () => {
    const item = made.classify.items[0];
    await go(page, `#/sets/${made.classify.setId}/items/${item.id}`);
    assert.equal(await page.isChecked('#class-picker input[value="receipt"]'), true, 'the current label is selected');
    await page.check('#class-picker input[value="invoice"]');
    await page.click('#save-item');
    await page.waitForSelector('#save-status.ok');
    assert.deepEqual((await api.get(`/evaluation_sets/${made.classify.setId}/items/${item.id}`)).expectedOutput, { id: 'invoice', type: 'Invoice' });
    await shot(page, 'desktop-label-classifier');
  });

  it('labels a splitter item with the page-range editor over thumbnails', async () => {
    const { setId, item } = made.split;
    await go(page, `#/sets/${setId}/items/${item.id}`);
    await page.waitForSelector('#doc-pages figure[data-page="3"] button[data-split-at="3"]');
    assert.equal(await page.locator('#doc-pages figure.page img').count(), 3, 'a thumbnail per page');
    await page.click('button[data-split-at="1"]');
    await page.click('button[data-split-at="3"]');
    const rows = page.locator('#splits-table tbody tr');
    assert.equal(await rows.count(), 2);
    await rows.nth(1).locator('select').selectOption('receipt');
    assert.match(await page.textContent('#doc-pages figure[data-page="2"] .split-tag'), /Split 1: Invoice/);
    assert.match(await page.textContent('#doc-pages figure[data-page="3"] .split-tag'), /Split 2: Receipt/);
    // A page past the end is caught before sending.
    await rows.nth(1).locator('input[aria-label^="Last page"]').fill('9');
    await page.click('#save-item');
    await page.waitForSelector('#save-status.error');
    assert.equal(await rows.nth(1).locator('input[aria-label^="Last page"]').getAttribute('aria-invalid'), 'true');
    await rows.nth(1).locator('input[aria-label^="Last page"]').fill('3');
    await page.click('#save-item');
    await page.waitForSelector('#save-status.ok');
    assert.deepEqual((await api.get(`/evaluation_sets/${setId}/items/${item.id}`)).expectedOutput, {
      splits: [
        { classificationId: 'invoice', type: 'Invoice', startPage: 1, endPage: 2 },
        { classificationId: 'receipt', type: 'Receipt', startPage: 3, endPage: 3 },
      ],
    });
    await shot(page, 'desktop-label-splitter');
  });

  // ---- 3. Run -------------------------------------------------------------------------

  it('starts a run for a chosen version with fuzzy and excluded fields, and follows it', async () => {
    await api.post(`/extractors/${made.extract.extractorId}/versions`, { releaseType: 'major', description: 'first cut' });
    await go(page, `#/sets/${made.extract.setId}`);
    await page.click('#start-run-link');
    await ready(page, /runs\/new$/);
    await page.selectOption('#run-version', '1.0');
    await page.waitForSelector('#fuzzy-fields input[value="vendor.name"]');
    // A threshold out of range is refused before anything is sent.
    const before = (await api.all(`/evaluation_set_runs?evaluationSetId=${made.extract.setId}`)).length;
    await page.fill('#fuzzy-threshold', '1.5');
    await page.click('#start-run');
    await page.waitForSelector('#fuzzy-threshold-error:not([hidden])');
    assert.equal((await api.all(`/evaluation_set_runs?evaluationSetId=${made.extract.setId}`)).length, before);
    await page.fill('#fuzzy-threshold', '0.8');
    await page.check('#fuzzy-fields input[value="vendor.name"]');
    await page.check('#exclude-fields input[value="paid"]');
    await shot(page, 'desktop-new-run');
    await page.click('#start-run');
    await ready(page, /#\/runs\/bpr_[^/]+$/);
    const runId = decodeURIComponent(page.url().split('/').pop());
    const run = await api.waitForRun(runId);
    assert.equal(run.entityVersion.version, '1.0');
    assert.deepEqual(run.options.fuzzyMatchFields, ['vendor.name']);
    assert.deepEqual(run.options.excludeFields, ['paid']);
    assert.equal(run.options.fuzzyThreshold, 0.8);
    await page.waitForSelector('h1 .status-processed');
    assert.equal(Number(await page.getAttribute('#run-accuracy', 'data-value')), run.metrics.accuracy);
    made.run = run;
  });

  it('shows a run live and cancels it', async () => {
    const engine = await gatedEngine({ value: truthOf(INVOICES[0]), metadata: {} });
    try {
      const extractor = await api.post('/extractors', { name: 'Slow engine', config: { schema: RICH_SCHEMA, engine: { type: 'http', url: engine.url } } });
      const set = await api.post('/evaluation_sets', { name: 'Slow set', entityId: extractor.id });
      const file = await api.upload('slow.txt', 'Vendor: Slow\n');
      await api.post(`/evaluation_sets/${set.id}/items`, { items: Array.from({ length: 8 }, () => ({ fileId: file.id, expectedOutput: { value: {} } })) });
      await go(page, `#/sets/${set.id}/runs/new`);
      await page.click('#start-run');
      await ready(page, /#\/runs\/bpr_[^/]+$/);
      const runId = decodeURIComponent(page.url().split('/').pop());
      await page.waitForSelector('#run-progress');
      assert.equal(Number(await page.getAttribute('#progress-total', 'data-value')), 8);
      const deadline = Date.now() + 30000;
      while (engine.waiting() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      engine.release();
      // No reload: the page polls and the count moves.
      await page.waitForFunction(() => Number(document.getElementById('progress-done')?.dataset.value) >= 1, null, { timeout: 30000 });
      await shot(page, 'desktop-run-live');
      await page.click('#cancel-run');
      await page.waitForSelector('h1 .status-cancelling, h1 .status-cancelled', { timeout: 30000 });
      // Items in flight finish (the engine answers them); no new item starts.
      const until = Date.now() + 60000;
      while ((await api.get(`/evaluation_set_runs/${runId}`)).status !== 'CANCELLED' && Date.now() < until) {
        engine.release();
        await new Promise((r) => setTimeout(r, 100));
      }
      await page.waitForSelector('h1 .status-cancelled', { timeout: 30000 });
      const run = await api.get(`/evaluation_set_runs/${runId}`);
      assert.equal(run.status, 'CANCELLED');
      assert.ok(run.metrics.numFilesProcessed < 8, `cancelled before the end (${run.metrics.numFilesProcessed} of 8)`);
    } finally {
      await engine.close();
    }
  });

  // ---- 4. Review ----------------------------------------------------------------------

  it('reviews a run from the keyboard: citation boxes, j/k, ?, filters', async () => {
    const run = made.run;
    const results = await api.all(`/evaluation_set_runs/${run.id}/results`);
    await go(page, `#/runs/${run.id}`);
    await page.click('#review-link');
    await ready(page, /review/);
    const first = results[0];
    assert.match(await page.textContent('#review-item h2'), new RegExp(first.file.name.replace('.', '\\.')));
    // The engine's citations are drawn where it found the values, in page coordinates.
    await page.waitForSelector('#review-pages svg.boxes polygon');
    const cited = Object.entries(first.actualOutput.metadata).filter(([, m]) => m.citations?.[0]?.polygon);
    assert.ok(cited.length >= 6, `the rules engine cites word boxes (${cited.length})`);
    assert.equal(await page.locator('#review-pages svg.boxes polygon').count(), cited.length);
    for (const [field, m] of cited) {
      const poly = page.locator(`#review-pages svg.boxes polygon[data-field="${field}"]`);
      assert.deepEqual(JSON.parse(await poly.getAttribute('data-points')), m.citations[0].polygon, `${field} box`);
    }
    assert.equal(await page.getAttribute('#review-pages svg.boxes', 'viewBox'), '0 0 612 792');
    await shot(page, 'desktop-review');

    await page.keyboard.press('?');
    await page.waitForSelector('#keys-dialog[open]');
    await shot(page, 'desktop-review-keys');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#keys-dialog[open]').count(), 0);

    const pos = () => page.textContent('#review-position');
    assert.equal(await pos(), `Item 1 of ${results.length}`);
    await page.keyboard.press('j');
    assert.equal(await pos(), `Item 2 of ${results.length}`);
    assert.match(await page.textContent('#review-item h2'), new RegExp(results[1].file.name.replace('.', '\\.')));
    await page.keyboard.press('k');
    assert.equal(await pos(), `Item 1 of ${results.length}`);

    const mistakes = results.filter((r) => r.correct !== true);
    await page.check('#review-mistakes');
    assert.equal(await pos(), `Item 1 of ${mistakes.length}`);
    await page.selectOption('#review-field', 'vendor.name');
    const vendorWrong = results.filter((r) => r.fields['vendor.name']?.verdict === 'incorrect');
    assert.equal(await pos(), `Item 1 of ${vendorWrong.length}`);
    assert.deepEqual(await page.locator('#review-fields tbody tr').evaluateAll((els) => els.map((e) => e.dataset.field)), ['vendor.name']);
    await page.selectOption('#review-field', '');
    await page.uncheck('#review-mistakes');
  });

  it('promotes the focused field with p, and edits with e', async () => {
    const run = made.run;
    const results = await api.all(`/evaluation_set_runs/${run.id}/results`);
    const target = results.find((r) => r.fields['total']?.verdict === 'incorrect');
    assert.ok(target, 'a result with a wrong total');
    await go(page, `#/runs/${run.id}/review?item=${target.id}`);
    await page.click('#review-fields tr[data-field="total"]');
    assert.equal(await page.getAttribute('#review-fields tr[data-field="total"]', 'aria-current'), 'true');
    await page.waitForSelector('#review-pages polygon.box.focused[data-field="total"]');
    assert.equal(await page.locator('#review-pages polygon.box.focused').count(), 1, 'only the focused field\'s box stands out');
    await page.keyboard.press('p');
    await page.waitForSelector('#review-status.ok');
    const item = await api.get(`/evaluation_sets/${run.evaluationSetId}/items/${target.evaluationSetItemId}`);
    assert.deepEqual(item.expectedOutput.value.total, target.actualOutput.value.total, 'the actual value is now expected');
    assert.equal(item.expectedOutput.value.vendor.name, 'Wrong Vendor Inc', 'other fields untouched');
    const history = await api.get(`/evaluation_sets/${run.evaluationSetId}/items/${target.evaluationSetItemId}/history`);
    assert.deepEqual([history.data[0].reason, history.data[0].sourceRunId], ['promote', run.id], 'recorded as a promote from the run');
    assert.equal(await page.locator('#review-fields tr[data-field="total"] .badge.promoted').count(), 1);

    await page.keyboard.press('ArrowDown');
    const focusedField = await page.evaluate(() => document.activeElement.dataset.field);
    assert.ok(focusedField && focusedField !== 'total', 'arrow keys move between fields');
    await page.keyboard.press('e');
    await ready(page, new RegExp(`#/sets/${run.evaluationSetId}/items/${target.evaluationSetItemId}\\?`));
    assert.equal(await page.inputValue('#prefill-run'), run.id, 'the run is offered for pre-fill');
    await page.click('#back-to-review');
    await ready(page, /review/);
    assert.match(await page.textContent('#review-item h2'), new RegExp(target.file.name.replace('.', '\\.')));
  });

  // ---- 5. Keys ------------------------------------------------------------------------

  it('lists, creates and revokes API keys with an admin key', async () => {
    const reporting = await server.createKey(['--name', 'reporting']);
    await fetch(`${server.baseUrl}/files`, { headers: { Authorization: `Bearer ${reporting}`, 'x-extend-api-version': '2026-02-09' } });
    const listed = await api.all('/api_keys');
    await go(page, '#/settings/keys');
    assert.equal(await page.locator('#keys-table tbody tr').count(), listed.length);
    for (const k of listed) {
      const row = page.locator(`#keys-table tr[data-key-id="${k.id}"]`);
      assert.match(await row.textContent(), new RegExp(k.name));
      assert.equal(await row.locator('td').first().textContent(), k.admin ? 'admin' : 'API');
      // The browser's own key is in use as the test runs; the others' times are settled.
      if (!k.current) assert.equal(await row.locator('.last-used time').getAttribute('datetime'), k.lastUsedAt, `${k.name} last used`);
    }
    assert.ok(listed.find((k) => k.name === 'reporting').lastUsedAt, 'a used key shows when');
    assert.equal(await page.locator('#keys-table tr:has-text("this key")').count(), 1);
    await page.click('#create-key');
    await page.waitForSelector('#new-key-error:not([hidden])');
    await page.fill('#new-key-name', 'CI runner');
    await page.click('#create-key');
    await page.waitForSelector('#new-key-value');
    const key = await page.inputValue('#new-key-value');
    assert.match(key, /^sk_/);
    await shot(page, 'desktop-keys');
    const res = await fetch(`${server.baseUrl}/files`, { headers: { Authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' } });
    assert.equal(res.status, 200, 'the new key works');
    const created = (await api.all('/api_keys')).find((k) => k.name === 'CI runner');
    assert.equal(created.admin, false);
    const row = page.locator(`#keys-table tr[data-key-id="${created.id}"]`);
    await row.locator('button.revoke').click();
    await row.locator('button.confirm-revoke').click();
    await page.waitForSelector(`#keys-table tr[data-key-id="${created.id}"][data-revoked="true"]`);
    const after = await fetch(`${server.baseUrl}/files`, { headers: { Authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' } });
    assert.equal(after.status, 401, 'revoked in the browser, refused by the API');
  });

  it('tells a key without the right why it cannot manage keys', async () => {
    const plain = await server.createKey(['--name', 'plain']);
    const p = await browser.context.newPage();
    await signIn(p, plain);
    await go(p, '#/settings/keys');
    await p.waitForSelector('#keys-forbidden');
    const r = await fetch(`${server.baseUrl}/api_keys`, { headers: { Authorization: `Bearer ${plain}`, 'x-extend-api-version': '2026-02-09' } });
    assert.equal(r.status, 403);
    await shot(p, 'desktop-keys-forbidden');
    // Pages of one browser context share localStorage: give the admin key back.
    await p.evaluate((k) => localStorage.setItem('goldset.apiKey', k), server.apiKey);
    await p.close();
  });

  // ---- Quality bar: every page ----------------------------------------------------------

  it('has no serious or critical axe violation, reaches every control by keyboard with a visible focus ring, and fits 390 px', async () => {
    // A second finished run of the extractor set, for the compare page.
    const second = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: made.extract.setId })).id);
    const results = await api.all(`/evaluation_set_runs/${made.run.id}/results`);
    const wait = (sel) => (p) => p.waitForSelector(sel);
    const imagesIn = (p) => p.waitForFunction(() => !document.querySelector('.pages p')?.textContent.includes('Loading'));
    const pages = [
      ['sets', '#/sets'],
      ['set', `#/sets/${made.extract.setId}`],
      ['new-set', '#/sets/new'],
      ['new-set-extractor', '#/sets/new', async (p) => { await p.check('#proc-new'); await p.selectOption('#proc-kind', 'extractor'); }],
      ['new-set-classifier', '#/sets/new', async (p) => { await p.check('#proc-new'); await p.selectOption('#proc-kind', 'classifier'); }],
      ['label-extractor', `#/sets/${made.extract.setId}/items/${made.extract.items[0].id}`, imagesIn],
      ['label-classifier', `#/sets/${made.classify.setId}/items/${made.classify.items[0].id}`, imagesIn],
      ['label-splitter', `#/sets/${made.split.setId}/items/${made.split.item.id}`, wait('button[data-split-at="3"]')],
      ['new-run', `#/sets/${made.extract.setId}/runs/new`, wait('#fuzzy-fields')],
      ['run', `#/runs/${made.run.id}`],
      ['review', `#/runs/${made.run.id}/review`, wait('#review-pages svg.boxes polygon')],
      ['review-keys', `#/runs/${made.run.id}/review`, async (p) => { await p.click('#show-keys'); await p.waitForSelector('#keys-dialog[open]'); }],
      ['item', `#/runs/${made.run.id}/items/${results[0].id}`, imagesIn],
      ['compare', `#/compare?run=${second.id}&baseline=${made.run.id}`],
      ['keys', '#/settings/keys'],
    ];
    const report = [];
    const problems = [];
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [name, hash, setup] of pages) {
      await go(page, hash);
      if (setup) await setup(page);
      const violations = await axeViolations(page);
      const serious = violations.filter(isSerious);
      // The keys dialog is modal: the keyboard check belongs to the page behind it.
      const reach = name === 'review-keys' ? { wanted: 0, reached: 0, missing: [], noRing: [] } : await keyboardReach(page);
      await go(phone, hash);
      if (setup) await setup(phone);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await shot(phone, `phone-wb-${name}`);
      report.push({ name, violations: violations.length, serious: serious.length, ids: violations.map((v) => `${v.id}:${v.impact}`).join(' '), reached: `${reach.reached}/${reach.wanted}`, overflow });
      if (serious.length) problems.push(`${name}: axe ${JSON.stringify(serious)}`);
      if (reach.missing.length) problems.push(`${name}: the keyboard never reaches ${JSON.stringify(reach.missing)}`);
      if (reach.noRing.length) problems.push(`${name}: no visible focus on ${JSON.stringify(reach.noRing)}`);
      if (overflow > 1) problems.push(`${name}: scrolls sideways by ${overflow}px at 390px`);
    }
    await phone.close();
    // The sign-in page, signed out (then the key is put back).
    await page.evaluate(() => localStorage.removeItem('goldset.apiKey'));
    await page.reload();
    await ready(page);
    await page.waitForSelector('#api-key');
    const login = (await axeViolations(page));
    const loginReach = await keyboardReach(page);
    report.push({ name: 'login', violations: login.length, serious: login.filter(isSerious).length, ids: login.map((v) => `${v.id}:${v.impact}`).join(' '), reached: `${loginReach.reached}/${loginReach.wanted}`, overflow: 0 });
    if (login.some(isSerious)) problems.push(`login: axe ${JSON.stringify(login.filter(isSerious))}`);
    if (loginReach.missing.length || loginReach.noRing.length) problems.push(`login: keyboard ${JSON.stringify(loginReach)}`);
    await signIn(page, server.apiKey);
    console.log('accessibility report (axe violations of any impact; keyboard reach; overflow at 390 px):');
    console.table(report);
    assert.deepEqual(problems, []);
  });

  it('made no request to any host but 127.0.0.1 and threw no page errors', () => {
    assert.deepEqual(browser.foreign, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
