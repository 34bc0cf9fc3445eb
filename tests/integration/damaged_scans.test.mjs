// Issue #24 (5) over HTTP: damaged scans decode as far as they go. A JPEG or PNG cut
// part-way is OCR'd down to the damage, the item is PROCESSED with the values above it,
// and its result carries a warning naming the row; an image with nothing decodable
// fails clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { uploadBytes, waitForRun, allResults } from './eval_fixtures.mjs';
import { textPdf, scanOf } from './hostile_docs.mjs';

const schema = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], 'x-rules': { patterns: ['Invoice No:?\\s*([A-Z]+-[0-9]+)'] } },
    total: { type: ['number', 'null'], 'x-rules': { patterns: ['Total:?\\s*([0-9]+\\.[0-9]{2})'] } },
  },
  required: ['invoice_number', 'total'],
};
const expected = { value: { invoice_number: 'INV-4821', total: 7154 } };
// The number near the top (10 % down), the total near the bottom (88 % down).
const page = textPdf([{ text: 'Invoice No: INV-4821', y: 80 }, { text: 'Total: 7154.00', y: 700 }]);
const WARNING = /^image data damaged after row (\d+) \(.+\); decoded (\d+)% of the page$/;

test('#24 damaged scans: OCR above the damage, a warning on the item, nothing decodable fails', { timeout: 180000 }, async (t) => {
  const srv = await startServer({ t, args: ['--workers', '2'] });
  const jpeg = scanOf(page, 'jpeg');
  const png = scanOf(page, 'png');
  const files = {
    intact: await uploadBytes(srv, 'intact.jpg', jpeg, 'image/jpeg'),
    jpegCut: await uploadBytes(srv, 'cut.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image/jpeg'),
    pngCut: await uploadBytes(srv, 'cut.png', png.subarray(0, Math.floor(png.length * 0.6)), 'image/png'),
    nothing: await uploadBytes(srv, 'nothing.jpg', jpeg.subarray(0, 400), 'image/jpeg'),
  };
  const ex = await srv.api('POST', '/extractors', { body: { name: 'scans', config: { schema } } });
  assert.equal(ex.status, 200, ex.text);
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'scans', description: '', entityId: ex.body.id } });
  const items = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, {
    body: { items: Object.values(files).map((f) => ({ fileId: f.id, expectedOutput: expected })) },
  });
  assert.equal(items.status, 200, items.text);
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.body.id } });
  assert.equal(run.status, 200, run.text);
  await waitForRun(srv.api, run.body.id, { timeoutMs: 150000 });
  const byFile = Object.fromEntries((await allResults(srv.api, run.body.id)).map((r) => [r.file.id, r]));

  await t.test('an intact scan has an empty warnings list', () => {
    const r = byFile[files.intact.id];
    assert.equal(r.status, 'PROCESSED', JSON.stringify(r.error));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.actualOutput.value.total, 7154);
  });

  for (const name of ['jpegCut', 'pngCut']) {
    await t.test(`${name}: PROCESSED with the value above the damage and a warning`, () => {
      const r = byFile[files[name].id];
      assert.equal(r.status, 'PROCESSED', JSON.stringify(r.error));
      assert.equal(r.actualOutput.value.invoice_number, 'INV-4821');
      assert.notEqual(r.actualOutput.value.total, 7154, 'the bottom line lies below the damage');
      assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
      const m = WARNING.exec(r.warnings[0]);
      assert.ok(m, r.warnings[0]);
      const height = 11 * 150;
      assert.ok(Number(m[1]) > 0.1 * height && Number(m[1]) < 0.88 * height, r.warnings[0]);
      assert.equal(Number(m[2]), Math.floor((100 * Number(m[1])) / height));
    });
  }

  await t.test('nothing decodable: the item fails with a clear error', () => {
    const r = byFile[files.nothing.id];
    assert.equal(r.status, 'FAILED');
    assert.match(r.error.message, /corrupt or unreadable JPEG image/);
  });

  await t.test('a standalone extract run of the damaged JPEG is PROCESSED', async () => {
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.body.id }, file: { id: files.jpegCut.id } } });
    assert.equal(r.status, 200, r.text);
    const deadline = Date.now() + 60000;
    let got;
    do {
      await new Promise((res) => setTimeout(res, 200));
      got = await srv.api('GET', `/extract_runs/${r.body.id}`);
    } while (['PENDING', 'PROCESSING'].includes(got.body.status) && Date.now() < deadline);
    assert.equal(got.body.status, 'PROCESSED', JSON.stringify(got.body.failureMessage));
    assert.equal(got.body.output.value.invoice_number, 'INV-4821');
  });

  assert.deepEqual(srv.serverErrors(), []);
});
