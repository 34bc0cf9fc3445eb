// Generated documents (text PDFs, scans as PNG/TIFF/image-only PDF, classifier and
// splitter packets; tests/tools/docgen) go through evaluation runs over HTTP with each
// engine: the built-in rules engine (accuracy floors from issue 5), a bring-your-own
// `http` processor and an OpenAI-compatible `llm` stand-in.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer, BIN } from './harness.mjs';
import { waitForRun, allResults, uploadBytes } from './eval_fixtures.mjs';

const MIME = { pdf: 'application/pdf', png: 'image/png', tif: 'image/tiff' };
const COUNT = 6;

function generateCorpus() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-corpus-'));
  const gen = path.join(path.dirname(BIN), 'tests/tools/docgen/gen_test_docs');
  execFileSync(gen, [dir, '--count', String(COUNT), '--seed', '7'], { stdio: 'ignore', timeout: 120000 });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
  return { dir, manifest, read };
}

// Uploads one generated set and returns {set, entity, items: [{item, expected, name}]}.
async function seedSet(srv, corpus, setName, { configOverride } = {}) {
  const rows = corpus.manifest.filter((m) => m.set === setName);
  const kind = rows[0].processor;
  const config = { ...corpus.read(rows[0].config), ...(configOverride || {}) };
  const entity = await srv.api('POST', `/${kind}s`, { body: { name: setName, config } });
  assert.equal(entity.status, 200, JSON.stringify(entity.body));
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: setName, entityId: entity.body.id } });
  const items = [];
  for (const m of rows) {
    const bytes = fs.readFileSync(path.join(corpus.dir, m.file));
    const file = await uploadBytes(srv, path.basename(m.file), bytes, MIME[path.extname(m.file).slice(1)]);
    items.push({ fileId: file.id, expectedOutput: corpus.read(m.expected), name: path.basename(m.file) });
  }
  const r = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, {
    body: { items: items.map(({ fileId, expectedOutput }) => ({ fileId, expectedOutput })) } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { set: set.body, entity: entity.body, items };
}

async function runSet(srv, setId) {
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: setId } });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  return waitForRun(srv.api, run.body.id, { timeoutMs: 240000 });
}

describe('generated corpus through evaluation runs', { timeout: 600000 }, () => {
  let srv, corpus, larger;
  before(async () => {
    corpus = generateCorpus();
    // Generated before the server starts: the generator runs synchronously, blocking the
    // event loop, and on a loaded machine it can outlast the server's idle timeout, so the
    // next request would go out on a kept-alive connection the server has just closed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-corpus-dates-'));
    execFileSync(path.join(path.dirname(BIN), 'tests/tools/docgen/gen_test_docs'), [dir, '--count', '16', '--seed', '7'],
      { stdio: 'ignore', timeout: 240000 });
    larger = { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')),
      read: (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8')) };
    srv = await startServer({ env: { GOLDSET_LLM_TEST_KEY: 'sk-test-llm' }, timeoutMs: 30000 });
  });
  after(async () => {
    await srv?.stop();
    if (corpus) fs.rmSync(corpus.dir, { recursive: true, force: true });
    if (larger) fs.rmSync(larger.dir, { recursive: true, force: true });
  });

  test('rules engine: text-PDF invoices >= 0.95', async () => {
    const { set } = await seedSet(srv, corpus, 'extract_text');
    const done = await runSet(srv, set.id);
    assert.equal(done.status, 'PROCESSED');
    assert.equal(done.metrics.numFilesFailed, 0);
    assert.ok(done.metrics.accuracy >= 0.95, `accuracy ${done.metrics.accuracy}`);
    assert.ok(done.metrics.numPages >= COUNT);
  });

  test('rules engine: scanned invoices (PNG, TIFF, image-only PDF) >= 0.85', async () => {
    const { set } = await seedSet(srv, corpus, 'extract_scan');
    const done = await runSet(srv, set.id);
    assert.equal(done.metrics.numFilesFailed, 0, JSON.stringify((await allResults(srv.api, done.id)).map((r) => r.error)));
    assert.ok(done.metrics.accuracy >= 0.85, `accuracy ${done.metrics.accuracy}`);
    const again = await runSet(srv, set.id);
    assert.equal(again.metrics.accuracy, done.metrics.accuracy, 'the parse cache gives the same documents');
  });

  // Issue 24: the rules engine emits ISO 8601 for a date field whenever it reads a date
  // (as Extend's processors do), keeping the text as printed in the field's metadata.
  // Every corpus document (text and scans), plus a larger text corpus whose invoices
  // print dates with times of day ("9 Dec 2021 4:45PM", "2025-04-15 22:07").
  test('rules engine: date fields are ISO 8601 in every corpus document', async () => {
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    const checkRun = async (setName, from, { allRead }) => {
      const { set } = await seedSet(srv, from, setName);
      const done = await runSet(srv, set.id);
      const results = await allResults(srv.api, done.id);
      assert.equal(results.length, from.manifest.filter((m) => m.set === setName).length);
      let read = 0;
      for (const r of results) {
        assert.equal(r.status, 'PROCESSED', JSON.stringify(r.error));
        const date = r.actualOutput.value.invoice_date;
        const citation = r.actualOutput.metadata.invoice_date.citations[0];
        if (date === null) continue;
        ++read;
        assert.match(date, iso, `${r.file.name}: ${date}`);
        assert.equal(date, r.expectedOutput.value.invoice_date, `${r.file.name} printed ${citation?.referenceText}`);
        assert.ok(citation.referenceText.length >= 8, JSON.stringify(citation));
      }
      if (allRead) assert.equal(read, results.length);
      else assert.ok(read >= results.length - 1, `${read} of ${results.length} scanned dates read`);
      return results.map((r) => r.actualOutput.metadata.invoice_date.citations[0]?.referenceText);
    };
    await checkRun('extract_text', corpus, { allRead: true });
    await checkRun('extract_scan', corpus, { allRead: false });
    const printed = await checkRun('extract_text', larger, { allRead: true });
    assert.ok(printed.some((t) => /\d:\d\d[AP]M$/.test(t)), `no date with a time of day among ${JSON.stringify(printed)}`);
  });

  test('rules engine: classifier and splitter', async () => {
    const cls = await seedSet(srv, corpus, 'classify');
    const c = await runSet(srv, cls.set.id);
    assert.equal(c.metrics.type, 'CLASSIFY');
    assert.ok(c.metrics.accuracy >= 0.8, `classifier accuracy ${c.metrics.accuracy}`);
    assert.equal(c.metrics.confusionMatrix.labels.length >= 3, true);
    const spl = await seedSet(srv, corpus, 'split');
    const s = await runSet(srv, spl.set.id);
    assert.equal(s.metrics.type, 'SPLITTER');
    assert.ok(s.metrics.f1 >= 0.8, `splitter f1 ${s.metrics.f1}`);
  });

  test('http engine: a bring-your-own processor receives the parsed pages', async (t) => {
    const byName = new Map();
    const seen = [];
    const engine = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const msg = JSON.parse(body);
        seen.push(msg);
        const expected = byName.get(msg.file.name);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: expected.value, metadata: {} }));
      });
    });
    await new Promise((r) => engine.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => engine.close(r)));
    const url = `http://127.0.0.1:${engine.address().port}/extract`;
    const seeded = await seedSet(srv, corpus, 'extract_text', { configOverride: { engine: { type: 'http', url } } });
    for (const it of seeded.items) byName.set(it.name, it.expectedOutput);
    const done = await runSet(srv, seeded.set.id);
    assert.equal(done.metrics.accuracy, 1);
    assert.equal(seen.length, COUNT);
    assert.equal(seen[0].kind, 'extract');
    assert.ok(seen[0].document.pages[0].text.includes('Invoice'));
    assert.match(seen[0].file.url, /^http:\/\/127\.0\.0\.1:\d+\/files\/file_.*signature=/);
  });

  test('llm engine: OpenAI-compatible chat completions with a json_schema response format', async (t) => {
    const expectedByNumber = new Map();
    const requests = [];
    const llm = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const msg = JSON.parse(body);
        requests.push({ msg, auth: req.headers.authorization, path: req.url });
        const prompt = msg.messages.map((m) => m.content).join('\n');
        let answer = null;
        for (const [number, value] of expectedByNumber) if (prompt.includes(number)) answer = value;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(answer) } }] }));
      });
    });
    await new Promise((r) => llm.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => llm.close(r)));
    const engine = { type: 'llm', baseUrl: `http://127.0.0.1:${llm.address().port}/v1`, model: 'stand-in', apiKeyEnv: 'GOLDSET_LLM_TEST_KEY' };
    const seeded = await seedSet(srv, corpus, 'extract_text', { configOverride: { engine } });
    for (const it of seeded.items) expectedByNumber.set(it.expectedOutput.value.invoice_number, it.expectedOutput.value);
    const done = await runSet(srv, seeded.set.id);
    assert.equal(done.metrics.accuracy, 1);
    assert.ok(requests.length >= COUNT);
    assert.equal(requests[0].path, '/v1/chat/completions');
    assert.equal(requests[0].auth, 'Bearer sk-test-llm');
    assert.equal(requests[0].msg.model, 'stand-in');
    assert.equal(requests[0].msg.temperature, 0);
    assert.equal(requests[0].msg.response_format.type, 'json_schema');
  });

  test('corrupt and encrypted inputs fail their items with readable reasons', async () => {
    const rows = corpus.manifest.filter((m) => m.set === 'extract_text');
    const good = fs.readFileSync(path.join(corpus.dir, rows[0].file));
    const truncated = await uploadBytes(srv, 'truncated.pdf', good.subarray(0, Math.floor(good.length / 3)), 'application/pdf');
    const ex = await srv.api('POST', '/extractors', { body: { name: 'x', config: corpus.read(rows[0].config) } });
    const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'broken', entityId: ex.body.id } });
    const docx = await uploadBytes(srv, 'memo.docx', Buffer.from('PK\u0003\u0004word/document.xml'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const expected = corpus.read(rows[0].expected);
    await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: [
      { fileId: truncated.id, expectedOutput: expected }, { fileId: docx.id, expectedOutput: expected }] } });
    const done = await runSet(srv, set.body.id);
    assert.equal(done.status, 'FAILED');
    const results = await allResults(srv.api, done.id);
    for (const r of results) {
      assert.equal(r.status, 'FAILED');
      assert.ok(r.error.message.length > 15, r.error.message);
    }
    assert.ok(results.some((r) => /unsupported/i.test(r.error.message)), JSON.stringify(results.map((r) => r.error)));
  });
});
