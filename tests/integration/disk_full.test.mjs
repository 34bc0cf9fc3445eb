// A full disk under the data directory (a small tmpfs the test mounts; skipped where it
// cannot mount): writes fail with a clear 507 JSON error, reads keep working, nothing
// stored is damaged, and everything works again once space is freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, uploadFile, runCli, expectError } from './harness.mjs';

function tryMount(dir, sizeMb) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe', timeout: 10000 });
    return null;
  } catch (e) {
    return String(e.stderr || e.message).trim();
  }
}

// Writes `file` until the disk is full (ENOSPC), in shrinking chunks so nothing is left.
function fillDisk(file) {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 1 << 14, 1 << 10, 64, 1]) {
      const chunk = Buffer.alloc(size, 7);
      for (;;) {
        try { writeSync(fd, chunk); } catch (e) {
          if (e.code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

test('disk full: uploads get 413 and other writes 507 INSUFFICIENT_STORAGE, reads work, nothing is damaged, writes resume when space is freed', { timeout: 120000 }, async (t) => {
  if (process.env.GOLDSET_DATABASE) {
    t.skip('PostgreSQL keeps the data in the database, not in the data directory');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goldset-diskfull-'));
  const why = tryMount(dir, 24);
  if (why) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (${why}); disk-full behaviour not tested`);
    return;
  }
  let srv;
  t.after(async () => {
    await srv?.stop();
    try { execFileSync('umount', [dir], { stdio: 'pipe', timeout: 10000 }); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = path.join(dir, 'data');
  srv = await startServer({ dataDir });

  const stored = [];
  for (let i = 0; i < 3; i++) {
    const content = `stored before the disk filled ${i}\n`.repeat(1000);
    const u = await uploadFile(srv, { name: `before-${i}.txt`, content });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    stored.push({ id: u.body.id, content });
  }
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'before', description: '', entityId: 'ex_none' } });

  const filler = path.join(dir, 'filler');
  fillDisk(filler);

  // Uploads: the blob cannot be written. 413, not 507: the SDK would retry a 5xx upload
  // with a body it has already consumed (contract R4).
  const big = await uploadFile(srv, { name: 'too-much.txt', content: 'x'.repeat(256 * 1024) });
  expectError(assert, big, 413, 'INSUFFICIENT_STORAGE');
  assert.equal(big.body.retryable, true);
  assert.match(big.body.message, /full/);
  assert.ok(!big.body.message.includes(dir), `the data directory's path reached the client: ${big.body.message}`);
  // Metadata writes fail the same way once the database cannot grow (never a 500).
  let refused = null;
  for (let i = 0; i < 200 && !refused; i++) {
    const w = await srv.api('POST', '/webhook_endpoints', {
      body: { url: 'https://93.184.216.34/hook', name: 'w'.repeat(200) + i, enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' } });
    if (w.status !== 200) refused = w;
  }
  assert.ok(refused, 'no write was refused on a full disk');
  expectError(assert, refused, 507, 'INSUFFICIENT_STORAGE');
  assert.ok(!refused.body.message.includes(dir), `the data directory's path reached the client: ${refused.body.message}`);

  // Reads keep working and nothing stored is damaged.
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
  for (const f of stored) {
    const g = await srv.api('GET', `/files/${f.id}`);
    assert.equal(g.status, 200);
    assert.equal(await (await fetch(g.body.presignedUrl)).text(), f.content);
  }
  const list = await srv.api('GET', '/files');
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 3);

  // Space freed: everything works again.
  unlinkSync(filler);
  const after = await uploadFile(srv, { name: 'after.txt', content: 'x'.repeat(256 * 1024) });
  assert.equal(after.status, 200, JSON.stringify(after.body));
  const w = await srv.api('POST', '/webhook_endpoints', {
    body: { url: 'https://93.184.216.34/hook', name: 'after', enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' } });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  assert.deepEqual(srv.serverErrors().filter((l) => l.status !== 507), [], 'no other 5xx while the disk was full');

  await srv.stop();
  const doctor = await runCli(['doctor', '--data-dir', dataDir]);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /ok\s+integrity/);
  void set;
});
