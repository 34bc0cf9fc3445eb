// The rest of the Extend run surface (contract §4.5, §2.11): file {url} inputs, batches,
// synchronous /extract /classify /split, the legacy batch_processor_runs alias; and the
// small contract fixes: presignedUrl null on upload, version in --version / Server /
// /healthz, split identifiers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, runCli } from './harness.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import { invoiceSchema, invoiceText, classifierConfig, classTexts, splitterConfig, uploadText, seedInvoiceSet, waitForRun, waitRun } from './eval_fixtures.mjs';

// Serves `routes` ({path: {status, type, body}}) on 127.0.0.1; counts requests.
function startFileHost(routes) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits += 1;
    const r = routes[req.url.split('?')[0]];
    if (!r) { res.writeHead(404); res.end('no'); return; }
    res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'text/plain' });
    res.end(r.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    base: `http://127.0.0.1:${server.address().port}`,
    hits: () => hits,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  })));
}

async function fileCount(srv) {
  const r = await srv.api('GET', '/files', { query: { maxPageSize: 1000 } });
  assert.equal(r.status, 200);
  return r.body.data.length;
}

const MiB = 1 << 20;

describe('file {url}, batches and synchronous runs', () => {
  let srv, host, extractor, classifier;
  before(async () => {
    host = await startFileHost({
      '/inv-7.txt': { body: invoiceText(7) },
      '/exact.txt': { body: 'x'.repeat(MiB) },
      '/over.txt': { body: 'x'.repeat(MiB + 1) },
      '/gone.txt': { status: 410, body: 'gone' },
      '/empty.txt': { body: '' },
    });
    srv = await startServer({ args: ['--egress-allow', '127.0.0.1/32', '--max-outbound-response-mb', '1'] });
    extractor = (await srv.api('POST', '/extractors', { body: { name: 'inv', config: { schema: invoiceSchema } } })).body;
    classifier = (await srv.api('POST', '/classifiers', { body: { name: 'cls', config: classifierConfig } })).body;
  });
  after(async () => { await srv?.stop(); await host?.close(); });

  test('file {url}: downloaded through the egress policy, stored as a file, run', async () => {
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { url: `${host.base}/inv-7.txt?sig=abc` } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.file.name, 'inv-7.txt', 'named after the URL path, query left out');
    assert.equal(r.body.file.type, 'TXT');
    const done = await waitRun(srv, `/extract_runs/${r.body.id}`);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.output.value.invoice_number, 'INV-1007');
    const f = await srv.api('GET', `/files/${r.body.file.id}`);
    assert.equal(f.status, 200);
    const named = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { url: `${host.base}/inv-7.txt`, name: 'mine.txt' } } });
    assert.equal(named.body.file.name, 'mine.txt');
  });

  test('file {url}: the outbound size cap at limit / limit+1, failures are 4xx and store nothing', async () => {
    const exact = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { url: `${host.base}/exact.txt` } } });
    assert.equal(exact.status, 200, JSON.stringify(exact.body));
    const before = await fileCount(srv);
    for (const [url, status, pattern] of [
      [`${host.base}/over.txt`, 422, /limit/],
      [`${host.base}/gone.txt`, 422, /HTTP 410/],
      [`${host.base}/empty.txt`, 422, /empty/],
      ['ftp://127.0.0.1/x', 400, /scheme/],
      ['http://10.1.2.3/x', 400, /not allowed/],
      ['not a url', 400, /malformed/],
    ]) {
      const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { url } } });
      assert.equal(r.status, status, `${url}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, pattern);
      assert.equal(r.body.retryable, false);
    }
    assert.equal(await fileCount(srv), before, 'a failed download leaves no file');
  });

  test('POST /extract_runs/batch: one BatchRun, runs listed by batchId, status from its runs', async () => {
    const up = await uploadText(srv, 'b0.txt', invoiceText(1));
    const r = await srv.api('POST', '/extract_runs/batch', { body: { extractor: { id: extractor.id }, inputs: [
      { file: { id: up.id }, metadata: { n: 0 } },
      { file: { text: invoiceText(2), name: 'b1.txt' }, metadata: { n: 1 } },
      { file: { url: `${host.base}/inv-7.txt` }, metadata: { n: 2 } },
    ] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.object, 'batch_run');
    assert.match(r.body.id, /^bpr_/);
    assert.equal(r.body.runCount, 3);
    assert.ok(['PENDING', 'PROCESSING', 'PROCESSED'].includes(r.body.status));
    const deadline = Date.now() + 30000;
    let batch;
    do {
      batch = (await srv.api('GET', `/batch_runs/${r.body.id}`)).body;
      if (batch.status === 'PROCESSED') break;
      await new Promise((res) => setTimeout(res, 100));
    } while (Date.now() < deadline);
    assert.equal(batch.status, 'PROCESSED', JSON.stringify(batch));
    const runs = await srv.api('GET', '/extract_runs', { query: { batchId: r.body.id, maxPageSize: 10 } });
    assert.equal(runs.status, 200);
    assert.equal(runs.body.data.length, 3);
    const byN = Object.fromEntries(runs.body.data.map((x) => [x.metadata.n, x]));
    assert.equal(byN[0].output.value.invoice_number, 'INV-1001');
    assert.equal(byN[1].output.value.invoice_number, 'INV-1002');
    assert.equal(byN[2].output.value.invoice_number, 'INV-1007');
    assert.equal((await srv.api('GET', '/batch_runs/bpr_missing')).status, 404);
  });

  test('batch: all or nothing, 1..1000 inputs, a processor reference and no inline config', async () => {
    const before = await fileCount(srv);
    const many = Array.from({ length: 1001 }, () => ({ file: { text: 'x' } }));
    const cases = [
      [{ extractor: { id: extractor.id }, inputs: [] }, 400],
      [{ extractor: { id: extractor.id }, inputs: many }, 400],
      [{ config: { schema: invoiceSchema }, inputs: [{ file: { text: 'x' } }] }, 400],
      [{ extractor: { id: 'ex_missing' }, inputs: [{ file: { text: 'x' } }] }, 404],
      [{ extractor: { id: extractor.id }, inputs: [{ file: { text: 'a' } }, { file: { url: `${host.base}/gone.txt` } }] }, 422],
      [{ extractor: { id: extractor.id }, inputs: [{ file: { text: 'a' } }, { file: { id: 'file_missing' } }] }, 404],
      [{ extractor: { id: extractor.id, overrideConfig: { schema: 'nope' } }, inputs: [{ file: { text: 'a' } }] }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await srv.api('POST', '/extract_runs/batch', { body });
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 200)} -> ${JSON.stringify(r.body)}`);
    }
    const bad = await srv.api('POST', '/extract_runs/batch', { body: { extractor: { id: extractor.id }, inputs: [{ file: { text: 'a' } }, { file: { id: 'file_missing' } }] } });
    assert.match(bad.body.message, /inputs\[1\]/);
    assert.equal(await fileCount(srv), before, 'a refused batch leaves no file and no run');
    const c = await srv.api('POST', '/classify_runs/batch', { body: { classifier: { id: classifier.id }, inputs: [{ file: { text: classTexts.receipt } }] } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const s = await srv.api('POST', '/split_runs/batch', { body: { splitter: { id: 'spl_missing' }, inputs: [{ file: { text: 'x' } }] } });
    assert.equal(s.status, 404);
  });

  test('synchronous POST /extract, /classify, /split answer with the finished run', async () => {
    const e = await srv.api('POST', '/extract', { body: { extractor: { id: extractor.id }, file: { text: invoiceText(4) } } });
    assert.equal(e.status, 200, JSON.stringify(e.body));
    assert.equal(e.body.object, 'extract_run');
    assert.equal(e.body.status, 'PROCESSED');
    assert.equal(e.body.output.value.invoice_number, 'INV-1004');
    const c = await srv.api('POST', '/classify', { body: { config: classifierConfig, file: { url: `${host.base}/inv-7.txt` } } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.status, 'PROCESSED');
    assert.equal(c.body.output.type, 'Invoice');
    const s = await srv.api('POST', '/split', { body: { config: splitterConfig, file: { text: [classTexts.invoice, classTexts.receipt].join('\f') } } });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual(s.body.output.splits.map((x) => x.type), ['Invoice', 'Receipt']);
    const bad = await srv.api('POST', '/extract', { body: { file: { text: 'x' } } });
    assert.equal(bad.status, 400);
  });
});

describe('synchronous limits', () => {
  test('--sync-run-timeout-ms: the run is cancelled and the answer is a 422 the SDK does not resend; --max-sync-runs: 429', async (t) => {
    const engine = await startGatedEngine();
    t.after(() => engine.close());
    const srv = await startServer({ args: ['--egress-allow', '127.0.0.1/32', '--sync-run-timeout-ms', '1500', '--max-sync-runs', '1'] });
    t.after(() => srv.stop());
    const ex = await srv.api('POST', '/extractors', { body: { name: 'slow', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } });
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const first = srv.api('POST', '/extract', { body: { extractor: { id: ex.body.id }, file: { text: invoiceText(1) } } });
    const deadline = Date.now() + 10000;
    while (engine.calls() < 1) {
      assert.ok(Date.now() < deadline, 'the engine was never called');
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await srv.api('POST', '/extract', { body: { extractor: { id: ex.body.id }, file: { text: invoiceText(2) } } });
    assert.equal(second.status, 429, JSON.stringify(second.body));
    assert.equal(second.headers['retry-after'], '1');
    const r = await first;
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.code, 'TIMEOUT');
    const id = r.body.message.match(/exr_[A-Za-z0-9_-]+/)[0];
    assert.equal((await srv.api('GET', `/extract_runs/${id}`)).body.status, 'CANCELLED');
    engine.release();
    // The place is free again once the first caller has its answer.
    const third = srv.api('POST', '/extract', { body: { extractor: { id: ex.body.id }, file: { text: invoiceText(3) } } });
    const until = Date.now() + 10000;
    while (engine.calls() < 2) {
      assert.ok(Date.now() < until, 'the third call never reached the engine');
      await new Promise((res) => setTimeout(res, 20));
    }
    engine.release();
    const done = await third;
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'PROCESSED');
  });
});

describe('legacy alias and contract fixes', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => srv?.stop());

  test('GET /batch_processor_runs/{id}: the evaluation run in the legacy shape', async () => {
    const { set, extractor } = await seedInvoiceSet(srv, 3);
    const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    await waitForRun(srv.api, run.body.id);
    const r = await srv.api('GET', `/batch_processor_runs/${run.body.id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success, true);
    const b = r.body.batchProcessorRun;
    assert.equal(b.object, 'batch_processor_run');
    assert.equal(b.id, run.body.id);
    assert.equal(b.processorId, extractor.id);
    assert.match(b.processorVersionId, /^exv_/);
    assert.equal(b.processorName, 'Invoice extractor');
    assert.equal(b.status, 'PROCESSED');
    assert.equal(b.source, 'EVAL_SET');
    assert.equal(b.sourceId, set.id);
    assert.equal(b.runCount, 3);
    assert.equal(b.metrics.numFiles, 3);
    assert.deepEqual(b.options, { fuzzyMatchFields: [], excludeFields: [] });
    assert.equal((await srv.api('GET', '/batch_processor_runs/bpr_missing')).status, 404);
  });

  test('POST /files/upload answers presignedUrl: null; GET /files/{id} a URL', async () => {
    const f = await uploadText(srv, 'p.txt', 'hello');
    assert.ok('presignedUrl' in f, 'the key is present');
    assert.equal(f.presignedUrl, null);
    const g = await srv.api('GET', `/files/${f.id}`);
    assert.match(g.body.presignedUrl, /^http:\/\/127\.0\.0\.1:\d+\/files\//);
  });

  test('version and scoring version: --version, the Server header, /healthz', async () => {
    const v = await runCli(['--version']);
    assert.equal(v.code, 0, v.stderr);
    const m = v.stdout.match(/^goldset (\d+\.\d+\.\d+)\nscoring version (\d+)\n$/);
    assert.ok(m, v.stdout);
    const h = await fetch(`${srv.url}/healthz`);
    assert.equal(h.headers.get('server'), `goldset/${m[1]} scoring/${m[2]}`);
    assert.deepEqual(await h.json(), { status: 'ok', version: m[1], scoringVersion: Number(m[2]) });
    const e = await srv.api('GET', '/files/file_missing');
    assert.equal(e.headers.server, `goldset/${m[1]} scoring/${m[2]}`, 'errors carry it too');
  });

  test('goldset serve --help describes every flag the parser accepts, with its environment variable', async () => {
    const h = await runCli(['serve', '--help']);
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stdout, /UNDESCRIBED/);
    for (const flag of ['--listen', '--data-dir', '--file-url-timeout-ms', '--sync-run-timeout-ms', '--max-sync-runs', '--metrics'])
      assert.match(h.stdout, new RegExp(`^  ${flag}\\b`, 'm'), flag);
    assert.match(h.stdout, /GOLDSET_MAX_SYNC_RUNS/);
    // A flag the parser rejects is not silently missing from the help: both come from one list.
    const bad = await runCli(['serve', '--no-such-flag']);
    assert.notEqual(bad.code, 0);
  });

  test('split identifiers: the value identifierKey names, per split', async () => {
    const config = { splitClassifications: [
      { id: 'invoice', type: 'Invoice', description: 'invoice amount due vendor', identifierKey: 'invoice number' },
      { id: 'receipt', type: 'Receipt', description: 'receipt paid thank you purchase' },
    ] };
    const text = ['INVOICE\nInvoice Number: INV-501\nAmount due: $10.00', 'RECEIPT\nPaid in full. Thank you for your purchase!',
      'INVOICE\nInvoice No. INV-502\nAmount due: $20.00'].join('\f');
    const r = await srv.api('POST', '/split', { body: { config, file: { text } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.output.splits.map((s) => [s.type, s.identifier]), [['Invoice', 'INV-501'], ['Receipt', ''], ['Invoice', 'INV-502']]);
  });
});
