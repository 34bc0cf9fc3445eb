// Handlers that may block (writes waiting for a database lock, uploads, exports) run on the
// handler pool, not on the event loop: with one loop (--threads 1), quick reads keep being
// answered while a write is stuck, and a drain (SIGTERM) still delivers the stuck write's
// response once it completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startServer, uploadFile, sleep } from './harness.mjs';
import { databaseEnv } from './pg.mjs';

// Holds the database's write lock (SQLite) or an EXCLUSIVE lock on files (PostgreSQL:
// reads go on, deletes wait) until release() is called.
async function holdWriteLock(dataDir) {
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
    ? "BEGIN;\nLOCK TABLE files IN EXCLUSIVE MODE;\nSELECT 'locked';\n"
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

// The event loops' reads share a database snapshot per turn (SQLite read batches). Under a
// load that keeps both loops busy, every read must still see each write the server has
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
  const lock = await holdWriteLock(srv.dataDir);
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

test('SIGTERM while a pooled handler is blocked: its response is still sent, then exit 0', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '1'] });
  const doomed = await uploadFile(srv, { name: 'doomed.txt', content: 'in flight' });
  assert.equal(doomed.status, 200, doomed.text);
  const lock = await holdWriteLock(srv.dataDir);
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
