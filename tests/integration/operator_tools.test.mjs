// `goldset backup`, `goldset restore` and `goldset doctor` against a live server's data
// dir: a backup taken under concurrent writes restores into a store that passes its
// integrity checks and holds every write acknowledged before the backup began; doctor
// finds missing and orphaned blobs and stuck runs, with an exit code scripts can use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, uploadFile, runCli } from './harness.mjs';
import { seedInvoiceSet, waitForRun } from './eval_fixtures.mjs';

const sqliteOnly = !!process.env.GOLDSET_DATABASE;

function blobPath(dataDir, sha) {
  return path.join(dataDir, 'blobs', sha.slice(0, 2), sha);
}

test('backup under concurrent writes; restore; the restored store holds every write acknowledged before the backup', { timeout: 180000, skip: sqliteOnly && 'PostgreSQL stores are backed up with pg_dump (docs/operations.md)' }, async (t) => {
  const srv = await startServer({ t });
  const work = mkdtempSync(path.join(os.tmpdir(), 'goldset-backup-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const seeded = await seedInvoiceSet(srv, 20);
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  await waitForRun(srv.api, run.id);

  // Writers keep uploading and deleting while the backup runs; `acked` holds the files
  // whose upload was acknowledged, with their bytes.
  const acked = new Map();
  let writing = true;
  let deleted = 0;
  const writers = [0, 1, 2].map(async (w) => {
    for (let i = 0; writing; i++) {
      const content = `writer ${w} file ${i} ${'z'.repeat(500 * (i % 7))}\n`;
      const u = await uploadFile(srv, { name: `w${w}-${i}.txt`, content });
      if (u.status === 200) acked.set(u.body.id, content);
      if (i % 5 === 4) {  // deletions race the backup's blob copy
        const victim = [...acked.keys()][Math.floor(acked.size / 2)];
        if (victim && (await srv.api('DELETE', `/files/${victim}`)).status === 200) {
          acked.delete(victim);
          deleted++;
        }
      }
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  const before = new Map(acked);  // acknowledged before the backup began
  const archive = path.join(work, 'backup.tar');
  const b = await runCli(['backup', '--data-dir', srv.dataDir, '--to', archive], { timeoutMs: 60000 });
  await new Promise((r) => setTimeout(r, 300));
  writing = false;
  await Promise.all(writers);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /schema version \d+, \d+ files, \d+ blobs/);
  const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(listing.includes('goldset.db') && listing.includes('manifest.json'), listing.join(' '));
  t.diagnostic(`backup: ${b.stdout.trim()}; ${acked.size} files acknowledged in all, ${deleted} deleted during the run`);
  // Deletes during the backup were deferred, then carried out: no stray bytes are left.
  const blobDir = path.join(srv.dataDir, 'blobs');
  assert.deepEqual(existsSync(path.join(blobDir, 'deferred')) ? readdirSync(path.join(blobDir, 'deferred')) : [], []);
  const onDisk = readdirSync(blobDir).filter((d) => d.length === 2).flatMap((d) => readdirSync(path.join(blobDir, d)));
  const referenced = execFileSync('sqlite3', [path.join(srv.dataDir, 'goldset.db'), 'SELECT COUNT(DISTINCT content_sha256) FROM files'],
    { encoding: 'utf8' }).trim();
  assert.equal(onDisk.length, Number(referenced), 'every blob on disk belongs to a file');

  const restored = path.join(work, 'restored');
  const r = await runCli(['restore', '--from', archive, '--data-dir', restored]);
  assert.equal(r.code, 0, r.stderr);
  const doctor = await runCli(['doctor', '--data-dir', restored]);
  assert.equal(doctor.code, 0, doctor.stdout);
  // Refuses to overwrite a store.
  const again = await runCli(['restore', '--from', archive, '--data-dir', restored]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds a database/);

  // Serve the restored store: everything acknowledged before the backup began is there,
  // byte for byte, unless a writer deleted it afterwards; the finished run is intact.
  const copy = await startServer({ t, dataDir: restored, key: srv.key });
  for (const [id, content] of before) {
    const g = await copy.api('GET', `/files/${id}`);
    if (g.status === 404 && !acked.has(id)) continue;  // deleted after the backup began
    assert.equal(g.status, 200, `file ${id} acknowledged before the backup is missing`);
    assert.equal(await (await fetch(g.body.presignedUrl)).text(), content);
  }
  const runCopy = await copy.api('GET', `/evaluation_set_runs/${run.id}`);
  assert.equal(runCopy.body.status, 'PROCESSED');
  assert.equal(runCopy.body.metrics.numFilesProcessed, 20);
  const fresh = await uploadFile(copy, { name: 'after-restore.txt', content: 'new' });
  assert.equal(fresh.status, 200);
  assert.deepEqual(copy.serverErrors(), []);
});

test('restore refuses a truncated or corrupt archive and leaves no database behind', { timeout: 60000, skip: sqliteOnly && 'SQLite only' }, async (t) => {
  const srv = await startServer({ t });
  const work = mkdtempSync(path.join(os.tmpdir(), 'goldset-backup-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  await uploadFile(srv, { name: 'a.txt', content: 'a'.repeat(5000) });
  const archive = path.join(work, 'b.tar');
  assert.equal((await runCli(['backup', '--data-dir', srv.dataDir, '--to', archive])).code, 0);
  const bytes = execFileSync('cat', [archive]);
  const truncated = path.join(work, 'truncated.tar');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const t1 = await runCli(['restore', '--from', truncated, '--data-dir', path.join(work, 'r1')]);
  assert.notEqual(t1.code, 0);
  assert.match(t1.stderr, /truncated|incomplete|corrupt/);
  assert.ok(!existsSync(path.join(work, 'r1', 'goldset.db')));
  // Flip a byte inside the first blob's content.
  const corrupt = Buffer.from(bytes);
  corrupt[512 + 10] ^= 0xff;
  const bad = path.join(work, 'corrupt.tar');
  writeFileSync(bad, corrupt);
  const t2 = await runCli(['restore', '--from', bad, '--data-dir', path.join(work, 'r2')]);
  assert.notEqual(t2.code, 0);
  assert.match(t2.stderr, /corrupt/);
  assert.ok(!existsSync(path.join(work, 'r2', 'goldset.db')));
  const pg = await runCli(['backup', '--data-dir', srv.dataDir, '--to', archive, '--database', 'postgresql://x@127.0.0.1/none']);
  assert.equal(pg.code, 2);
  assert.match(pg.stderr, /pg_dump/);
});

test('doctor: exit 0 on a healthy store; reports missing and orphaned blobs and stuck runs with exit 1', { timeout: 90000 }, async (t) => {
  const srv = await startServer({ t });
  const seeded = await seedInvoiceSet(srv, 3);
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  await waitForRun(srv.api, run.id);
  const healthy = await runCli(['doctor', '--data-dir', srv.dataDir, '--format', 'json']);
  const dbArgs = process.env.GOLDSET_DATABASE ? ['--database', (await import('./pg.mjs')).databaseEnv(srv.dataDir).GOLDSET_DATABASE] : [];
  if (dbArgs.length) {
    // PostgreSQL: the store is the database, named by --database (or GOLDSET_DATABASE).
    const pg = await runCli(['doctor', ...dbArgs, '--format', 'json']);
    assert.equal(pg.code, 0, pg.stdout + pg.stderr);
    const report = JSON.parse(pg.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.checks.find((c) => c.name === 'integrity').status, 'ok');
    return;
  }
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  const report = JSON.parse(healthy.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.checks.map((c) => c.name), ['schema', 'integrity', 'missing_blobs', 'orphan_blobs', 'stuck_runs']);

  // A blob of a stored file disappears; an orphan blob appears (old enough to count);
  // a run's work has been waiting far longer than --stuck-after-ms.
  const sha = readdirSync(path.join(srv.dataDir, 'blobs')).filter((d) => d.length === 2)
    .flatMap((d) => readdirSync(path.join(srv.dataDir, 'blobs', d)))[0];
  assert.ok(sha);
  unlinkSync(blobPath(srv.dataDir, sha));
  const orphanSha = 'ab'.padEnd(64, '0');
  const orphan = blobPath(srv.dataDir, orphanSha);
  execFileSync('mkdir', ['-p', path.dirname(orphan)]);
  writeFileSync(orphan, 'nobody references me');
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  utimesSync(orphan, old, old);
  await srv.stop();  // no worker: the new run's items wait
  execFileSync('sqlite3', [path.join(srv.dataDir, 'goldset.db'),
    `INSERT INTO evaluation_runs (id, workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, options, status, failure_message, num_items, num_done, num_failed, metrics, created_at, updated_at) SELECT 'bpr_stuck', workspace_id, set_id, entity_kind, entity_json, entity_version_json, config, options, 'PROCESSING', NULL, 1, 0, 0, NULL, created_at, updated_at FROM evaluation_runs LIMIT 1;` +
    `INSERT INTO evaluation_run_items (run_id, item_id, seq, workspace_id, file_id, file_ids, expected_output, status, attempts, next_attempt_at, updated_at) ` +
    `SELECT 'bpr_stuck', item_id, seq, workspace_id, file_id, file_ids, expected_output, 'PENDING', 0, 1, 1 FROM evaluation_run_items LIMIT 1;`]);

  const sick = await runCli(['doctor', '--data-dir', srv.dataDir]);
  assert.equal(sick.code, 1, sick.stdout);
  assert.match(sick.stdout, /fail\s+missing_blobs\s+1 blobs of stored files are missing/);
  assert.match(sick.stdout, /warn\s+orphan_blobs\s+1 blobs \(20 bytes\)/);
  assert.match(sick.stdout, /warn\s+stuck_runs\s+.*bpr_stuck/);
  assert.match(sick.stdout, /ok\s+integrity/);
  const usage = await runCli(['doctor', '--data-dir', path.join(srv.dataDir, 'nope')]);
  assert.equal(usage.code, 2);
  assert.ok(!existsSync(path.join(srv.dataDir, 'nope', 'goldset.db')), 'doctor never creates a store');
});
