import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uploadFile, request } from './harness.mjs';

test('server starts, answers /healthz, uploads and reads a file', { timeout: 20000 }, async (t) => {
  const srv = await startServer({ t });
  const h = await request(srv.url, 'GET', '/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  const up = await uploadFile(srv, { name: 'a.txt', content: 'hi\n' });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.body.type, 'TXT');
  const got = await srv.api('GET', `/files/${up.body.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.id, up.body.id);
  assert.equal(await srv.stop(), 0);
});
