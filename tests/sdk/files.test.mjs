// The official extend-ai SDK (pinned 1.17.0) against a real goldset server: upload
// (File, Blob, ReadStream), retrieve, list with paging, delete, and the error classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExtendClient, Extend, ExtendError } from 'extend-ai';
import { startServer, createKey, createWorkspace, makePdf } from '../integration/harness.mjs';

async function rejectsWith(promise, cls, status) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    assert.ok(e instanceof ExtendError);
    assert.equal(e.statusCode, status);
    assert.equal(typeof e.body?.message, 'string');
    assert.match(e.body?.requestId ?? '', /^req_/);
    return e;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

test('extend-ai SDK: files', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });

  let pdf;
  await t.test('upload a File (PDF) and retrieve it', async () => {
    pdf = await client.files.upload(new File([makePdf(4)], 'report.pdf', { type: 'application/pdf' }), {});
    assert.equal(pdf.object, 'file');
    assert.match(pdf.id, /^file_/);
    assert.equal(pdf.name, 'report.pdf');
    assert.equal(pdf.type, 'PDF');
    assert.equal(pdf.metadata.pageCount, 4);
    const got = await client.files.retrieve(pdf.id);
    assert.equal(got.id, pdf.id);
    assert.equal(got.name, 'report.pdf');
    assert.equal(typeof got.presignedUrl, 'string');
    const bytes = Buffer.from(await (await fetch(got.presignedUrl)).arrayBuffer());
    assert.deepEqual(bytes, makePdf(4));
  });

  await t.test('upload a Blob, with password and convertToPdf', async () => {
    const f = await client.files.upload(new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), { password: 'pw', convertToPdf: false });
    assert.match(f.id, /^file_/);
    assert.equal(f.type, 'CSV');
  });

  await t.test('upload a ReadStream', async () => {
    const p = path.join(srv.dataDir, 'notes.txt');
    writeFileSync(p, 'streamed text\n');
    const f = await client.files.upload(createReadStream(p), {});
    assert.equal(f.name, 'notes.txt');
    assert.equal(f.type, 'TXT');
  });

  await t.test('list pages through every file with nextPageToken', async () => {
    const uploaded = new Set();
    for (let i = 0; i < 23; i++) {
      const f = await client.files.upload(new File([`n${i}`], `page-${i}.txt`, { type: 'text/plain' }), {});
      uploaded.add(f.id);
    }
    for (const sortDir of ['asc', 'desc']) {
      const seen = [];
      let token;
      do {
        const page = await client.files.list({ maxPageSize: 7, sortDir, nextPageToken: token });
        assert.equal(page.object, 'list');
        assert.ok(page.data.length <= 7);
        seen.push(...page.data.map((f) => f.id));
        token = page.nextPageToken ?? undefined;
      } while (token);
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      for (const id of uploaded) assert.ok(seen.includes(id), `missing ${id}`);
      assert.equal(seen.length, uploaded.size + 3);
    }
    const filtered = await client.files.list({ nameContains: 'page-1', maxPageSize: 100 });
    assert.equal(filtered.data.length, 1 + 10);  // page-1, page-10..19
  });

  await t.test('delete, then retrieve -> NotFoundError (404)', async () => {
    const del = await client.files.delete(pdf.id);
    assert.equal(del.id, pdf.id);
    await rejectsWith(client.files.retrieve(pdf.id), Extend.NotFoundError, 404);
    await rejectsWith(client.files.delete(pdf.id), Extend.NotFoundError, 404);
  });

  await t.test('bad key -> UnauthorizedError (401)', async () => {
    const bad = new ExtendClient({ token: 'sk_wrong', baseUrl: srv.url });
    await rejectsWith(bad.files.list({}), Extend.UnauthorizedError, 401);
    await rejectsWith(bad.files.upload(new Blob(['x']), {}), Extend.UnauthorizedError, 401);
  });

  await t.test('bad parameters -> BadRequestError (400)', async () => {
    await rejectsWith(client.files.list({ maxPageSize: 5000 }), Extend.BadRequestError, 400);
    await rejectsWith(client.files.list({ nextPageToken: 'not-a-token' }), Extend.BadRequestError, 400);
    await rejectsWith(client.files.upload(new Blob([]), {}), Extend.BadRequestError, 400);
  });

  await t.test('organization key with the x-extend-workspace-id parameter', async () => {
    const ws = await createWorkspace(srv.dataDir, ['--name', 'SDK']);
    const org = new ExtendClient({ token: await createKey(srv.dataDir, ['--org']), baseUrl: srv.url });
    await rejectsWith(org.files.list({}), Extend.BadRequestError, 400);
    const f = await org.files.upload(new File(['ws'], 'ws.txt'), { 'x-extend-workspace-id': ws });
    const l = await org.files.list({ 'x-extend-workspace-id': ws });
    assert.deepEqual(l.data.map((x) => x.id), [f.id]);
    await rejectsWith(client.files.retrieve(f.id), Extend.NotFoundError, 404);
  });

  await t.test('the server never answered 5xx', () => {
    assert.deepEqual(srv.serverErrors(), []);
  });
});
