// Files API over real HTTP: uploads (Content-Length and chunked), type sniffing,
// PDF page counts, presigned downloads, delete, path/query decoding, keep-alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, uploadFile, request, expectError, multipartBody, authHeaders, RawConn, rawRequest, makePdf, PNG_1x1,
} from './harness.mjs';

// A minimal zip whose local file header names `entry` (enough for OOXML sniffing).
function fakeZip(entry) {
  const name = Buffer.from(entry);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name, Buffer.from('payload')]);
}

test('files API', { timeout: 90000 }, async (t) => {
  const srv = await startServer({ t });

  await t.test('upload with Content-Length (raw socket) then GET returns the same object', async () => {
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'cl.txt', type: 'text/plain', data: 'content-length body\n' }]);
    const r = await rawRequest(srv.url, Buffer.concat([Buffer.from(
      `POST /files/upload HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}Content-Type: ${contentType}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`), body]));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.object, 'file');
    assert.equal(r.json.name, 'cl.txt');
    assert.equal(r.json.type, 'TXT');
    assert.match(r.json.id, /^file_/);
    const g = await srv.api('GET', `/files/${r.json.id}`);
    assert.equal(g.status, 200);
    assert.equal(g.body.name, 'cl.txt');
    assert.equal(typeof g.body.presignedUrl, 'string');
    const dl = await fetch(g.body.presignedUrl);
    assert.equal(dl.status, 200);
    assert.equal(await dl.text(), 'content-length body\n');
  });

  await t.test('upload with Transfer-Encoding: chunked (raw socket, several chunks, delays)', async () => {
    const payload = Buffer.alloc(300 * 1024, 'abcdefghij\n');
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'chunked.txt', type: 'text/plain', data: payload }]);
    const pieces = [{ data: `POST /files/upload HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}Content-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n` }];
    for (let off = 0; off < body.length; off += 70000) {
      const c = body.subarray(off, off + 70000);
      pieces.push({ data: Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), delayMs: 20 });
    }
    pieces.push({ data: '0\r\n\r\n' });
    const r = await rawRequest(srv.url, pieces, { timeoutMs: 10000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'chunked.txt');
    const g = await srv.api('GET', `/files/${r.json.id}`);
    const dl = await fetch(g.body.presignedUrl);
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), payload);
  });

  await t.test('Expect: 100-continue upload gets 100 Continue, then the file is stored', async () => {
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'expect.txt', type: 'text/plain', data: 'expect body' }]);
    const c = new RawConn(srv.url);
    try {
      await c.write(`POST /files/upload HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}Content-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
      const cont = await c.readResponse(3000);
      assert.equal(cont.status, 100, JSON.stringify(cont));
      await c.write(body);
      const r = await c.readResponse(3000);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, 'expect.txt');
    } finally { c.destroy(); }
  });

  await t.test('Expect: 100-continue with a bad key is refused before the body (no 100)', async () => {
    const c = new RawConn(srv.url);
    try {
      await c.write('POST /files/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\nx-extend-api-version: 2026-02-09\r\n' +
        'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n');
      const r = await c.readResponse(3000);
      expectError(assert, r, 401, 'UNAUTHORIZED');
    } finally { c.destroy(); }
  });

  const cases = [
    ['PDF by magic (odd name, octet-stream)', 'scan.bin', 'application/octet-stream', makePdf(2), 'PDF'],
    ['PNG by magic', 'picture.dat', 'application/octet-stream', PNG_1x1, 'IMG'],
    ['JPEG by magic', 'photo', 'application/octet-stream', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]), 'IMG'],
    ['TIFF by magic', 'fax', 'application/octet-stream', Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'IMG'],
    ['plain text', 'notes.txt', 'text/plain', 'just words\n', 'TXT'],
    ['CSV', 'table.csv', 'text/csv', 'a,b\n1,2\n', 'CSV'],
    ['HTML', 'page.html', 'text/html', '<!doctype html><html><body>x</body></html>', 'HTML'],
    ['XML', 'data.xml', 'application/xml', '<?xml version="1.0"?><a/>', 'XML'],
    ['DOCX (zip with word/)', 'letter.docx', 'application/octet-stream', fakeZip('word/document.xml'), 'DOCX'],
    ['XLSX (zip with xl/)', 'sheet.xlsx', 'application/octet-stream', fakeZip('xl/workbook.xml'), 'EXCEL'],
    ['PDF named .txt is still PDF', 'lies.txt', 'text/plain', makePdf(1), 'PDF'],
  ];
  for (const [label, name, type, content, expected] of cases) {
    await t.test(`type sniffing: ${label} -> ${expected}`, async () => {
      const r = await uploadFile(srv, { name, type, content });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.type, expected);
    });
  }

  let pdfId;
  await t.test('metadata.pageCount for a PDF', async () => {
    const r = await uploadFile(srv, { name: 'five.pdf', type: 'application/pdf', content: makePdf(5) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.metadata.pageCount, 5);
    pdfId = r.body.id;
    const g = await srv.api('GET', `/files/${pdfId}`);
    assert.equal(g.body.metadata.pageCount, 5);
    const l = await srv.api('GET', '/files', { query: { nameContains: 'five.pdf' } });
    assert.equal(l.body.data[0].metadata.pageCount, 5);
  });

  await t.test('password and convertToPdf are accepted; bad convertToPdf -> 400', async () => {
    const ok = await uploadFile(srv, { name: 'p.txt', fields: { password: 'secret' }, query: { convertToPdf: 'true' } });
    assert.equal(ok.status, 200, ok.text);
    expectError(assert, await uploadFile(srv, { query: { convertToPdf: 'maybe' } }), 400);
  });

  await t.test('presignedUrl: works without a key; tampered or re-dated ones are refused', async () => {
    const g = await srv.api('GET', `/files/${pdfId}`);
    const url = new URL(g.body.presignedUrl);
    assert.equal(url.origin, srv.url);
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.deepEqual(Buffer.from(await ok.arrayBuffer()), makePdf(5));
    const sig = url.searchParams.get('signature');
    const exp = Number(url.searchParams.get('expires'));
    assert.ok(exp > Date.now() / 1000 && exp < Date.now() / 1000 + 24 * 3600, 'expires is a near-future unix time');
    const variants = {
      'flipped signature': (u) => u.searchParams.set('signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1)),
      'extended expiry': (u) => u.searchParams.set('expires', String(exp + 3600)),
      'expired time': (u) => u.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 10)),
      'no signature': (u) => u.searchParams.delete('signature'),
      'no expires': (u) => u.searchParams.delete('expires'),
      'other file': (u) => { u.pathname = u.pathname.replace(pdfId, g.body.id.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))); },
    };
    for (const [label, mutate] of Object.entries(variants)) {
      const u = new URL(url);
      mutate(u);
      const r = await request(u.origin, 'GET', u.pathname + u.search, { version: null });
      assert.ok(r.status === 401 || r.status === 403, `${label}: got ${r.status}`);
      expectError(assert, r, r.status);
    }
  });

  await t.test('delete then 404 (get, delete again, presigned download)', async () => {
    const u = await uploadFile(srv, { name: 'gone.txt', content: 'unique content for delete test' });
    const g = await srv.api('GET', `/files/${u.body.id}`);
    const d = await srv.api('DELETE', `/files/${u.body.id}`);
    assert.equal(d.status, 200, d.text);
    expectError(assert, await srv.api('GET', `/files/${u.body.id}`), 404, 'NOT_FOUND');
    expectError(assert, await srv.api('DELETE', `/files/${u.body.id}`), 404, 'NOT_FOUND');
    const dl = await fetch(g.body.presignedUrl);
    assert.equal(dl.status, 404);
  });

  await t.test('deleting one of two files with the same bytes keeps the other readable', async () => {
    const a = await uploadFile(srv, { name: 'a.txt', content: 'shared bytes' });
    const b = await uploadFile(srv, { name: 'b.txt', content: 'shared bytes' });
    assert.equal((await srv.api('DELETE', `/files/${a.body.id}`)).status, 200);
    const g = await srv.api('GET', `/files/${b.body.id}`);
    const dl = await fetch(g.body.presignedUrl);
    assert.equal(dl.status, 200);
    assert.equal(await dl.text(), 'shared bytes');
  });

  // The upload stores the bytes, then the record; a delete of the last other file with
  // the same bytes in between used to remove them (5 of 300 rounds lost a file's bytes).
  await t.test('deleting a file while the same bytes are uploaded again never loses the new file', async () => {
    for (let i = 0; i < 150; i++) {
      const content = `racing bytes ${i}\n`;
      const a = await uploadFile(srv, { name: `race-a-${i}.txt`, content });
      assert.equal(a.status, 200, a.text);
      const [del, b] = await Promise.all([
        srv.api('DELETE', `/files/${a.body.id}`),
        uploadFile(srv, { name: `race-b-${i}.txt`, content }),
      ]);
      assert.equal(del.status, 200, del.text);
      assert.equal(b.status, 200, b.text);
      const dl = await fetch((await srv.api('GET', `/files/${b.body.id}`)).body.presignedUrl);
      assert.equal(dl.status, 200, `round ${i}: the new file's bytes are gone`);
      assert.equal(await dl.text(), content);
      assert.equal((await srv.api('DELETE', `/files/${b.body.id}`)).status, 200);
    }
  });

  await t.test('percent-encoded path segments are decoded after splitting', async () => {
    const slash = await request(srv.url, 'GET', '/files/file_x%2Fy', { key: srv.key });
    const b = expectError(assert, slash, 404, 'NOT_FOUND');
    assert.match(b.message, /file_x\/y/, 'the decoded id reached the files route');
    const g = await srv.api('GET', `/files/${pdfId}`);
    const enc = await srv.api('GET', `/files/${pdfId}%2Fcontent`);
    expectError(assert, enc, 404, 'NOT_FOUND');
    const encodedId = pdfId.split('').map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const e2 = await srv.api('GET', `/files/${encodedId}`);
    assert.equal(e2.status, 200, e2.text);
    assert.equal(e2.body.id, g.body.id);
    expectError(assert, await srv.api('GET', '/%66iles/nope'), 404);
  });

  await t.test("query values are percent-decoded and '+' stays '+'", async () => {
    const plus = await uploadFile(srv, { name: 'a+b.txt', content: 'plus' });
    const space = await uploadFile(srv, { name: 'a b.txt', content: 'space' });
    const r1 = await srv.api('GET', '/files?nameContains=a+b');
    assert.deepEqual(r1.body.data.map((f) => f.id), [plus.body.id]);
    const r2 = await srv.api('GET', '/files?nameContains=a%20b');
    assert.deepEqual(r2.body.data.map((f) => f.id), [space.body.id]);
    const r3 = await srv.api('GET', '/files?nameContains=a%2Bb');
    assert.deepEqual(r3.body.data.map((f) => f.id), [plus.body.id]);
  });

  await t.test('keep-alive: several requests on one connection, pipelined too', async () => {
    const c = new RawConn(srv.url);
    try {
      const get = `GET /files/${pdfId} HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}\r\n`;
      for (let i = 0; i < 3; i++) {
        await c.write(get);
        const r = await c.readResponse();
        assert.equal(r.status, 200, JSON.stringify(r));
        assert.notEqual((r.headers.connection ?? '').toLowerCase(), 'close');
      }
      await c.write(get + `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n` + get);
      const a = await c.readResponse();
      const b = await c.readResponse();
      const d = await c.readResponse();
      assert.deepEqual([a.status, b.status, d.status], [200, 200, 200]);
      assert.equal(b.json.status, 'ok');
      assert.equal(c.closed, false);
      // An error response that read no body keeps the connection too.
      await c.write(`GET /files/nope HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}\r\n`);
      assert.equal((await c.readResponse()).status, 404);
      await c.write(get);
      assert.equal((await c.readResponse()).status, 200);
    } finally {
      c.destroy();
    }
  });

  await t.test('Connection: close and HTTP/1.0 get one response, then the server closes', async () => {
    const r1 = await rawRequest(srv.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(r1.status, 200);
    assert.equal((r1.headers.connection ?? '').toLowerCase(), 'close');
    assert.equal(r1.closedAfter, true);
    const r2 = await rawRequest(srv.url, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(r2.status, 200);
    assert.equal(r2.closedAfter, true);
  });

  await t.test('fetch reuses connections (many sequential requests succeed)', async () => {
    for (let i = 0; i < 50; i++) assert.equal((await srv.api('GET', `/files/${pdfId}`)).status, 200);
  });

  await t.test('no request was answered 500', () => {
    assert.deepEqual(srv.serverErrors(), []);
  });
});
