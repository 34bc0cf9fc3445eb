// The compare page's decision layer against a real server: the verdict banner, every
// field's interval on one shared axis with its Holm-adjusted verdict, the Wilson
// intervals, the "items needed" sentence, the newly incorrect items before the rest, and
// the alpha/margin/effect form; every number shown checked against the API (data-value).
//
// Seeded so that the verdicts are known: 24 invoices; the candidate's vendor rule keeps
// the first word only (18 multi-word vendors regress) and its total rule reads
// thousands separators the baseline's did not (8 totals improve). Items: 12 newly
// incorrect, 2 newly correct (McNemar p 0.013: regressed at alpha 0.05, not at 0.001).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, repoRoot } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';

const ARTIFACTS = process.env.GOLDSET_BROWSER_ARTIFACTS || join(repoRoot, 'build', 'browser-artifacts');
const N = 24;

function invoice(i) {
  const vendor = i % 4 === 0 ? `Initech${i}` : `Acme Supplies ${i}`;
  const total = i % 3 === 0 ? 1000 + i * 10 + 0.5 : 100 + i;
  const totalText = total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return { name: `cmp-${String(i).padStart(2, '0')}.txt`, number: `INV-${2000 + i}`, vendor, total,
    text: `INVOICE\nVendor: ${vendor}\nInvoice No. ${2000 + i}\nDate: 2026-01-15\n\nWidgets x 3\nTotal: $${totalText}\n` };
}

function schema(variant) {
  const candidate = variant === 'candidate';
  return {
    type: 'object',
    properties: {
      invoice_number: { type: ['string', 'null'], 'x-rules': { patterns: ['Invoice No\\.\\s*([0-9]+)'] } },
      vendor_name: { type: ['string', 'null'], 'x-rules': { patterns: [candidate ? 'Vendor:\\s*(\\S+)' : 'Vendor:\\s*([^\\n]+)'] } },
      total: { type: ['number', 'null'], 'x-rules': { patterns: [candidate ? 'Total:\\s*\\$?([0-9][0-9,]*\\.?[0-9]*)' : 'Total:\\s*\\$([0-9]{1,3})'] } },
    },
    required: ['invoice_number', 'vendor_name', 'total'],
    additionalProperties: false,
  };
}

async function ready(p, hashRe) {
  if (hashRe) await p.waitForURL(hashRe);
  await p.waitForFunction(() => {
    const m = document.getElementById('main');
    return m.dataset.route === location.hash && (m.dataset.state === 'ready' || m.dataset.state === 'error');
  });
  const state = await p.getAttribute('#main', 'data-state');
  if (state !== 'ready') assert.fail(`page ${p.url()} failed to render: ${await p.textContent('#main')}`);
}

async function assertValue(locator, expected, what) {
  const raw = await locator.getAttribute('data-value');
  if (typeof expected !== 'number') {
    assert.equal(raw, '', `${what}: API has no number, page shows ${raw}`);
    return;
  }
  assert.notEqual(raw, null, `${what}: no data-value`);
  assert.equal(Number(raw), expected, `${what}: page ${raw} vs API ${expected}`);
}

describe('compare page: significance on every delta', { timeout: 300000 }, () => {
  let server, api, browser, page, baseline, candidate;
  const compareUrl = (q = '') => `#/compare?run=${candidate.id}&baseline=${baseline.id}${q}`;

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    const invoices = Array.from({ length: N }, (_, i) => invoice(i));
    const files = [];
    for (const inv of invoices) files.push(await api.upload(inv.name, inv.text));
    const extractor = await api.post('/extractors', { name: 'Compare page invoices', config: { schema: schema('baseline') } });
    const set = await api.post('/evaluation_sets', { name: 'Compare page', description: 'tests/browser/compare.test.mjs', entityId: extractor.id });
    await api.post(`/evaluation_sets/${set.id}/items`, {
      items: invoices.map((inv, i) => ({ fileId: files[i].id, expectedOutput: { value: { invoice_number: String(2000 + i), vendor_name: inv.vendor, total: inv.total } } })),
    });
    baseline = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
    await api.post(`/extractors/${extractor.id}`, { config: { schema: schema('candidate') } });
    candidate = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
    assert.equal(baseline.status, 'PROCESSED');
    assert.equal(candidate.status, 'PROCESSED');

    browser = await launch();
    browser.context.setDefaultTimeout(20000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await page.goto(`${server.baseUrl}/#/sets`);
    await ready(page);
    await page.fill('#api-key', server.apiKey);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#sets-table');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('shows the verdict, the power sentence and every field on one axis, as the API says', async () => {
    const cmp = await api.get(`/evaluation_set_runs/${candidate.id}/compare?baseline=${baseline.id}`);
    // The seeding did what the header says (otherwise the checks below prove little).
    assert.equal(cmp.verdict, 'regressed');
    assert.equal(cmp.fields.vendor_name.verdict, 'regressed');
    assert.equal(cmp.fields.total.verdict, 'improved');
    assert.equal(cmp.fields.invoice_number.verdict, 'no_change');
    assert.deepEqual([cmp.newlyIncorrect.length, cmp.newlyCorrect.length], [12, 2]);

    await page.goto(`${server.baseUrl}/${compareUrl()}`);
    await ready(page);
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'regressed');
    assert.match(await page.textContent('#verdict'), /^Regressed: accuracy /);
    await assertValue(page.locator('#verdict-delta'), cmp.delta, 'verdict delta');
    await assertValue(page.locator('#verdict-pvalue'), cmp.pValue, 'verdict p-value');
    await assertValue(page.locator('#verdict-alpha'), 0.05, 'alpha');
    await assertValue(page.locator('#cmp-ci-low'), cmp.ci95.low, 'CI low');
    assert.equal(await page.getAttribute('#cmp-noninferior', 'data-value'), String(cmp.nonInferior));
    await assertValue(page.locator('#cmp-items-baseline'), cmp.itemAccuracy.baseline, 'items right, baseline');
    await assertValue(page.locator('#cmp-items-baseline-ci .ci-low'), cmp.itemAccuracy.baselineCi95.low, 'Wilson low, baseline items');
    await assertValue(page.locator('#cmp-items-candidate-ci .ci-high'), cmp.itemAccuracy.candidateCi95.high, 'Wilson high, candidate items');

    // "With 24 paired items this comparison detects a change of X pp …; detecting 1.0 pp needs about M items."
    const sentence = await page.textContent('#power-sentence');
    assert.match(sentence, /^With 24 paired items this comparison detects a change of \d+\.\d pp with 80% power at alpha 0\.05; detecting 1\.0 pp needs about [\d,]+ items\.$/);
    await assertValue(page.locator('#cmp-mde'), cmp.minimumDetectableEffect, 'minimum detectable effect');
    await assertValue(page.locator('#cmp-items-needed'), cmp.itemsNeeded, 'items needed');
    await assertValue(page.locator('#cmp-effect'), cmp.parameters.effect, 'effect');

    // One axis for every field: each bar's ends sit where the shared scale puts them.
    const chart = page.locator('#field-intervals');
    const [extent, x0, x1] = await Promise.all(['data-extent', 'data-x0', 'data-x1'].map(async (a) => Number(await chart.getAttribute(a))));
    const x = (v) => x0 + ((v + extent) / (2 * extent)) * (x1 - x0);
    assert.equal(await chart.locator('g.field-row').count(), Object.keys(cmp.fields).length);
    assert.equal(await chart.locator('line.zero').count(), 1, 'one zero line across all fields');
    for (const [path, f] of Object.entries(cmp.fields)) {
      const row = chart.locator(`g.field-row[data-field="${path}"]`);
      assert.equal(await row.getAttribute('data-verdict'), f.verdict, `${path} verdict in the chart`);
      const bar = row.locator('line.ci');
      assert.equal(Number(await bar.getAttribute('data-low')), f.ci95.low, `${path} CI low`);
      assert.equal(Number(await bar.getAttribute('data-high')), f.ci95.high, `${path} CI high`);
      assert.ok(Math.abs(Number(await bar.getAttribute('x1')) - x(f.ci95.low)) < 1e-6, `${path} bar starts on the shared scale`);
      assert.ok(Math.abs(Number(await bar.getAttribute('x2')) - x(f.ci95.high)) < 1e-6, `${path} bar ends on the shared scale`);
      await assertValue(row.locator('circle.point'), f.delta, `${path} delta point`);
      assert.equal(await row.locator('text.field-verdict').textContent(), f.verdict.replace('_', ' '));

      const tr = page.locator(`#fields-table tr[data-field="${path}"]`);
      await assertValue(tr.locator('.f-delta'), f.delta, `${path} delta`);
      await assertValue(tr.locator('.f-ci-low'), f.ci95.low, `${path} table CI low`);
      await assertValue(tr.locator('.f-ci-high'), f.ci95.high, `${path} table CI high`);
      await assertValue(tr.locator('.f-pvalue'), f.pValue, `${path} p`);
      await assertValue(tr.locator('.f-padj'), f.pValueAdjusted, `${path} Holm p`);
      await assertValue(tr.locator('.f-baseline'), f.baseline, `${path} baseline`);
      await assertValue(tr.locator('.f-baseline-low'), f.baselineCi95.low, `${path} baseline Wilson low`);
      await assertValue(tr.locator('.f-candidate-high'), f.candidateCi95.high, `${path} candidate Wilson high`);
      assert.equal(await tr.locator('.f-verdict').textContent(), f.verdict.replace('_', ' '));
    }
    // Regressions lead: chart and table both start with vendor_name.
    assert.equal(await chart.locator('g.field-row').first().getAttribute('data-field'), 'vendor_name');
    assert.equal(await page.locator('#fields-table tbody tr').first().getAttribute('data-field'), 'vendor_name');

    // Newly incorrect items, in the API's order, before the fields and before the newly correct ones.
    const ids = await page.locator('#newly-incorrect-items li').evaluateAll((lis) => lis.map((li) => li.dataset.itemId));
    assert.deepEqual(ids, cmp.newlyIncorrect.map((x) => x.evaluationSetItemId));
    await assertValue(page.locator('#newly-incorrect-total'), 12, 'newly incorrect count');
    assert.match(await page.locator('#newly-incorrect-items li').first().textContent(), /cmp-\d\d\.txt — vendor_name/);
    const order = await page.evaluate(() => ['newly-incorrect', 'fields-h', 'newly-correct', 'fd-h', 'regressed-h']
      .map((id) => document.getElementById(id)).every((el, i, all) => i === 0 || (all[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)));
    assert.ok(order, 'newly incorrect first, then fields, newly correct, mean scores, score moves');
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-compare-decisions.png'), fullPage: true });
  });

  it('takes alpha, margin and effect from its form and shows the API\'s answer for them', async () => {
    await page.fill('#param-alpha', '0.001');
    await page.fill('#param-margin', '0.5');
    await page.fill('#param-effect', '0.05');
    await page.click('#params-apply');
    await ready(page, /alpha=0\.001/);
    const cmp = await api.get(`/evaluation_set_runs/${candidate.id}/compare?baseline=${baseline.id}&alpha=0.001&margin=0.5&effect=0.05`);
    assert.equal(cmp.verdict, 'no_change', 'p 0.013 is not below 0.001');
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'no_change');
    assert.match(await page.textContent('#verdict'), /^No significant change: /);
    await assertValue(page.locator('#verdict-alpha'), 0.001, 'alpha from the URL');
    assert.equal(await page.getAttribute('#cmp-noninferior', 'data-value'), String(cmp.nonInferior));
    await assertValue(page.locator('#cmp-items-needed'), cmp.itemsNeeded, 'items needed for 5 pp');
    await assertValue(page.locator('#cmp-mde'), cmp.minimumDetectableEffect, 'MDE at alpha 0.001');
    for (const [path, f] of Object.entries(cmp.fields)) {
      assert.equal(await page.getAttribute(`#fields-table tr[data-field="${path}"]`, 'data-verdict'), f.verdict, `${path} at alpha 0.001`);
    }
    assert.equal(await page.inputValue('#param-alpha'), '0.001');
    // A value the API refuses shows its message instead of a page.
    await page.goto(`${server.baseUrl}/${compareUrl('&alpha=0.9')}`);
    await page.waitForFunction(() => document.getElementById('main').dataset.state === 'error');
    assert.match(await page.textContent('#main'), /alpha must be a number in \(0, 0\.5\]/);
  });

  it('fits a 390px phone screen', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.baseUrl}/${compareUrl()}`);
    await ready(phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `compare page scrolls sideways by ${overflow}px at 390px`);
    await phone.screenshot({ path: join(ARTIFACTS, 'phone-compare-decisions.png'), fullPage: true });
    await phone.close();
  });

  it('made no request to any host but 127.0.0.1 and threw no page errors', () => {
    assert.deepEqual(browser.foreign, []);
    assert.deepEqual(browser.pageErrors, []);
  });
});
