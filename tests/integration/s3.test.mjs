// --blob-store s3://… against a local S3-compatible server (s3rver, which checks SigV4):
// uploads land in the bucket and nowhere else, presigned downloads and page images stream
// back through the checksum check, runs read their files from it, deletes remove the
// object, large files go up as multipart uploads, 503s and cut connections are retried
// (a cut download resumes with a Range request), a bad configuration stops the server at
// start with a clear message, the egress policy stays closed to the bucket's address for
// tenant URLs, and `goldset migrate-blobs` moves existing blobs (resumably, verified).
// Runs on SQLite and, under scripts/test-postgres.sh, on PostgreSQL metadata.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { startServer, runCli } from './harness.mjs';
import { invoiceSchema, invoiceText, uploadBytes, uploadText, waitForRun } from './eval_fixtures.mjs';
import { textPdf } from './hostile_docs.mjs';
import { startS3, startFaultProxy, S3_ENV } from './s3_server.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const postgres = Boolean(process.env.GOLDSET_DATABASE);

// Files under <dataDir>/blobs other than the store's own bookkeeping.
function localBlobs(dataDir) {
  const root = path.join(dataDir, 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true }).filter((p) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(p));
}

async function download(srv, fileId) {
  const g = await srv.api('GET', `/files/${fileId}`);
  assert.equal(g.status, 200, JSON.stringify(g.body));
  const res = await fetch(g.body.presignedUrl, { signal: AbortSignal.timeout(30000) });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function waitProcessorRun(srv, p) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await srv.api('GET', p);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (!['PENDING', 'PROCESSING'].includes(r.body.status)) return r.body;
    assert.ok(Date.now() < deadline, `${p} still ${r.body.status}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('S3 blob store', { timeout: 240000 }, () => {
  let s3, srv;
  before(async () => {
    s3 = await startS3();
    srv = await startServer({ args: ['--blob-store', s3.blobStore('node'), '--s3-multipart-threshold-mb', '5'], env: S3_ENV });
  });
  after(async () => {
    await srv?.stop();
    await s3?.stop();
  });

  test('an upload lands in the bucket (not in the data dir) and downloads byte for byte', async () => {
    const bytes = randomBytes(300000);
    const f = await uploadBytes(srv, 'random.bin', bytes);
    assert.ok(s3.objects('node').includes(sha256(bytes)), `objects: ${s3.objects('node')}`);
    assert.deepEqual(localBlobs(srv.dataDir), [], 'nothing under <data-dir>/blobs');
    const dl = await download(srv, f.id);
    assert.equal(dl.status, 200);
    assert.ok(dl.bytes.equals(bytes));
  });

  test('a file above the threshold goes up as a multipart upload and comes back whole', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 12345);  // 3 parts of 5 MiB, the last short
    const before = s3.requests.length;
    const f = await uploadBytes(srv, 'big.bin', bytes);
    const upload = s3.requests.slice(before);
    assert.equal(upload.filter((r) => r.method === 'POST' && r.url.endsWith('?uploads=')).length, 1, 'one multipart upload');
    const parts = upload.filter((r) => r.method === 'PUT' && /partNumber=\d+&uploadId=/.test(r.url));
    assert.deepEqual(parts.map((r) => r.bytes), [5 << 20, 5 << 20, bytes.length - (10 << 20)], 'parts of the threshold size');
    assert.equal(upload.filter((r) => r.method === 'POST' && /\?uploadId=/.test(r.url)).length, 1, 'one completion');
    assert.ok(s3.objects('node').includes(sha256(bytes)));
    assert.ok(!s3.objects('node').some((k) => k.startsWith('tmp/')), 'no temporary object left');
    const dl = await download(srv, f.id);
    assert.equal(dl.status, 200);
    assert.equal(dl.bytes.length, bytes.length);
    assert.ok(dl.bytes.equals(bytes));
  });

  test('page images and an extract run read their file from the bucket', async () => {
    const pdf = await uploadBytes(srv, 'page.pdf', textPdf('INVOICE S3-42'), 'application/pdf');
    const page = await srv.api('GET', `/files/${pdf.id}/pages/1.png`);
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'image/png');
    const extractor = (await srv.api('POST', '/extractors', { body: { name: 'inv', config: { schema: invoiceSchema } } })).body;
    const file = await uploadText(srv, 'inv.txt', invoiceText(3));
    const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { id: file.id } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const done = await waitProcessorRun(srv, `/extract_runs/${r.body.id}`);
    assert.equal(done.status, 'PROCESSED', JSON.stringify(done));
    assert.equal(done.output.value.invoice_number, 'INV-1003');
  });

  test('deleting the last file of some bytes removes the object; a shared one stays', async () => {
    const bytes = Buffer.from(`shared ${randomBytes(8).toString('hex')}`);
    const a = await uploadBytes(srv, 'a.txt', bytes, 'text/plain');
    const b = await uploadBytes(srv, 'b.txt', bytes, 'text/plain');
    assert.equal((await srv.api('DELETE', `/files/${a.id}`)).status, 200);
    assert.ok(s3.objects('node').includes(sha256(bytes)), 'b still uses the bytes');
    assert.equal((await download(srv, b.id)).status, 200);
    assert.equal((await srv.api('DELETE', `/files/${b.id}`)).status, 200);
    assert.ok(!s3.objects('node').includes(sha256(bytes)), 'the object is gone with its last file');
  });

  test('tenant URLs still cannot reach the bucket address (egress policy unchanged)', async () => {
    const extractor = (await srv.api('POST', '/extractors', { body: { name: 'url', config: { schema: invoiceSchema } } })).body;
    const r = await srv.api('POST', '/extract_runs', {
      body: { extractor: { id: extractor.id }, file: { url: `${s3.endpoint}/goldset/node/${'0'.repeat(64)}` } },
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.message, /not allowed|private|egress|refused|blocked/i);
  });

  test('every S3 request was signed right and its body matched its checksums; no server error', () => {
    assert.deepEqual(s3.rejected, []);
    assert.deepEqual(srv.serverErrors(), []);
  });
});

test('503 answers and a download cut mid-body are retried; the download resumes with Range', { timeout: 120000 }, async (t) => {
  const s3 = await startS3({ t });
  let putFaults = 0, getFaults = 0;
  const proxy = await startFaultProxy(s3, (req) => {
    if (req.method === 'PUT' && putFaults < 2) return (putFaults++, '503');
    if (req.method === 'GET' && /\/[0-9a-f]{64}$/.test(req.url) && getFaults < 1) return (getFaults++, 'cut');
    return null;
  }, { t });
  const srv = await startServer({ t, args: ['--blob-store', s3.blobStore('retry', proxy.endpoint)], env: S3_ENV });
  const bytes = randomBytes(2 * 1024 * 1024);
  const f = await uploadBytes(srv, 'retry.bin', bytes);
  const puts = proxy.log.filter((l) => l.method === 'PUT');
  assert.deepEqual(puts.map((l) => l.fault), ['503', '503', null], 'two 503s, then the stored attempt');
  const dl = await download(srv, f.id);
  assert.equal(dl.status, 200);
  assert.ok(dl.bytes.equals(bytes), 'the resumed download is whole and in order');
  const gets = proxy.log.filter((l) => l.method === 'GET');
  assert.equal(gets[0].fault, 'cut');
  assert.match(gets[1].range ?? '', /^bytes=\d+-$/, `the retry asks for the rest: ${JSON.stringify(gets)}`);
  assert.ok(Number(/\d+/.exec(gets[1].range)[0]) > 0);
  assert.deepEqual(s3.rejected, []);
  assert.deepEqual(srv.serverErrors(), []);
});

// Uploads fail with 400, never 5xx (contract R4: the SDK cannot resend an upload), and
// say no more than that storage did not answer (the bucket's address stays in the log).
test('a store that keeps failing: the upload is refused, nothing recorded', { timeout: 120000 }, async (t) => {
  const s3 = await startS3({ t });
  let failing = false;
  const proxy = await startFaultProxy(s3, (req) => (failing && req.method === 'PUT' ? '503' : null), { t });
  const srv = await startServer({ t, args: ['--blob-store', s3.blobStore('down', proxy.endpoint), '--s3-max-attempts', '2'], env: S3_ENV });
  failing = true;
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('never stored')], { type: 'text/plain' }), 'x.txt');
  const r = await srv.api('POST', '/files/upload', { body: form });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.match(r.body.message, /could not be stored.*temporarily unavailable/);
  assert.doesNotMatch(r.body.message, /127\.0\.0\.2|s3:|goldset\/down/);
  assert.equal(proxy.log.filter((l) => l.method === 'PUT').length, 2, '--s3-max-attempts 2');
  assert.equal((await srv.api('GET', '/files')).body.data.length, 0);
});

test('a bad S3 configuration stops the server at start with a clear message', { timeout: 60000 }, async (t) => {
  const s3 = await startS3({ t });
  const cases = [
    [['--blob-store', s3.blobStore('x')], { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'wrong' }, /refused the credentials/],
    [['--blob-store', s3.blobStore('x')], { AWS_ACCESS_KEY_ID: 'NOBODY', AWS_SECRET_ACCESS_KEY: 'S3RVER' }, /refused the credentials/],
    [['--blob-store', s3.blobStore('x')], { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }, /credentials missing/],
    [['--blob-store', `s3://nosuchbucket/x?endpoint=${encodeURIComponent(s3.endpoint)}`], S3_ENV, /does not exist/],
    [['--blob-store', 's3://goldset/x?endpoint=ftp://127.0.0.2'], S3_ENV, /endpoint must be http/],
    [['--blob-store', 'somewhere'], S3_ENV, /--blob-store must be local, db or s3:/],
    [['--blob-store', s3.blobStore('x'), '--s3-multipart-threshold-mb', '4'], S3_ENV, /s3-multipart-threshold-mb must be a number from 5/],
  ];
  for (const [args, env, message] of cases) {
    await assert.rejects(startServer({ t, args, env, timeoutMs: 20000 }), message, `${args.join(' ')} ${JSON.stringify(env)}`);
  }
  assert.equal(s3.rejected.filter((r) => r.code === 'SignatureDoesNotMatch').length, 1, 'the wrong secret was caught by its signature');
});

test('migrate-blobs copies existing blobs to S3: verified, resumable, idempotent', { timeout: 180000 }, async (t) => {
  const s3 = await startS3({ t });
  const from = postgres ? 'db' : 'local';
  const srv = await startServer({ t });
  const contents = [0, 1, 2, 3].map((i) => randomBytes(1000 + i * 700000));
  const files = [];
  for (const [i, c] of contents.entries()) files.push(await uploadBytes(srv, `m${i}.bin`, c));
  await srv.stop();

  // The first run is cut short: the bucket refuses every upload after the first two.
  let puts = 0;
  const proxy = await startFaultProxy(s3, (req) => (req.method === 'PUT' && ++puts > 2 ? '503' : null), { t });
  const args = ['migrate-blobs', '--data-dir', srv.dataDir, '--from', from, '--s3-max-attempts', '1'];
  const cut = await runCli([...args, '--to', s3.blobStore('moved', proxy.endpoint)], { env: S3_ENV, timeoutMs: 60000 });
  assert.equal(cut.code, 1, cut.stdout + cut.stderr);
  assert.match(cut.stdout, /4 blobs: 2 copied, 0 already present, 0 missing at the source, 2 failed/);
  assert.equal(s3.objects('moved').length, 2);

  const to = s3.blobStore('moved');
  const resumed = await runCli([...args, '--to', to], { env: S3_ENV, timeoutMs: 60000 });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /4 blobs: 2 copied, 2 already present, 0 missing at the source, 0 failed/);
  assert.deepEqual(s3.objects('moved'), contents.map(sha256).sort());

  const again = await runCli([...args, '--to', to], { env: S3_ENV, timeoutMs: 60000 });
  assert.match(again.stdout, /4 blobs: 0 copied, 4 already present/);

  // The server on the bucket serves every migrated file.
  const moved = await startServer({ t, dataDir: srv.dataDir, key: srv.key, args: ['--blob-store', to], env: S3_ENV });
  for (const [i, f] of files.entries()) {
    const dl = await download(moved, f.id);
    assert.equal(dl.status, 200);
    assert.ok(dl.bytes.equals(contents[i]), `file ${i}`);
  }

  const bad = await runCli(['migrate-blobs', '--data-dir', srv.dataDir, '--from', to, '--to', to], { env: S3_ENV });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /same store/);
});
