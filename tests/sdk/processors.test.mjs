// The official extend-ai SDK (pinned 1.17.0) managing processors on a real goldset
// server: an extractor from a zod schema (the SDK converts it to JSON Schema client
// side), a classifier and a splitter; draft updates, published versions, lists,
// retrieval by draft/latest/number/id, and the error classes for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ExtendClient, Extend, extendCurrency, extendDate } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';

async function rejectsWith(promise, cls, status, messagePattern) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.statusCode, status);
    if (messagePattern) assert.match(e.body?.message ?? '', messagePattern);
    return e;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

test('extend-ai SDK: extractors, classifiers, splitters and versions', { timeout: 90000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });

  const invoiceSchema = z.object({
    invoice_number: z.string().nullable().describe('The invoice number'),
    invoice_date: extendDate().describe('The invoice date'),
    status: z.enum(['paid', 'open']),
    line_items: z.array(z.object({
      description: z.string().nullable(),
      quantity: z.number().int().nullable(),
      amount: extendCurrency(),
    })).describe('Line items on the invoice'),
    total: extendCurrency().describe('Total amount due'),
  });

  let extractor;
  await t.test('create an extractor from a zod schema', async () => {
    extractor = await client.extractors.create({
      name: 'Invoice Extractor',
      config: { schema: invoiceSchema, extractionRules: 'Amounts are in the invoice currency.' },
    });
    assert.equal(extractor.object, 'extractor');
    assert.match(extractor.id, /^ex_/);
    assert.equal(extractor.name, 'Invoice Extractor');
    const draft = extractor.draftVersion;
    assert.equal(draft.object, 'extractor_version');
    assert.match(draft.id, /^exv_/);
    assert.equal(draft.version, 'draft');
    assert.equal(draft.extractorId, extractor.id);
    assert.deepEqual(draft.createdBy, { type: 'api_key', name: draft.createdBy.name });
    // The server stored exactly the JSON Schema the SDK produced from zod.
    const s = draft.config.schema;
    assert.equal(s.type, 'object');
    assert.deepEqual(s.required, ['invoice_number', 'invoice_date', 'status', 'line_items', 'total']);
    assert.deepEqual(s.properties.invoice_number, { type: ['string', 'null'], description: 'The invoice number' });
    assert.equal(s.properties.invoice_date['extend:type'], 'date');
    assert.deepEqual(s.properties.status, { enum: ['paid', 'open', null] });
    assert.equal(s.properties.total['extend:type'], 'currency');
    assert.deepEqual(Object.keys(s.properties.total.properties), ['amount', 'iso_4217_currency_code']);
    assert.deepEqual(s.properties.line_items.items.properties.quantity.type, ['integer', 'null']);
    assert.equal(draft.config.extractionRules, 'Amounts are in the invoice currency.');
  });

  await t.test('update the extractor draft with another zod schema, then publish 1.0 and 1.1', async () => {
    const v10 = await client.extractorVersions.create(extractor.id, { releaseType: 'major', description: 'first' });
    assert.equal(v10.object, 'extractor_version');
    assert.equal(v10.version, '1.0');
    assert.equal(v10.description, 'first');
    assert.match(v10.id, /^exv_/);
    assert.deepEqual(v10.config, extractor.draftVersion.config);

    const updated = await client.extractors.update(extractor.id, {
      name: 'Invoice Extractor v2',
      config: { schema: z.object({ vendor: z.string().nullable(), total: extendCurrency() }) },
    });
    assert.equal(updated.name, 'Invoice Extractor v2');
    assert.deepEqual(Object.keys(updated.draftVersion.config.schema.properties), ['vendor', 'total']);
    assert.equal(updated.draftVersion.id, extractor.draftVersion.id);

    const v11 = await client.extractorVersions.create(extractor.id, { releaseType: 'minor' });
    assert.equal(v11.version, '1.1');
    assert.deepEqual(v11.config, updated.draftVersion.config);

    // Publishing with a zod config in the body.
    const v20 = await client.extractorVersions.create(extractor.id, {
      releaseType: 'major', description: 'from zod', config: { schema: z.object({ po_number: z.string().nullable() }) },
    });
    assert.equal(v20.version, '2.0');
    assert.deepEqual(Object.keys(v20.config.schema.properties), ['po_number']);

    const list = await client.extractorVersions.list(extractor.id);
    assert.equal(list.object, 'list');
    assert.deepEqual(list.data.map((v) => v.version), ['draft', '2.0', '1.1', '1.0']);
    assert.ok(!list.data.some((v) => 'config' in v));
    const page1 = await client.extractorVersions.list(extractor.id, { maxPageSize: 3, sortDir: 'asc' });
    assert.deepEqual(page1.data.map((v) => v.version), ['1.0', '1.1', '2.0']);
    const page2 = await client.extractorVersions.list(extractor.id, { maxPageSize: 3, sortDir: 'asc', nextPageToken: page1.nextPageToken });
    assert.deepEqual(page2.data.map((v) => v.version), ['draft']);
    assert.ok(!page2.nextPageToken);

    assert.equal((await client.extractorVersions.retrieve(extractor.id, 'latest')).id, v20.id);
    assert.equal((await client.extractorVersions.retrieve(extractor.id, 'draft')).id, extractor.draftVersion.id);
    const got10 = await client.extractorVersions.retrieve(extractor.id, '1.0');
    assert.deepEqual(got10, v10, 'published 1.0 is unchanged by the later draft edit');
    assert.equal((await client.extractorVersions.retrieve(extractor.id, v11.id)).version, '1.1');
  });

  let classifier;
  await t.test('classifier: create, update draft, publish, list, retrieve', async () => {
    classifier = await client.classifiers.create({
      name: 'Doc type',
      config: {
        classifications: [
          { id: 'invoice', type: 'Invoice', description: 'A bill for goods or services' },
          { id: 'other', type: 'other', description: 'Anything else' },
        ],
        classificationRules: 'Prefer invoice when a total is present.',
      },
    });
    assert.equal(classifier.object, 'classifier');
    assert.match(classifier.id, /^cl_/);
    assert.equal(classifier.draftVersion.object, 'classifier_version');
    assert.match(classifier.draftVersion.id, /^clv_/);
    assert.equal(classifier.draftVersion.classifierId, classifier.id);

    const v01 = await client.classifierVersions.create(classifier.id, { releaseType: 'minor' });
    assert.equal(v01.version, '0.1');
    const updated = await client.classifiers.update(classifier.id, {
      config: { classifications: [...classifier.draftVersion.config.classifications, { id: 'receipt', type: 'Receipt', description: 'A receipt' }] },
    });
    assert.equal(updated.draftVersion.config.classifications.length, 3);
    const v10 = await client.classifierVersions.create(classifier.id, { releaseType: 'major', description: 'adds receipts' });
    assert.equal(v10.version, '1.0');
    assert.equal(v10.classifierId, classifier.id);
    assert.equal((await client.classifierVersions.retrieve(classifier.id, '0.1')).config.classifications.length, 2);
    assert.equal((await client.classifierVersions.retrieve(classifier.id, 'latest')).config.classifications.length, 3);
    const versions = await client.classifierVersions.list(classifier.id);
    assert.deepEqual(versions.data.map((v) => v.version), ['draft', '1.0', '0.1']);
    const got = await client.classifiers.retrieve(classifier.id);
    assert.deepEqual(got.draftVersion, updated.draftVersion);
    assert.ok(got.updatedAt >= updated.updatedAt, 'publishing counts as an update of the classifier');
  });

  let splitter;
  await t.test('splitter: create, clone, update draft, publish, list, retrieve', async () => {
    splitter = await client.splitters.create({
      name: 'Packet splitter',
      config: {
        splitClassifications: [
          { id: 'invoice', type: 'Invoice', description: 'An invoice', identifierKey: 'the invoice number' },
          { id: 'other', type: 'other', description: 'Anything else' },
        ],
      },
    });
    assert.equal(splitter.object, 'splitter');
    assert.match(splitter.id, /^spl_/);
    assert.match(splitter.draftVersion.id, /^splv_/);
    assert.equal(splitter.draftVersion.splitterId, splitter.id);
    const clone = await client.splitters.create({ name: 'Clone', cloneSplitterId: splitter.id });
    assert.deepEqual(clone.draftVersion.config, splitter.draftVersion.config);
    const renamed = await client.splitters.update(splitter.id, { name: 'Packet splitter (renamed)' });
    assert.equal(renamed.name, 'Packet splitter (renamed)');
    const v10 = await client.splitterVersions.create(splitter.id, { releaseType: 'major' });
    assert.equal(v10.object, 'splitter_version');
    assert.equal(v10.version, '1.0');
    assert.equal(v10.splitterId, splitter.id);
    assert.deepEqual((await client.splitterVersions.retrieve(splitter.id, v10.id)).config, splitter.draftVersion.config);
    const versions = await client.splitterVersions.list(splitter.id);
    assert.deepEqual(versions.data.map((v) => v.version), ['draft', '1.0']);
  });

  await t.test('lists of each kind hold summaries and page', async () => {
    const ex = await client.extractors.list({ sortBy: 'createdAt', sortDir: 'asc' });
    assert.equal(ex.object, 'list');
    assert.deepEqual(ex.data.map((s) => s.id), [extractor.id]);
    assert.ok(!('draftVersion' in ex.data[0]));
    assert.equal(ex.data[0].name, 'Invoice Extractor v2');
    const cl = await client.classifiers.list();
    assert.deepEqual(cl.data.map((s) => s.id), [classifier.id]);
    const p1 = await client.splitters.list({ maxPageSize: 1, sortBy: 'createdAt', sortDir: 'asc' });
    assert.deepEqual(p1.data.map((s) => s.id), [splitter.id]);
    assert.ok(p1.nextPageToken);
    const p2 = await client.splitters.list({ maxPageSize: 1, sortBy: 'createdAt', sortDir: 'asc', nextPageToken: p1.nextPageToken });
    assert.equal(p2.data.length, 1);
    assert.notEqual(p2.data[0].id, splitter.id);
    assert.ok(!p2.nextPageToken);
  });

  await t.test('errors map to the SDK error classes', async () => {
    const e = await rejectsWith(client.extractors.create({
      name: 'Bad', config: { schema: { type: 'object', properties: { total: { type: 'money' } } } },
    }), Extend.BadRequestError, 400, /Path: config\.schema\.properties\.total\.type$/);
    assert.equal(e.body.code, 'INVALID_REQUEST');
    await rejectsWith(client.classifiers.create({
      name: 'Dup', config: { classifications: [{ id: 'a', type: 'A', description: '' }, { id: 'a', type: 'B', description: '' }] },
    }), Extend.BadRequestError, 400, /Path: config\.classifications\[1\]\.id$/);
    await rejectsWith(client.extractors.create({ name: 'Gen', generate: { files: [{ id: 'file_x' }] } }),
      Extend.BadRequestError, 400, /generate is not supported/);
    await rejectsWith(client.extractorVersions.create(extractor.id, { releaseType: 'patch' }), Extend.BadRequestError, 400);
    await rejectsWith(client.extractors.retrieve('ex_doesNotExist0000000000'), Extend.NotFoundError, 404);
    await rejectsWith(client.extractorVersions.retrieve(extractor.id, '9.9'), Extend.NotFoundError, 404);
    await rejectsWith(client.classifiers.retrieve(extractor.id), Extend.NotFoundError, 404);
    await rejectsWith(client.splitterVersions.list('spl_nope'), Extend.NotFoundError, 404);
  });
});
