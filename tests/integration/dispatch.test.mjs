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
