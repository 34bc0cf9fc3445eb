// PostgreSQL outages in the middle of a run (issue 16): the server's backends are killed
// with pg_terminate_backend, then PostgreSQL is stopped and started again. During the
// outage API requests answer 503 with retryable: true quickly (no hang, no crash, no
// 500); the pools reconnect; the run completes with every item once and the same
// metrics as an uninterrupted run.
// Run by tests/postgres/outage.sh, which provides GOLDSET_DATABASE (a cluster of its own)
// and GOLDSET_PG_CLUSTER (its directory, for scripts/pg-cluster.sh halt/resume).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, sleep, REPO_ROOT } from '../integration/harness.mjs';
import { databaseEnv } from '../integration/pg.mjs';
import { seedInvoiceSet, waitForRun, allResults } from '../integration/eval_fixtures.mjs';
import { startEngineStub, waitUntil } from '../integration/engine_stub.mjs';

const cluster = process.env.GOLDSET_PG_CLUSTER;

function pgCluster(verb) {
  execFileSync(`${REPO_ROOT}/scripts/pg-cluster.sh`, [verb, cluster], { stdio: 'pipe', timeout: 60000 });
}

async function timed(fn) {
  const t0 = Date.now();
  const r = await fn();
  return { r, ms: Date.now() - t0 };
}

test('PostgreSQL killed and restarted mid-run: 503 retryable during the outage, then the run completes exactly', { timeout: 300000, skip: !cluster && 'needs GOLDSET_PG_CLUSTER (tests/postgres/outage.sh)' }, async (t) => {
  const engine = await startEngineStub(() => ({ delayMs: 20 }));
  t.after(() => engine.close());
  const srv = await startServer({ t, args: ['--workers', '2', '--rate-limit-get', '0', '--rate-limit-write', '0'] });
  const n = 300;
  const wrong = (i) => (i % 7 === 0 ? ['vendor'] : []);
  const seeded = await seedInvoiceSet(srv, n, { engine: { type: 'http', url: engine.url }, wrong });
  const run = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;

  // 1. Every backend of the server killed.
  await waitForRun(srv.api, run.id, { until: (r) => r.metrics.numFilesProcessed >= 40 });
  const url = databaseEnv(srv.dataDir).GOLDSET_DATABASE;
  const killed = execFileSync('psql', ['-X', '-qtA', url, '-c',
    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'goldset' AND pid <> pg_backend_pid()"],
  { encoding: 'utf8', timeout: 30000 }).trim();
  t.diagnostic(`terminated ${killed} backends`);
  assert.ok(Number(killed) >= 1);
  const afterKill = await waitUntil(async () => {
    const r = await srv.api('GET', `/evaluation_set_runs/${run.id}`);
    return r.status === 200 ? r : null;
  }, { timeoutMs: 10000, what: 'the API to reconnect' });
  assert.equal(afterKill.status, 200);

  // 2. PostgreSQL down for a few seconds.
  await waitForRun(srv.api, run.id, { until: (r) => r.metrics.numFilesProcessed >= 120 });
  pgCluster('halt');
  const during = [];
  try {
    for (const [method, path, body] of [
      ['GET', `/evaluation_set_runs/${run.id}`], ['GET', '/files'],
      ['POST', '/evaluation_sets', { name: 'during outage', description: '', entityId: seeded.extractor.id }],
      ['GET', `/evaluation_set_runs/${run.id}/results`]]) {
      const { r, ms } = await timed(() => srv.api(method, path, { body, timeoutMs: 30000 }));
      during.push({ path, status: r.status, retryable: r.body?.retryable, ms });
    }
    const ready = await timed(() => fetch(`${srv.url}/readyz`));
    during.push({ path: '/readyz', status: ready.r.status, ms: ready.ms });
    const live = await fetch(`${srv.url}/healthz`);
    assert.equal(live.status, 200, 'the process stays up');
    await sleep(4000);  // workers and lease renewals meet the outage too
    const still = await srv.api('GET', `/evaluation_set_runs/${run.id}`);
    during.push({ path: 'after 4 s', status: still.status, retryable: still.body?.retryable, ms: 0 });
  } finally {
    pgCluster('resume');
  }
  t.diagnostic(`during the outage: ${JSON.stringify(during)}`);
  for (const d of during) {
    assert.equal(d.status, 503, `${d.path}: ${d.status}`);
    if (d.retryable !== undefined) assert.equal(d.retryable, true, d.path);
    assert.ok(d.ms < 12000, `${d.path} took ${d.ms} ms to answer during the outage`);
  }

  // 3. Reconnected: the run completes, every item exactly once.
  const done = await waitForRun(srv.api, run.id, { timeoutMs: 180000 });
  assert.equal(done.status, 'PROCESSED');
  const results = await allResults(srv.api, run.id);
  assert.equal(results.length, n);
  assert.equal(new Set(results.map((r) => r.evaluationSetItemId)).size, n);
  assert.ok(results.every((r) => r.status === 'PROCESSED'));
  assert.equal(done.metrics.numFilesProcessed, n);
  // Exact metrics: the same as an uninterrupted run of the same set.
  const clean = (await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } })).body;
  const cleanDone = await waitForRun(srv.api, clean.id, { timeoutMs: 180000 });
  assert.equal(done.metrics.accuracy, cleanDone.metrics.accuracy);
  assert.deepEqual(done.metrics.fieldMetrics, cleanDone.metrics.fieldMetrics);
  assert.deepEqual(srv.serverErrors().filter((l) => l.status !== 503), [], 'only 503s, no 500s');
});
