// SIGTERM: stop accepting, finish in-flight requests, exit 0; data survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uploadFile, request, multipartBody, authHeaders, RawConn, sleep } from './harness.mjs';

test('SIGTERM drains an in-flight slow upload and exits 0', { timeout: 30000 }, async (t) => {
  const srv = await startServer({ t });
  const { body, contentType } = multipartBody([{ name: 'file', filename: 'slow.txt', type: 'text/plain', data: 'slow '.repeat(20000) }]);
  const slow = new RawConn(srv.url);
  const idle = new RawConn(srv.url);
  t.after(() => { slow.destroy(); idle.destroy(); });
  // An idle keep-alive connection that has finished one request.
  await idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal((await idle.readResponse()).status, 200);

  await slow.write(`POST /files/upload HTTP/1.1\r\nHost: x\r\n${authHeaders(srv.key)}Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
  await slow.write(body.subarray(0, 1000));
  await sleep(100);
  srv.proc.kill('SIGTERM');
  await sleep(300);
  // Stopped accepting: a new connection is refused (or closed without an answer).
  const fresh = await request(srv.url, 'GET', '/healthz', { timeoutMs: 2000 }).then((r) => r.status, (e) => e.cause?.code ?? 'error');
  assert.notEqual(fresh, 200, 'new requests are not served after SIGTERM');
  assert.ok(await idle.waitClosed(2000), 'idle keep-alive connection was closed');
  assert.equal(srv.exitCode, undefined, 'still running while the upload is in flight');

  for (let off = 1000; off < body.length; off += 20000) {
    await slow.write(body.subarray(off, off + 20000));
    await sleep(50);
  }
  const r = await slow.readResponse(5000);
  assert.equal(r.status, 200, JSON.stringify(r).slice(0, 300));
  assert.equal(r.json.name, 'slow.txt');
  assert.equal((r.headers.connection ?? '').toLowerCase(), 'close');
  const code = await Promise.race([srv.exited, sleep(8000).then(() => 'timeout')]);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${srv.stderr.slice(-2000)}`);

  // The upload that completed during the drain was stored.
  await srv.restart();
  const list = await srv.api('GET', '/files', { query: { nameContains: 'slow.txt' } });
  assert.equal(list.body.data.length, 1);
  assert.equal(await srv.stop(), 0);
});

test('SIGINT also exits 0; data persists across a kill -9', { timeout: 30000 }, async (t) => {
  const srv = await startServer({ t });
  const u = await uploadFile(srv, { name: 'durable.txt', content: 'durable' });
  assert.equal(u.status, 200);
  await srv.kill9();
  await srv.restart();
  const g = await srv.api('GET', `/files/${u.body.id}`);
  assert.equal(g.status, 200);
  assert.equal(await (await fetch(g.body.presignedUrl)).text(), 'durable');
  srv.proc.kill('SIGINT');
  assert.equal(await srv.exited, 0);
});
