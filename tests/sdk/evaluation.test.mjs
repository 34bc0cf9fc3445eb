// The official extend-ai SDK drives the whole evaluation flow against a real server:
// extractor, classifier and splitter sets; files; item CRUD; runs over a whole set, a
// subset and a pinned version; polling to PROCESSED; metrics checked against values
// computed here from the per-item results.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendClient, Extend } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import {
  invoiceSchema, invoiceText, invoiceExpected, classifierConfig, classTexts, splitterConfig, sameValue, allResults,
} from '../integration/eval_fixtures.mjs';

async function poll(client, id, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.evaluationSetRuns.retrieve(id);
    if (!['PENDING', 'PROCESSING', 'CANCELLING'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('evaluation flow through the official SDK', () => {
  let srv, client;
  before(async () => {
    srv = await startServer();
    client = new ExtendClient({ token: srv.key, baseUrl: srv.url });
  });
  after(async () => srv?.stop());

  test('extractor set: items CRUD, runs (all, subset, pinned), metrics', async () => {
    const extractor = await client.extractors.create({ name: 'Invoices', config: { schema: invoiceSchema } });
    assert.match(extractor.id, /^ex_/);
    const files = [];
    for (let i = 0; i < 5; ++i)
      files.push(await client.files.upload(new File([invoiceText(i)], `invoice-${i}.txt`, { type: 'text/plain' }), {}));
    const set = await client.evaluationSets.create({ name: 'Invoices', description: 'SDK', entityId: extractor.id });
    assert.equal(set.entity.id, extractor.id);
    const created = await client.evaluationSetItems.create(set.id, {
      items: files.map((f, i) => ({ fileId: f.id, expectedOutput: invoiceExpected(i, i === 4 ? ['total'] : []) })) });
    assert.equal(created.evaluationSetItems.length, 5);
    const items = created.evaluationSetItems;

    const got = await client.evaluationSetItems.retrieve(set.id, items[0].id);
    assert.deepEqual(got.expectedOutput, invoiceExpected(0));
    const updated = await client.evaluationSetItems.update(set.id, items[3].id, { expectedOutput: invoiceExpected(3, ['vendor']) });
    assert.equal(updated.expectedOutput.value.vendor, 'WRONG');
    const listed = await client.evaluationSetItems.list(set.id, { maxPageSize: 2 });
    assert.equal(listed.data.length, 2);
    assert.ok(listed.nextPageToken);
    const rest = await client.evaluationSetItems.list(set.id, { maxPageSize: 10, nextPageToken: listed.nextPageToken });
    assert.equal(rest.data.length, 3);
    const extra = await client.evaluationSetItems.create(set.id, { items: [{ fileId: files[0].id, expectedOutput: invoiceExpected(0) }] });
    const deleted = await client.evaluationSetItems.delete(set.id, extra.evaluationSetItems[0].id);
    assert.equal(deleted.id, extra.evaluationSetItems[0].id);

    const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
    assert.equal(run.status, 'PENDING');
    assert.equal(run.entityVersion.version, 'draft');
    const done = await poll(client, run.id);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.metrics.type, 'EXTRACT');
    assert.equal(done.metrics.numFilesTotal, 5);
    const results = await allResults(srv.api, run.id);
    let right = 0, total = 0;
    for (const r of results)
      for (const [field, exp] of Object.entries(r.expectedOutput.value)) {
        total += 1;
        if (sameValue(exp, r.actualOutput.value[field])) right += 1;
      }
    assert.equal(total, 20);
    assert.ok(Math.abs(done.metrics.accuracy - right / total) < 1e-9, `${done.metrics.accuracy} vs ${right / total}`);
    assert.equal(done.metrics.fieldMetrics.total.countAccurate, 4);
    assert.equal(done.metrics.fieldMetrics.vendor.countAccurate, 4);

    const subset = await client.evaluationSetRuns.create({ evaluationSetId: set.id, evaluationSetItemIds: [items[0].id, items[1].id] });
    const subsetDone = await poll(client, subset.id);
    assert.equal(subsetDone.metrics.numFilesTotal, 2);
    assert.equal(subsetDone.metrics.accuracy, 1);

    const v1 = await client.extractorVersions.create(extractor.id, { releaseType: 'major', description: 'first' });
    const pinned = await client.evaluationSetRuns.create({ evaluationSetId: set.id, entity: { id: extractor.id, version: v1.version } });
    assert.equal(pinned.entityVersion.version, v1.version);
    assert.equal(pinned.entityVersion.id, v1.id);
    const pinnedDone = await poll(client, pinned.id);
    assert.equal(pinnedDone.metrics.accuracy, done.metrics.accuracy);
  });

  test('classifier set: accuracy and per-class metrics', async () => {
    const classifier = await client.classifiers.create({ name: 'Doc types', config: classifierConfig });
    const set = await client.evaluationSets.create({ name: 'Doc types', entityId: classifier.id });
    const docs = [['invoice', 'Invoice'], ['receipt', 'Receipt'], ['statement', 'Bank Statement'], ['invoice', 'Invoice']];
    const items = [];
    for (const [i, [id, type]] of docs.entries()) {
      const f = await client.files.upload(new File([classTexts[id]], `doc-${i}.txt`, { type: 'text/plain' }), {});
      items.push({ fileId: f.id, expectedOutput: { id, type } });
    }
    await client.evaluationSetItems.create(set.id, { items });
    const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
    const done = await poll(client, run.id);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.metrics.type, 'CLASSIFY');
    const results = await allResults(srv.api, run.id);
    const right = results.filter((r) => r.actualOutput.type === r.expectedOutput.type).length;
    assert.ok(Math.abs(done.metrics.accuracy - right / results.length) < 1e-9);
    assert.equal(done.metrics.classificationMetrics.Invoice.countExpected, 2);
    assert.ok(done.metrics.accuracy >= 0.75, `classifier accuracy ${done.metrics.accuracy}`);
  });

  test('splitter set: split precision/recall', async () => {
    const splitter = await client.splitters.create({ name: 'Packets', config: splitterConfig });
    const set = await client.evaluationSets.create({ name: 'Packets', entityId: splitter.id });
    const packet = [classTexts.invoice, classTexts.invoice, classTexts.receipt, classTexts.statement].join('\f');
    const f = await client.files.upload(new File([packet], 'packet.txt', { type: 'text/plain' }), {});
    const expected = { splits: [
      { classificationId: 'invoice', type: 'Invoice', startPage: 1, endPage: 2 },
      { classificationId: 'receipt', type: 'Receipt', startPage: 3, endPage: 3 },
      { classificationId: 'statement', type: 'Bank Statement', startPage: 4, endPage: 4 },
    ] };
    await client.evaluationSetItems.create(set.id, { items: [{ fileId: f.id, expectedOutput: expected }] });
    const run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
    const done = await poll(client, run.id);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.metrics.type, 'SPLITTER');
    const [result] = await allResults(srv.api, run.id);
    const predicted = result.actualOutput.splits;
    const correct = predicted.filter((p) => expected.splits.some((e) =>
      e.type === p.type && e.startPage === p.startPage && e.endPage === p.endPage)).length;
    assert.equal(done.metrics.numSplitsExpected, 3);
    assert.equal(done.metrics.numSplitsPredicted, predicted.length);
    assert.equal(done.metrics.numSplitsCorrect, correct);
    assert.ok(Math.abs(done.metrics.recall - correct / 3) < 1e-9);
  });

  test('SDK error classes for evaluation routes', async () => {
    const { NotFoundError, BadRequestError, UnprocessableEntityError } = Extend;
    await assert.rejects(client.evaluationSets.retrieve('ev_missing'), (e) => e instanceof NotFoundError);
    await assert.rejects(client.evaluationSetRuns.retrieve('bpr_missing'), (e) => e instanceof NotFoundError);
    await assert.rejects(client.evaluationSetRuns.create({ evaluationSetId: '' }), (e) => e instanceof BadRequestError);
    const ex = await client.extractors.create({ name: 'x', config: { schema: invoiceSchema } });
    const set = await client.evaluationSets.create({ name: 'x', entityId: ex.id });
    const f = await client.files.upload(new File(['x'], 'x.txt'), {});
    await assert.rejects(client.evaluationSetItems.create(set.id, { items: [{ fileId: f.id, expectedOutput: { value: { total: 'abc' } } }] }),
      (e) => e instanceof UnprocessableEntityError);
  });
});
