// kill -9 soak: the server is killed at random moments during a mixed workload (uploads,
// item creation, runs through an http engine, webhook deliveries) and restarted. After
// every restart each acknowledged write is present and the store passes `goldset doctor`
// (SQLite: PRAGMA integrity_check); at the end every run completed with each item scored
// exactly once and its webhook event delivered.
// Kills: GOLDSET_SOAK_KILLS (default 4 here; `make soak` runs 20 on both backends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uploadFile, runCli, sleep } from './harness.mjs';
import { databaseEnv } from './pg.mjs';
import { invoiceSchema, invoiceText, invoiceExpected, waitForRun, allResults } from './eval_fixtures.mjs';
import { startEngineStub, waitUntil } from './engine_stub.mjs';
import { startReceiver } from './webhook_receiver.mjs';

const KILLS = Number(process.env.GOLDSET_SOAK_KILLS ?? 4);
// Bounds on the scoring work, so the run is about kills, not throughput.
const MAX_ITEMS = 150;
const MAX_FILES = 1500;
const MAX_RUNS = 2 * KILLS + 2;

async function doctor(srv) {
  const db = databaseEnv(srv.dataDir).GOLDSET_DATABASE;
  const r = await runCli(['doctor', ...(db ? ['--database', db] : ['--data-dir', srv.dataDir]), '--format', 'json'], { timeoutMs: 60000 });
  return { code: r.code, report: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

test(`kill -9 soak: ${KILLS} kills during a mixed workload lose no acknowledged write and score every item once`, { timeout: 120000 + KILLS * 30000 }, async (t) => {
  const engine = await startEngineStub(() => ({ delayMs: 30 }));
  t.after(() => engine.close());
  const rx = await startReceiver();
  t.after(() => rx.close());
  // Many attempts: an item in flight at several kills must not run out of them.
  const srv = await startServer({ t, args: ['--workers', '2', '--item-attempts', '100', '--webhook-retry-base-ms', '200',
    '--webhook-retry-max-ms', '1000', '--webhook-max-attempts', '1000'] });
  const ex = (await srv.api('POST', '/extractors', {
    body: { name: 'soak', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } })).body;
  const set = (await srv.api('POST', '/evaluation_sets', { body: { name: 'soak', description: '', entityId: ex.id } })).body;
  const hook = await srv.api('POST', '/webhook_endpoints', {
    body: { url: rx.url, name: 'soak', enabledEvents: ['evaluation_set_run.processed'], apiVersion: '2026-02-09' } });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));

  const files = new Map();  // acknowledged uploads: id -> content
  const items = new Set();  // acknowledged items
  const runs = new Set();   // acknowledged runs
  const unused = [];        // uploaded files not yet in an item, with their index
  let running = true;
  const quiet = (p) => p.catch(() => null);  // requests during a kill fail; that is expected

  const uploader = (async () => {
    for (let i = 0; running; i++) {
      // Paced and capped: after every kill the test re-reads each acknowledged file.
      await sleep(files.size >= MAX_FILES ? 500 : 30);
      if (files.size >= MAX_FILES) continue;
      const content = invoiceText(i);
      const u = await quiet(uploadFile(srv, { name: `soak-${i}.txt`, content }));
      if (u?.status === 200) {
        files.set(u.body.id, content);
        unused.push({ id: u.body.id, i });
      } else await sleep(50);
    }
  })();
  const itemMaker = (async () => {
    while (running) {
      if (unused.length < 5 || items.size >= MAX_ITEMS) { await sleep(50); continue; }
      const batch = unused.splice(0, 5);
      const r = await quiet(srv.api('POST', `/evaluation_sets/${set.id}/items`, {
        body: { items: batch.map((f) => ({ fileId: f.id, expectedOutput: invoiceExpected(f.i) })) } }));
      if (r?.status === 200) for (const it of r.body.evaluationSetItems) items.add(it.id);
      else { unused.push(...batch); await sleep(50); }
    }
  })();
  const runMaker = (async () => {
    while (running) {
      await sleep(1000);
      if (items.size === 0 || runs.size >= MAX_RUNS) continue;
      const r = await quiet(srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } }));
      if (r?.status === 200) runs.add(r.body.id);
    }
  })();

  const restarts = [];
  for (let k = 0; k < KILLS; k++) {
    await sleep(400 + Math.floor(Math.random() * 2000));
    await srv.kill9();
    const t0 = Date.now();
    await srv.restart();
    restarts.push(Date.now() - t0);
    // Every acknowledged write survived.
    const fileIds = [...files.keys()], itemIds = [...items], runIds = [...runs];
    for (const id of fileIds) assert.equal((await srv.api('GET', `/files/${id}`)).status, 200, `kill ${k + 1}: file ${id} lost`);
    for (const id of itemIds) assert.equal((await srv.api('GET', `/evaluation_sets/${set.id}/items/${id}`)).status, 200, `kill ${k + 1}: item ${id} lost`);
    for (const id of runIds) assert.equal((await srv.api('GET', `/evaluation_set_runs/${id}`)).status, 200, `kill ${k + 1}: run ${id} lost`);
    const d = await doctor(srv);
    assert.equal(d.report?.checks.find((c) => c.name === 'integrity')?.status, 'ok', `kill ${k + 1}: ${JSON.stringify(d)}`);
    assert.equal(d.report?.checks.find((c) => c.name === 'missing_blobs')?.status, 'ok', `kill ${k + 1}: ${JSON.stringify(d)}`);
  }
  running = false;
  await Promise.all([uploader, itemMaker, runMaker]);
  assert.ok(runs.size >= 1, 'no run was created');

  // Every run completes, each item exactly once, and its event reaches the receiver.
  for (const id of runs) {
    const done = await waitForRun(srv.api, id, { timeoutMs: 120000 });
    assert.equal(done.status, 'PROCESSED', `run ${id}: ${done.status}`);
    const results = await allResults(srv.api, id);
    assert.equal(results.length, done.metrics.numFilesTotal);
    assert.equal(new Set(results.map((r) => r.evaluationSetItemId)).size, results.length, `run ${id}: an item twice`);
    assert.ok(results.every((r) => r.status === 'PROCESSED'), `run ${id}: ${JSON.stringify(results.find((r) => r.status !== 'PROCESSED'))}`);
    assert.equal(done.metrics.numFilesProcessed, done.metrics.numFilesTotal);
    assert.equal(done.metrics.accuracy, 1);
  }
  await waitUntil(() => {
    const delivered = new Set(rx.deliveries.filter((d) => d.accepted).map((d) => JSON.parse(d.body).payload.id));
    return [...runs].every((id) => delivered.has(id));
  }, { timeoutMs: 60000, what: 'every run event delivered' });
  // A kill between storing an upload's bytes and its file row leaves bytes no file
  // references: doctor may warn about orphans (PostgreSQL blob rows have no age to wait
  // for), but everything else must be ok.
  const final = await doctor(srv);
  for (const c of final.report.checks)
    assert.ok(c.status === 'ok' || (c.name === 'orphan_blobs' && c.status === 'warn'), JSON.stringify(c));
  t.diagnostic(`${KILLS} kills; restarts took ${restarts.join(', ')} ms; ${files.size} files, ${items.size} items, ${runs.size} runs acknowledged`);
  assert.deepEqual(srv.serverErrors(), []);
});
