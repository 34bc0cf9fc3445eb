// Versions, history and re-scoring in the dashboard (docs/evaluation.md § Versions,
// history and re-scoring), against a real server: the set page's version history, the
// item page's history with diffs and Revert, "Promote to expected" on a run item (one
// field, then the whole output), the run page's "Re-score with current labels" and
// rescoredFrom, and the "Suspect labels" view with its links; every change checked
// through the API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';
import { ARTIFACTS, goTo, ready, shot, signInAs } from './lib/page.mjs';

const N = 8;
const schema = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], 'x-rules': { patterns: ['Invoice No\\.\\s*([0-9]+)'] } },
    vendor_name: { type: ['string', 'null'], 'x-rules': { patterns: ['Vendor:\\s*([^\\n]+)'] } },
    total: { type: ['number', 'null'], 'x-rules': { patterns: ['Total:\\s*\\$([0-9.]+)'] } },
  },
  required: ['invoice_number', 'vendor_name', 'total'],
  additionalProperties: false,
};
const truth = (i) => ({ invoice_number: String(3000 + i), vendor_name: `Vendor ${i}`, total: 100 + i });

describe('versions in the dashboard', { timeout: 300000 }, () => {
  let server, api, browser, page, set, items, run;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    const files = [];
    for (let i = 0; i < N; ++i) {
      const t = truth(i);
      files.push(await api.upload(`v-${i}.txt`, `INVOICE\nVendor: ${t.vendor_name}\nInvoice No. ${t.invoice_number}\nTotal: $${t.total}.00\n`));
    }
    const extractor = await api.post('/extractors', { name: 'Versions invoices', config: { schema } });
    set = await api.post('/evaluation_sets', { name: 'Versions page', description: 'tests/browser/versions.test.mjs', entityId: extractor.id });
    // Items 1 and 2 have wrong labels (vendor, and vendor + total).
    const labels = Array.from({ length: N }, (_, i) => ({ ...truth(i), ...(i === 1 ? { vendor_name: 'Wrong Co' } : i === 2 ? { vendor_name: 'Bad Ltd', total: 1 } : {}) }));
    items = (await api.post(`/evaluation_sets/${set.id}/items`, { items: labels.map((v, i) => ({ fileId: files[i].id, expectedOutput: { value: v } })) })).evaluationSetItems;
    run = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
    assert.equal(run.status, 'PROCESSED');
    browser = await launch();
    browser.context.setDefaultTimeout(20000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await signInAs(page, server.baseUrl, server.apiKey);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('run item page: Promote one field, then the whole output', async () => {
    await goTo(page, server.baseUrl, `#/runs/${run.id}/items/${items[2].id}`);
    const buttons = await page.locator('[data-promote-field]').evaluateAll((els) => els.map((e) => e.dataset.promoteField).sort());
    assert.deepEqual(buttons, ['total', 'vendor_name']);
    await page.click('[data-promote-field="vendor_name"]');
    await page.waitForSelector('#promote-status.ok');
    let item = await api.get(`/evaluation_sets/${set.id}/items/${items[2].id}`);
    assert.deepEqual(item.expectedOutput.value, { ...truth(2), total: 1 }, 'only vendor_name was promoted');
    await page.click('#promote-all');
    await page.waitForFunction(() => /revision 3/.test(document.getElementById('promote-status').textContent));
    item = await api.get(`/evaluation_sets/${set.id}/items/${items[2].id}`);
    assert.deepEqual(item.expectedOutput.value, truth(2));
    const history = await api.get(`/evaluation_sets/${set.id}/items/${items[2].id}/history`);
    assert.deepEqual(history.data.map((r) => [r.reason, r.sourceRunId]), [['promote', run.id], ['promote', run.id], ['create', null]]);
    await shot(page, 'versions-promote');
  });

  it('set item page: history with diffs, and Revert', async () => {
    await goTo(page, server.baseUrl, `#/sets/${set.id}/items/${items[2].id}`);
    await page.waitForSelector('#item-history li[data-revision="3"]');
    assert.equal(await page.locator('#item-history > li').count(), 3);
    assert.equal(await page.getAttribute('#item-history > li:nth-child(1)', 'data-reason'), 'promote');
    // Revision 2 changed only vendor_name: its diff names that field, old and new.
    const diff = page.locator('#item-history li[data-revision="2"] ul.diff li');
    assert.equal(await diff.count(), 1);
    assert.equal(await diff.getAttribute('data-field'), 'vendor_name');
    assert.match(await diff.textContent(), /Bad Ltd.*Vendor 2/);
    await shot(page, 'versions-item-history');
    await page.click('[data-revert="1"]');
    await page.waitForFunction(() => document.querySelector('#item-history li[data-revision="4"]'));
    const item = await api.get(`/evaluation_sets/${set.id}/items/${items[2].id}`);
    assert.deepEqual(item.expectedOutput.value, { ...truth(2), vendor_name: 'Bad Ltd', total: 1 });
    const latest = (await api.get(`/evaluation_sets/${set.id}/items/${items[2].id}/history`)).data[0];
    assert.deepEqual([latest.revision, latest.reason], [4, 'revert']);
  });

  it('set page: the version history, as the API lists it', async () => {
    const s = await api.get(`/evaluation_sets/${set.id}`);
    const versions = await api.get(`/evaluation_sets/${set.id}/versions`);
    await goTo(page, server.baseUrl, `#/sets/${set.id}`);
    await page.waitForSelector('#versions-table');
    assert.equal(await page.getAttribute('#set-version', 'data-value'), String(s.version));
    assert.equal(await page.textContent('#set-content-hash'), s.contentHash.slice(0, 12));
    const shown = await page.locator('#versions-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.version)));
    assert.deepEqual(shown, versions.data.map((v) => v.version));
    assert.deepEqual(shown, [4, 3, 2, 1]);
    await shot(page, 'versions-set');
  });

  it('run page: Re-score with current labels opens the new run, which names its source', async () => {
    // Fix item 1's label through the API so that the re-score has something to change.
    await api.post(`/evaluation_sets/${set.id}/items/${items[1].id}`, { expectedOutput: { value: truth(1) } });
    await goTo(page, server.baseUrl, `#/runs/${run.id}`);
    await page.click('#rescore-current');
    await page.waitForURL((u) => !u.hash.includes(run.id) || u.hash !== `#/runs/${run.id}`);
    await ready(page);
    const hash = new URL(page.url()).hash;
    const newId = hash.replace('#/runs/', '');
    assert.notEqual(newId, run.id);
    const rescored = await api.get(`/evaluation_set_runs/${newId}`);
    assert.equal(rescored.rescoredFrom, run.id);
    assert.ok(rescored.metrics.accuracy > run.metrics.accuracy, 'the fixed label counts');
    assert.equal(await page.getAttribute('#rescored-from a', 'href'), `#/runs/${run.id}`);
    assert.match(await page.textContent('#run-set-version'), new RegExp(`set version ${rescored.evaluationSetVersion}`));
    await shot(page, 'versions-rescored-run');
  });

  it('suspect labels: the ranking with links to the items', async () => {
    // Items 2 (vendor, total wrong again after the revert): the run disagrees with both.
    const ranking = await api.get(`/evaluation_sets/${set.id}/suspects?runs=${run.id}`);
    assert.ok(ranking.data.length >= 2);
    await goTo(page, server.baseUrl, `#/sets/${set.id}/suspects?runs=${run.id}`);
    await page.waitForSelector('#suspects-table');
    const rows = await page.locator('#suspects-table tbody tr').evaluateAll((trs) => trs.map((r) => [r.dataset.item, r.dataset.field]));
    assert.deepEqual(rows, ranking.data.map((s) => [s.itemId, s.fieldPath]));
    assert.ok(rows.some(([id]) => id === items[2].id));
    await shot(page, 'versions-suspects');
    await page.click(`#suspects-table tbody tr:first-child a`);
    await ready(page, new RegExp(`#/sets/${set.id}/items/${ranking.data[0].itemId}$`));
    // The link from the run page leads to the same view.
    await goTo(page, server.baseUrl, `#/runs/${run.id}`);
    assert.equal(await page.getAttribute('#suspects-link', 'href'), `#/sets/${set.id}/suspects`);
  });
});
