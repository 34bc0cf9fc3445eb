// Standalone processor runs (contract §4.5) on the same engines and workers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import { startEngineStub } from './engine_stub.mjs';
import { invoiceSchema, invoiceText, classifierConfig, classTexts, splitterConfig, uploadText, waitRun } from './eval_fixtures.mjs';

describe('extract, classify and split runs', () => {
  let srv, extractor, classifier, splitter;
  before(async () => {
    srv = await startServer();
    extractor = (await srv.api('POST', '/extractors', { body: { name: 'inv', config: { schema: invoiceSchema } } })).body;
    classifier = (await srv.api('POST', '/classifiers', { body: { name: 'cls', config: classifierConfig } })).body;
    splitter = (await srv.api('POST', '/splitters', { body: { name: 'spl', config: splitterConfig } })).body;
  });
  after(async () => srv?.stop());

  test('extract_run from an uploaded file: PENDING, then PROCESSED with the output', async () => {
    const file = await uploadText(srv, 'inv.txt', invoiceText(3));
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { id: file.id }, metadata: { ref: 'a1' } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.object, 'extract_run');
    assert.match(r.body.id, /^exr_/);
    assert.equal(r.body.status, 'PENDING');
    assert.equal(r.body.extractor.id, extractor.id);
    assert.equal(r.body.extractorVersion.version, 'draft', 'no published version: latest is the draft');
    const done = await waitRun(srv, `/extract_runs/${r.body.id}`);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.output.value.invoice_number, 'INV-1003');
    assert.equal(done.output.value.total, 121.75);
    assert.deepEqual(done.metadata, { ref: 'a1' });
    assert.equal(done.file.id, file.id);
    const list = await srv.api('GET', '/extract_runs');
    assert.ok(list.body.data.some((x) => x.id === r.body.id));
  });

  test('classify_run and split_run with inline text and inline config', async () => {
    const c = await srv.api('POST', '/classify_runs', { body: { classifier: { id: classifier.id }, file: { text: classTexts.receipt, name: 'r.txt' } } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const cd = await waitRun(srv, `/classify_runs/${c.body.id}`);
    assert.equal(cd.object, 'classify_run');
    assert.equal(cd.output.type, 'Receipt');
    assert.ok(cd.output.confidence > 0 && cd.output.confidence <= 1);
    const s = await srv.api('POST', '/split_runs', { body: { config: splitterConfig,
      file: { text: [classTexts.invoice, classTexts.statement].join('\f') } } });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const sd = await waitRun(srv, `/split_runs/${s.body.id}`);
    assert.equal(sd.object, 'split_run');
    assert.deepEqual(sd.output.splits.map((x) => [x.type, x.startPage, x.endPage]), [['Invoice', 1, 1], ['Bank Statement', 2, 2]]);
  });

  test('an unreadable file fails the run with a reason', async () => {
    const bad = await uploadText(srv, 'x.pdf', '%PDF-1.4 not really', 'application/pdf');
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { id: bad.id } } });
    const done = await waitRun(srv, `/extract_runs/${r.body.id}`);
    assert.equal(done.status, 'FAILED');
    assert.ok(['PARSING_ERROR', 'FAILED_TO_PROCESS_FILE'].includes(done.failureReason), done.failureReason);
    assert.ok(done.failureMessage.length > 10);
  });

  test('validation', async () => {
    const file = await uploadText(srv, 'y.txt', 'hello');
    const cases = [
      ['/extract_runs', {}, 400],
      ['/extract_runs', { extractor: { id: extractor.id }, config: { schema: invoiceSchema }, file: { id: file.id } }, 400],
      ['/extract_runs', { extractor: { id: 'ex_missing' }, file: { id: file.id } }, 404],
      ['/extract_runs', { extractor: { id: classifier.id }, file: { id: file.id } }, 400],
      ['/extract_runs', { extractor: { id: extractor.id }, file: { id: 'file_missing' } }, 404],
      ['/extract_runs', { extractor: { id: extractor.id }, file: { url: 'http://169.254.169.254/' } }, 400],
      ['/extract_runs', { extractor: { id: extractor.id, version: '7.0' }, file: { id: file.id } }, 404],
      ['/classify_runs', { config: { classifications: 'nope' }, file: { id: file.id } }, 400],
      ['/split_runs', { splitter: { id: splitter.id } }, 400],
    ];
    for (const [path, body, status] of cases) {
      const r = await srv.api('POST', path, { body });
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`);
    }
    assert.equal((await srv.api('GET', '/classify_runs/clr_missing')).status, 404);
  });

  test('a processor that an evaluation set uses cannot be deleted', async () => {
    const set = await srv.api('POST', '/evaluation_sets', { body: { name: 's', entityId: extractor.id } });
    assert.equal(set.status, 200);
    const del = await srv.api('DELETE', `/extractors/${extractor.id}`);
    assert.equal(del.status, 400);
    assert.match(del.body.message, /evaluation set/);
    const other = await srv.api('POST', '/extractors', { body: { name: 'unused' } });
    assert.equal((await srv.api('DELETE', `/extractors/${other.body.id}`)).status, 200);
  });
});

describe('cancel and delete runs', () => {
  test('cancel: PENDING and PROCESSING runs end CANCELLED, and a late engine answer does not revive them', async (t) => {
    const srv = await startServer({ args: ['--workers', '1'] });
    t.after(() => srv.stop());
    const engine = await startGatedEngine();
    t.after(() => engine.close());
    const ex = await srv.api('POST', '/extractors', { body: { name: 'slow', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } });
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const file = await uploadText(srv, 'c.txt', invoiceText(1));
    const create = async () => {
      const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.body.id }, file: { id: file.id } } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const running = await create();
    const queued = await create();  // one worker: waits behind the first
    const deadline = Date.now() + 10000;
    while (engine.calls() < 1 || (await srv.api('GET', `/extract_runs/${running.id}`)).body.status !== 'PROCESSING') {
      assert.ok(Date.now() < deadline, 'the first run never reached the engine');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await srv.api('GET', `/extract_runs/${queued.id}`)).body.status, 'PENDING');

    const c1 = await srv.api('POST', `/extract_runs/${queued.id}/cancel`, { body: {} });
    assert.equal(c1.status, 200, JSON.stringify(c1.body));
    assert.equal(c1.body.object, 'extract_run');
    assert.equal(c1.body.status, 'CANCELLED');
    const c2 = await srv.api('POST', `/extract_runs/${running.id}/cancel`);
    assert.equal(c2.status, 200, JSON.stringify(c2.body));
    assert.equal(c2.body.status, 'CANCELLED');

    engine.release();  // the worker's result arrives after the cancel and is dropped
    const more = await create();  // proves the worker moved on past both
    // release() answers only the calls already held: wait for this run's call to arrive.
    const reached = Date.now() + 20000;
    while (engine.calls() < 2) {
      assert.ok(Date.now() < reached, 'the next run never reached the engine');
      await new Promise((r) => setTimeout(r, 50));
    }
    engine.release();
    const done = await waitRun(srv, `/extract_runs/${more.id}`);
    assert.equal(done.status, 'PROCESSED');
    for (const id of [running.id, queued.id]) {
      const g = await srv.api('GET', `/extract_runs/${id}`);
      assert.equal(g.body.status, 'CANCELLED', `${id} stays cancelled`);
      assert.equal(g.body.output, undefined);
    }
    assert.equal(engine.calls(), 2, 'the queued run never reached the engine');

    const again = await srv.api('POST', `/extract_runs/${queued.id}/cancel`, { body: {} });
    assert.equal(again.status, 400);
    assert.match(again.body.message, /CANCELLED/);
    const finished = await srv.api('POST', `/extract_runs/${more.id}/cancel`, { body: {} });
    assert.equal(finished.status, 400);
    assert.match(finished.body.message, /PROCESSED/);
    assert.equal((await srv.api('POST', '/extract_runs/exr_missing/cancel', { body: {} })).status, 404);
    // A run of another kind is not found under this collection.
    assert.equal((await srv.api('POST', `/classify_runs/${more.id}/cancel`, { body: {} })).status, 404);
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('M10: the retry limit holds for processor runs: an engine that always answers 503 fails the run with its error', async (t) => {
    const srv = await startServer({ args: ['--item-attempts', '2', '--retry-base-ms', '10'] });
    t.after(() => srv.stop());
    const engine = await startEngineStub(() => ({ status: 503, body: 'engine overloaded' }));
    t.after(() => engine.close());
    const ex = await srv.api('POST', '/extractors', { body: { name: 'down', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } });
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const file = await uploadText(srv, 'm10.txt', invoiceText(2));
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.body.id }, file: { id: file.id } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const done = await waitRun(srv, `/extract_runs/${r.body.id}`);
    assert.equal(done.status, 'FAILED');
    assert.equal(done.failureReason, 'INTERNAL_ERROR');
    assert.match(done.failureMessage, /http engine returned 503: engine overloaded \(after 3 attempts\)/);
    assert.doesNotMatch(done.failureMessage, /worker lost/);
    assert.equal(engine.requests.length, 2 * 3);
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('delete removes a run for good; its file stays', async (t) => {
    const srv = await startServer();
    t.after(() => srv.stop());
    const r = await srv.api('POST', '/classify_runs', { body: { config: classifierConfig, file: { text: classTexts.receipt, name: 'r.txt' } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await waitRun(srv, `/classify_runs/${r.body.id}`);
    const del = await srv.api('DELETE', `/classify_runs/${r.body.id}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.deepEqual(del.body, { id: r.body.id });
    assert.equal((await srv.api('GET', `/classify_runs/${r.body.id}`)).status, 404);
    assert.equal((await srv.api('DELETE', `/classify_runs/${r.body.id}`)).status, 404);
    const list = await srv.api('GET', '/classify_runs', { query: { maxPageSize: 1000 } });
    assert.ok(!list.body.data.some((x) => x.id === r.body.id));
    assert.equal((await srv.api('GET', `/files/${r.body.file.id}`)).status, 200);
    assert.equal((await srv.api('DELETE', '/split_runs/splr_missing')).status, 404);
  });
});
