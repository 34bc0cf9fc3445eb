// Hostile inputs of the parsing classes (security audit F4, F7, F8), against a real
// server: 10 MB hostile HTML/XML, a huge-page PDF, pixel-bomb PNG and TIFF, a many-part
// multipart upload. Each gets a clear error or bounded work, /healthz stays 200, and the
// server's peak RSS (VmHWM) stays under the bound stated in each test for a release build
// (tripled under a sanitizer, whose shadow memory and quarantine add to every allocation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, expectError, uploadFile } from './harness.mjs';
import { textPdf, blankPng, sharedStripTiff, manyPartMultipart } from './hostile_docs.mjs';

const MB = 1 << 20;

function boundFor(srv, releaseBoundMb) {
  return srv.sanitizer() ? 3 * releaseBoundMb : releaseBoundMb;
}

// Asserts and reports the peak RSS bound (MiB, for a release build).
function checkPeakRss(t, srv, releaseBoundMb) {
  const peak = srv.peakRssMb();
  const bound = boundFor(srv, releaseBoundMb);
  t.diagnostic(`peak RSS ${peak.toFixed(1)} MiB (bound ${bound} MiB)`);
  assert.ok(peak < bound, `peak RSS ${peak.toFixed(1)} MiB is over ${bound} MiB`);
}

async function healthy(srv) {
  assert.equal((await request(srv.url, 'GET', '/healthz')).status, 200);
}

const schema = { type: 'object', properties: { word: { type: ['string', 'null'], 'x-rules': { patterns: ['(end[a-z]*)'] } } } };

async function upload(srv, name, content, type) {
  const r = await uploadFile(srv, { name, content, type });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// Runs an inline extractor over `fileId`; resolves the finished run and how long it took.
async function extract(srv, fileId, timeoutMs) {
  const started = Date.now();
  const r = await srv.api('POST', '/extract_runs', { body: { config: { schema }, file: { id: fileId } } });
  assert.equal(r.status, 200, r.text);
  for (;;) {
    const g = await srv.api('GET', `/extract_runs/${r.body.id}`);
    if (!['PENDING', 'PROCESSING'].includes(g.body.status)) return { run: g.body, ms: Date.now() - started };
    assert.ok(Date.now() - started < timeoutMs, `run still ${g.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

function repeat(unit, bytes) {
  return unit.repeat(Math.ceil(bytes / unit.length));
}

test('F4: hostile HTML and XML of 10 MB parse in bounded time and memory', { timeout: 600000 }, async (t) => {
  const srv = await startServer({ t, args: ['--workers', '1', '--item-timeout-ms', '60000'] });
  const html = [
    ['ampersands (R4)', repeat('&', 10 * MB)],
    ['closed scripts (R4)', repeat('<script></script>', 10 * MB) + '<p>end'],
    ['unclosed scripts', '<p>end' + repeat('<script>', 10 * MB)],
    ['unterminated comments', '<p>end' + repeat('<!--', 10 * MB)],
    ['nested tags', repeat('<div><span>', 5 * MB) + 'end' + repeat('</span></div>', 5 * MB)],
    ['attributes full of quotes', repeat('<a b="\'" c=\'"\'>', 10 * MB) + 'end'],
    ['heads without bodies', repeat('<head>', 10 * MB) + '<p>end'],
    ['bare angle brackets', repeat('<<', 10 * MB) + ' end'],
  ];
  const xml = [
    ['unterminated CDATA', '<r>end' + repeat('<![CDATA[', 10 * MB)],
    ['processing instructions', '<r>end' + repeat('<?', 10 * MB)],
    ['doctype subsets', repeat('<!DOCTYPE a [<!ENTITY e ">">]>', 10 * MB) + '<r>end</r>'],
  ];
  const times = [];
  for (const [type, cases, mime] of [['HTML', html, 'text/html'], ['XML', xml, 'application/xml']]) {
    for (const [name, content] of cases) {
      const file = await upload(srv, `${name.replaceAll(' ', '_')}.${type.toLowerCase()}`, content, mime);
      assert.equal(file.type, type);
      const { run, ms } = await extract(srv, file.id, 90000);
      assert.equal(run.status, 'PROCESSED', `${type} ${name}: ${run.failureMessage}`);
      if (name !== 'ampersands (R4)') assert.equal(run.output.value.word, 'end', `${type} ${name}`);
      times.push(`${type} ${name}: ${ms} ms`);
    }
  }
  // 10 MB of one-letter words would be 5 million Words (~70 bytes each, then the cache
  // copy): the word limit stops it while tokenizing.
  const words = await upload(srv, 'letters.html', repeat('< ', 10 * MB), 'text/html');
  const { run: tooMany, ms } = await extract(srv, words.id, 90000);
  assert.equal(tooMany.status, 'FAILED');
  assert.match(tooMany.failureMessage, /document has more than 1000000 words, over the 1000000-word limit/);
  times.push(`HTML one-letter words (word limit): ${ms} ms`);
  t.diagnostic(`upload-to-finished per 10 MB file: ${times.join('; ')}`);
  await healthy(srv);
  checkPeakRss(t, srv, 400);
  assert.deepEqual(srv.serverErrors(), []);
});

test('F7: huge-page PDF and pixel-bomb PNG/TIFF fail before rendering or decoding', { timeout: 180000 }, async (t) => {
  const srv = await startServer({ t, args: ['--workers', '1'] });

  await t.test('a 10,001 pt PDF page: page image 422, run fails naming the page', async () => {
    const file = await upload(srv, 'huge.pdf', textPdf([], { width: 10001, height: 10001 }), 'application/pdf');
    const page = await srv.api('GET', `/files/${file.id}/pages/1.png`);
    expectError(assert, page, 422, 'INVALID_REQUEST');
    assert.equal(page.body.message,
      'Page 1 is not rendered: page 1 is 233.5 megapixels at 110 dpi (10001 x 10001 pt), over the 50-megapixel limit');
    const { run } = await extract(srv, file.id, 60000);
    assert.equal(run.status, 'FAILED');
    assert.match(run.failureMessage, /page 1 is 1736\.5 megapixels at 300 dpi \(10001 x 10001 pt\), over the 50-megapixel limit/);
  });

  await t.test('a 20,000² 1-bit PNG fails before decoding', async () => {
    const file = await upload(srv, 'bomb.png', blankPng(20000, 20000, 1), 'image/png');
    const { run } = await extract(srv, file.id, 60000);
    assert.equal(run.status, 'FAILED');
    assert.match(run.failureMessage, /page 1 is 20000 x 20000 px \(400\.0 megapixels\), over the 50-megapixel limit/);
  });

  await t.test('600 shared-strip 4,000² TIFF frames: the page limit, before any frame decodes', async () => {
    const file = await upload(srv, 'frames.tif', sharedStripTiff(4000, 4000, 600), 'image/tiff');
    const { run } = await extract(srv, file.id, 60000);
    assert.equal(run.status, 'FAILED');
    assert.match(run.failureMessage, /document has 600 pages, over the 500-page limit/);
  });

  await t.test('100 TIFF frames of 8,000²: the first frame is over the budget, nothing decodes', async () => {
    const file = await upload(srv, 'big-frames.tif', sharedStripTiff(8000, 8000, 100), 'image/tiff');
    const { run } = await extract(srv, file.id, 60000);
    assert.equal(run.status, 'FAILED');
    assert.match(run.failureMessage, /page 1 is 8000 x 8000 px \(64\.0 megapixels\), over the 50-megapixel limit/);
  });

  await healthy(srv);
  checkPeakRss(t, srv, 200);
  assert.deepEqual(srv.serverErrors(), []);
});

test('F7: --max-page-megapixels is a flag; limit and limit+1 on the page image route', { timeout: 60000 }, async (t) => {
  // A letter page at 110 dpi is 935 × 1210 px = 1.13135 megapixels.
  const srv = await startServer({ t, args: ['--max-page-megapixels', '1.13135'] });
  const letter = await upload(srv, 'letter.pdf', textPdf('hello'), 'application/pdf');
  assert.equal((await srv.api('GET', `/files/${letter.id}/pages/1.png`)).status, 200);
  const tight = await startServer({ t, env: { GOLDSET_MAX_PAGE_MEGAPIXELS: '1.13134' } });
  const again = await upload(tight, 'letter.pdf', textPdf('hello'), 'application/pdf');
  expectError(assert, await tight.api('GET', `/files/${again.id}/pages/1.png`), 422);
});

test('F8: a many-part multipart upload (R8) is refused with bounded memory', { timeout: 120000 }, async (t) => {
  const limitMb = 20;
  const srv = await startServer({ t, args: ['--max-upload-mb', String(limitMb)] });
  await healthy(srv);
  const before = srv.peakRssMb();
  const { body, contentType } = manyPartMultipart(1_800_000);
  assert.ok(body.length > 18 * MB && body.length < limitMb * MB, `${body.length} bytes`);
  const r = await srv.api('POST', '/files/upload', { body, headers: { 'content-type': contentType } });
  expectError(assert, r, 413, 'INVALID_REQUEST');
  assert.equal(r.body.message, 'multipart/form-data body has more than 64 parts (the limit)');
  await t.test('64 parts are fine, 65 are not', async () => {
    const ok = manyPartMultipart(63);
    assert.equal((await srv.api('POST', '/files/upload', { body: ok.body, headers: { 'content-type': ok.contentType } })).status, 200);
    const over = manyPartMultipart(64);
    expectError(assert, await srv.api('POST', '/files/upload', { body: over.body, headers: { 'content-type': over.contentType } }), 413);
  });
  await healthy(srv);
  // Within 3× the upload limit of where the server stood before the upload.
  const growth = srv.peakRssMb() - before;
  t.diagnostic(`peak RSS grew ${growth.toFixed(1)} MiB for a ${(body.length / MB).toFixed(1)} MiB body (limit ${limitMb} MiB)`);
  assert.ok(growth < boundFor(srv, 3 * limitMb), `peak RSS grew ${growth.toFixed(1)} MiB`);
  assert.deepEqual(srv.serverErrors(), []);
});

// F8, the rest of it: the part limit is the operator's flag (limit − 1, limit, limit + 1
// at a non-default value); a part's header block is bounded; one file part of almost the
// upload limit peaks within a small factor of its size; a body over the limit is refused
// before it is parsed.
test('F8: --max-multipart-parts, part header bytes, and peak memory of an upload near the limit', { timeout: 180000 }, async (t) => {
  const limitMb = 16;
  const srv = await startServer({ t, args: ['--max-upload-mb', String(limitMb), '--max-multipart-parts', '4'] });
  await healthy(srv);
  const post = (m) => srv.api('POST', '/files/upload', { body: m.body, headers: { 'content-type': m.contentType } });
  // One file part plus N empty parts: N + 1 parts.
  assert.equal((await post(manyPartMultipart(2))).status, 200, 'limit - 1');
  assert.equal((await post(manyPartMultipart(3))).status, 200, 'limit');
  const over = await post(manyPartMultipart(4));
  expectError(assert, over, 413, 'INVALID_REQUEST');
  assert.equal(over.body.message, 'multipart/form-data body has more than 4 parts (the limit)');

  // Headers of one part: 8 KiB at most.
  const withHeader = (bytes) => {
    const b = 'hb';
    const filler = `X-Filler: ${'a'.repeat(bytes)}\r\n`;
    return { body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="h.txt"\r\n${filler}\r\nhello\r\n--${b}--\r\n`),
      contentType: `multipart/form-data; boundary=${b}` };
  };
  assert.equal((await post(withHeader(7000))).status, 200, 'a 7 KB header block');
  const bigHeader = await post(withHeader(9000));
  assert.ok([400, 413].includes(bigHeader.status), `a 9 KB header block: ${bigHeader.status}`);
  assert.equal(bigHeader.body.retryable, false);

  // One file part just under the limit: stored whole, memory within 3x its size.
  const before = srv.peakRssMb();
  const size = limitMb * MB - 4096;
  const content = Buffer.alloc(size, 'goldset multipart bound\n');
  const big = await uploadFile(srv, { name: 'big.txt', content, type: 'text/plain' });
  assert.equal(big.status, 200, big.text);
  const growth = srv.peakRssMb() - before;
  t.diagnostic(`a ${(size / MB).toFixed(1)} MiB upload grew peak RSS by ${growth.toFixed(1)} MiB (limit ${limitMb} MiB)`);
  assert.ok(growth < boundFor(srv, 3 * limitMb), `peak RSS grew ${growth.toFixed(1)} MiB`);
  const meta = await srv.api('GET', `/files/${big.body.id}`);
  const stored = Buffer.from(await (await fetch(meta.body.presignedUrl, { signal: AbortSignal.timeout(30000) })).arrayBuffer());
  assert.ok(stored.equals(content), `stored ${stored.length} bytes of ${size}`);

  // Over the limit: 413 before anything is parsed or stored.
  const files = (await srv.api('GET', '/files')).body.data.length;
  const tooBig = await uploadFile(srv, { name: 'too-big.txt', content: Buffer.alloc(limitMb * MB + 4096, 'x'), type: 'text/plain' });
  assert.equal(tooBig.status, 413, tooBig.text);
  assert.equal((await srv.api('GET', '/files')).body.data.length, files);
  await healthy(srv);
  assert.deepEqual(srv.serverErrors(), []);
});
