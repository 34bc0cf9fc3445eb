// Handlers that may block (writes waiting for a database lock, uploads, exports) run on the
// handler pool, not on the event loop: with one loop thread (--threads 1), quick reads keep being
// answered while a write is stuck, and a drain (SIGTERM) still delivers the stuck write's
// response once it completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startServer, uploadFile, sleep, RawConn, rawRequest, API_VERSION } from './harness.mjs';
import { databaseEnv } from './pg.mjs';

// Holds a lock until release() is called. PostgreSQL: LOCK TABLE files IN `pgMode` MODE
// (EXCLUSIVE: reads go on, deletes wait; ACCESS EXCLUSIVE: reads of files wait too).
// SQLite: the database's write lock, whatever `pgMode` (reads always go on).
async function holdLock(dataDir, pgMode = 'EXCLUSIVE') {
  const pgUrl = databaseEnv(dataDir).GOLDSET_DATABASE;
  const proc = pgUrl
    ? spawn('psql', ['-X', '-q', '-t', '-A', pgUrl], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('sqlite3', [path.join(dataDir, 'goldset.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  proc.stdin.write(pgUrl
    ? `BEGIN;\nLOCK TABLE files IN ${pgMode} MODE;\nSELECT 'locked';\n`
    : ".timeout 5000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
  const deadline = Date.now() + 10000;
  while (!out.includes('locked')) {
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`could not take the lock: ${err}`);
    }
    await sleep(20);
  }
  return {
    async release() {
      proc.stdin.end(pgUrl ? 'COMMIT;\n' : 'COMMIT;\n.quit\n');
      await Promise.race([exited, sleep(5000)]);
      proc.kill('SIGKILL');
    },
  };
}

// Runs one SQL statement from another process (sqlite3 / psql): a write the server did not make.
function runSqlElsewhere(dataDir, sql) {
  const pgUrl = databaseEnv(dataDir).GOLDSET_DATABASE;
  const proc = pgUrl
    ? spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', pgUrl, '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('sqlite3', ['-cmd', '.timeout 5000', path.join(dataDir, 'goldset.db'), sql], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${sql}: ${err}`)))));
}

// Each loop thread's reads share a database snapshot per turn (SQLite read batches). Under a
// load that keeps both loop threads busy, every read must still see each write the server has
// acknowledged, and a write by another process must show within moments.
test('under load, reads see every acknowledged write, and another process\'s write soon after', { timeout: 90000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '2', '--rate-limit-get', '1000000', '--rate-limit-write', '1000000'] });
  const hot = await uploadFile(srv, { name: 'hot.txt' });
  assert.equal(hot.status, 200, hot.text);
  let stop = false;
  let loadRequests = 0;
  const load = Array.from({ length: 16 }, async () => {
    while (!stop) {
      const r = await srv.api('GET', `/files/${hot.body.id}`);
      assert.equal(r.status, 200, r.text);
      loadRequests++;
    }
  });
  try {
    for (let i = 0; i < 40; i++) {
      const name = `fresh-${i}-${Date.now()}.txt`;
      const up = await uploadFile(srv, { name });
      assert.equal(up.status, 200, up.text);
      const got = await srv.api('GET', `/files/${up.body.id}`);
      assert.equal(got.status, 200, `read right after upload ${i}: ${got.text}`);
      assert.equal(got.body.name, name);
      const listed = await srv.api('GET', '/files', { query: { nameContains: name } });
      assert.deepEqual(listed.body.data.map((f) => f.id), [up.body.id], `list right after upload ${i}`);
      const del = await srv.api('DELETE', `/files/${up.body.id}`);
      assert.equal(del.status, 200, del.text);
      const gone = await srv.api('GET', `/files/${up.body.id}`);
      assert.equal(gone.status, 404, `read right after delete ${i}: ${gone.text}`);
    }
    await runSqlElsewhere(srv.dataDir, `UPDATE files SET name = 'renamed-elsewhere.txt' WHERE id = '${hot.body.id}'`);
    const since = Date.now();
    let seen = '';
    while (Date.now() - since < 2000) {
      seen = (await srv.api('GET', `/files/${hot.body.id}`)).body.name;
      if (seen === 'renamed-elsewhere.txt') break;
    }
    assert.equal(seen, 'renamed-elsewhere.txt', 'a write by another process never became visible');
  } finally {
    stop = true;
    await Promise.all(load);
  }
  assert.ok(loadRequests > 200, `the background load ran (${loadRequests} requests)`);
  assert.deepEqual(srv.serverErrors(), []);
});

test('a write stuck behind a database lock does not stall reads on the same event loop', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '1'] });
  const up = await uploadFile(srv, { name: 'quick.txt' });
  const doomed = await uploadFile(srv, { name: 'doomed.txt', content: 'to be deleted' });
  assert.equal(up.status, 200, up.text);
  const lock = await holdLock(srv.dataDir);
  t.after(() => lock.release());

  let writeDoneAt = 0;
  const write = srv.api('DELETE', `/files/${doomed.body.id}`, { timeoutMs: 20000 })
    .then((r) => { writeDoneAt = Date.now(); return r; });
  await sleep(300);  // the write is now waiting inside the store
  const started = Date.now();
  for (let i = 0; i < 20; i++) {
    const r = await srv.api('GET', `/files/${up.body.id}`, { timeoutMs: 2000 });
    assert.equal(r.status, 200, r.text);
  }
  const readsMs = Date.now() - started;
  assert.equal(writeDoneAt, 0, 'the write is still blocked while the reads are answered');
  assert.ok(readsMs < 1500, `20 reads took ${readsMs} ms while a write was blocked`);

  await lock.release();
  const w = await write;
  assert.equal(w.status, 200, `after the lock is released the write is answered: ${w.text}`);
  assert.equal((await srv.api('GET', `/files/${doomed.body.id}`)).status, 404);
  assert.deepEqual(srv.serverErrors(), []);
});

// The event-loop threads share one queue of ready connections: a quick read that stalls
// (here: waiting on a lock; elsewhere: a large page, or the kernel descheduling the
// thread) holds up only its own connection, not the connections that arrived after it.
// SQLite readers never wait for a lock (WAL), so this runs on the PostgreSQL suite.
test('a read stalled on one event-loop thread does not hold up other connections', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '2'] });
  const pgUrl = databaseEnv(srv.dataDir).GOLDSET_DATABASE;
  if (!pgUrl) return t.skip('needs a store whose reads can wait on a lock (PostgreSQL suite)');
  const up = await uploadFile(srv, { name: 'locked.txt' });
  assert.equal(up.status, 200, up.text);
  const lock = await holdLock(srv.dataDir, 'ACCESS EXCLUSIVE');
  t.after(() => lock.release());

  const stalled = new RawConn(srv.url);
  t.after(() => stalled.destroy());
  await stalled.write(`GET /files/${up.body.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.key}\r\n` +
                      `x-extend-api-version: ${API_VERSION}\r\n\r\n`);
  await sleep(300);  // the read is now waiting for the lock, on one of the two threads
  // Connections made after it: with one loop per thread, every other one would be queued
  // behind the stalled read until the lock is released.
  for (let i = 0; i < 6; i++) {
    const hz = await rawRequest(srv.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { timeoutMs: 5000 });
    assert.equal(hz.status, 200, `healthz ${i} while a read is stalled: ${JSON.stringify(hz)}`);
    const other = await rawRequest(srv.url, 'GET /webhook_endpoints HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
                                   `Authorization: Bearer ${srv.key}\r\nx-extend-api-version: ${API_VERSION}\r\n\r\n`, { timeoutMs: 5000 });
    assert.equal(other.status, 200, `a read of another table ${i}: ${JSON.stringify(other)}`);
  }
  const early = await stalled.readResponse(50);
  assert.ok(early.timedOut, `the read under the lock is still waiting: ${JSON.stringify(early)}`);

  await lock.release();
  const r = await stalled.readResponse(10000);
  assert.equal(r.status, 200, `answered once the lock is released: ${JSON.stringify(r)}`);
  assert.equal(r.json.id, up.body.id);
  assert.deepEqual(srv.serverErrors(), []);
});

test('SIGTERM while a pooled handler is blocked: its response is still sent, then exit 0', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '1'] });
  const doomed = await uploadFile(srv, { name: 'doomed.txt', content: 'in flight' });
  assert.equal(doomed.status, 200, doomed.text);
  const lock = await holdLock(srv.dataDir);
  t.after(() => lock.release());
  const write = srv.api('DELETE', `/files/${doomed.body.id}`, { timeoutMs: 20000 });
  await sleep(300);
  srv.proc.kill('SIGTERM');
  await sleep(300);
  assert.equal(srv.exitCode, undefined, 'still running while the handler is in flight');
  await lock.release();
  const w = await write;
  assert.equal(w.status, 200, w.text);
  const code = await Promise.race([srv.exited, sleep(10000).then(() => 'timeout')]);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${srv.stderr.slice(-2000)}`);
});
