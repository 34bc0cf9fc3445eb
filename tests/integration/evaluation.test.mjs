// The evaluation API over real HTTP: sets, items, runs, results, CSV, compare, cancel,
// item failures and validation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import {
  invoiceText, invoiceExpected, classifierConfig, classTexts, splitterConfig, sameValue, waitForRun, allResults,
  uploadText, uploadBytes, seedInvoiceSet,
} from './eval_fixtures.mjs';

describe('evaluation sets and items', () => {
  let srv, seeded;
  before(async () => {
    srv = await startServer();
    seeded = await seedInvoiceSet(srv, 3);
  });
  after(async () => srv?.stop());

  test('set objects follow the contract', async () => {
    const r = await srv.api('GET', `/evaluation_sets/${seeded.set.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.object, 'evaluation_set');
    assert.match(r.body.id, /^ev_/);
    assert.equal(r.body.description, 'test');
    assert.deepEqual(Object.keys(r.body.entity).sort(), ['createdAt', 'id', 'name', 'object', 'updatedAt']);
    assert.equal(r.body.entity.object, 'extractor');
    assert.deepEqual(r.body.createdBy.type, 'api_key');
    const noDesc = await srv.api('POST', '/evaluation_sets', { body: { name: 'x', entityId: seeded.extractor.id } });
    assert.equal(noDesc.body.description, '');
  });

  test('list filters by entityId and pages', async () => {
    const other = await srv.api('POST', '/extractors', { body: { name: 'Other', config: { schema: { type: 'object', properties: {} } } } });
    await srv.api('POST', '/evaluation_sets', { body: { name: 'other set', entityId: other.body.id } });
    const r = await srv.api('GET', '/evaluation_sets', { query: { entityId: other.body.id } });
    assert.equal(r.status, 200);
    assert.equal(r.body.object, 'list');
    assert.equal(r.body.data.length, 1);
    assert.equal(r.body.data[0].entity.id, other.body.id);
    const page = await srv.api('GET', '/evaluation_sets', { query: { maxPageSize: 1, sortBy: 'createdAt', sortDir: 'asc' } });
    assert.equal(page.body.data.length, 1);
    assert.ok(page.body.nextPageToken);
  });

  test('items: create, get, list summaries, update, delete', async () => {
    const item = seeded.items[0];
    assert.equal(item.object, 'evaluation_set_item');
    assert.match(item.id, /^evi_/);
    assert.equal(item.evaluationSetId, seeded.set.id);
    assert.equal(item.file.object, 'file');
    const got = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items/${item.id}`);
    assert.deepEqual(got.body.expectedOutput, invoiceExpected(0));
    const list = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items`, { query: { sortBy: 'createdAt', sortDir: 'asc' } });
    assert.equal(list.body.data.length, 3);
    assert.deepEqual(list.body.data.map((d) => d.id), seeded.items.map((d) => d.id));
    for (const d of list.body.data) {
      assert.equal(d.expectedOutput, undefined, 'summaries carry no expectedOutput');
      assert.equal(d.evaluationSetId, undefined, 'summaries carry no evaluationSetId');
    }
    const upd = await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items/${item.id}`,
      { body: { expectedOutput: invoiceExpected(0, ['vendor']) } });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.expectedOutput.value.vendor, 'WRONG');
    const extra = await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items`, {
      body: { items: [{ fileId: item.file.id, expectedOutput: invoiceExpected(0) }] } });
    const del = await srv.api('DELETE', `/evaluation_sets/${seeded.set.id}/items/${extra.body.evaluationSetItems[0].id}`);
    assert.deepEqual(del.body, { id: extra.body.evaluationSetItems[0].id });
    const again = await srv.api('DELETE', `/evaluation_sets/${seeded.set.id}/items/${extra.body.evaluationSetItems[0].id}`);
    assert.equal(again.status, 404);
    const gone = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items/${extra.body.evaluationSetItems[0].id}`);
    assert.equal(gone.status, 404);
  });

  test('item creation is all-or-nothing and names the bad index', async () => {
    const before = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items`, { query: { maxPageSize: 1000 } });
    const good = { fileId: seeded.items[1].file.id, expectedOutput: invoiceExpected(1) };
    const cases = [
      [{ items: [good, good, { fileId: seeded.items[1].file.id, expectedOutput: { value: { total: 'abc' } } }] }, 422, /items\[2\]/],
      [{ items: [good, { fileId: 'file_nope', expectedOutput: invoiceExpected(1) }] }, 404, /items\[1\]/],
      [{ items: [good, { fileId: seeded.items[1].file.id, expectedOutput: { value: { unknown_key: 'x' } } }] }, 422, /items\[1\]/],
      [{ items: [good, { fileId: seeded.items[1].file.id, expectedOutput: { value: { invoice_date: 'not a date' } } }] }, 422, /invoice_date/],
      [{ items: [good, { expectedOutput: invoiceExpected(1) }] }, 400, /items\[1\]/],
      [{ items: [good, { fileId: seeded.items[1].file.id }] }, 400, /expectedOutput/],
      [{ items: [] }, 400, /at least one/],
      [{ items: Array.from({ length: 101 }, () => good) }, 400, /at most 100/],
      [{ items: 'nope' }, 400, /array/],
      [{ items: [{ fileIds: [seeded.items[1].file.id], expectedOutput: invoiceExpected(1) }] }, 400, /2 to 50/],
      [{ items: [{ fileIds: [seeded.items[1].file.id, seeded.items[1].file.id], expectedOutput: invoiceExpected(1) }] }, 400, /duplicate/],
      [{ items: [{ fileId: seeded.items[1].file.id, fileIds: [seeded.items[1].file.id, seeded.items[2].file.id], expectedOutput: invoiceExpected(1) }] }, 400, /exactly one/],
    ];
    for (const [body, status, pattern] of cases) {
      const r = await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items`, { body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.code, status === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST');
      assert.match(r.body.message, pattern);
    }
    const afterList = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items`, { query: { maxPageSize: 1000 } });
    assert.equal(afterList.body.data.length, before.body.data.length, 'nothing was written');
  });

  test('multifile items on extractor sets', async () => {
    const r = await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items`, {
      body: { items: [{ fileIds: [seeded.items[1].file.id, seeded.items[2].file.id], expectedOutput: invoiceExpected(1) }] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const it = r.body.evaluationSetItems[0];
    assert.equal(it.file, null);
    assert.equal(it.files.length, 2);
    await srv.api('DELETE', `/evaluation_sets/${seeded.set.id}/items/${it.id}`);
  });

  test('unknown set and foreign ids are 404', async () => {
    for (const path of ['/evaluation_sets/ev_missing', '/evaluation_sets/ev_missing/items',
      `/evaluation_sets/${seeded.set.id}/items/evi_missing`, '/evaluation_set_runs/bpr_missing',
      `/evaluation_sets/${encodeURIComponent(seeded.set.id + '/items')}`]) {
      const r = await srv.api('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.code, 'NOT_FOUND');
    }
  });

  test('a file used by items cannot be deleted', async () => {
    const r = await srv.api('DELETE', `/files/${seeded.items[2].file.id}`);
    assert.equal(r.status, 400);
    assert.match(r.body.message, /evaluation set item/);
  });
});

describe('classifier and splitter expected outputs are validated', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => srv?.stop());

  test('classifier', async () => {
    const cl = await srv.api('POST', '/classifiers', { body: { name: 'Docs', config: classifierConfig } });
    const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'c', entityId: cl.body.id } });
    const f = await uploadText(srv, 'r.txt', classTexts.receipt);
    const ok = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [{ fileId: f.id, expectedOutput: { id: 'receipt', type: 'Receipt' } }] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const bad = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [{ fileId: f.id, expectedOutput: { id: 'memo', type: 'Memo' } }] } });
    assert.equal(bad.status, 422);
    const multi = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [{ fileIds: [f.id, f.id + 'x'], expectedOutput: { id: 'receipt', type: 'Receipt' } }] } });
    assert.equal(multi.status, 400);
  });

  test('splitter', async () => {
    const sp = await srv.api('POST', '/splitters', { body: { name: 'Packets', config: splitterConfig } });
    const set = await srv.api('POST', '/evaluation_sets', { body: { name: 's', entityId: sp.body.id } });
    const f = await uploadText(srv, 'p.txt', classTexts.invoice);
    const split = (a, b, id = 'invoice', type = 'Invoice') => ({ classificationId: id, type, startPage: a, endPage: b });
    const ok = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [{ fileId: f.id, expectedOutput: { splits: [split(1, 1)] } }] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    for (const splits of [[split(0, 1)], [split(2, 1)], [split(1, 1, 'nope', 'Nope')], [split(1.5, 2)]]) {
      const r = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [{ fileId: f.id, expectedOutput: { splits } }] } });
      assert.equal(r.status, 422, JSON.stringify(splits));
    }
  });
});
