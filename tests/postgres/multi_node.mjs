// Two `goldset serve` nodes (one worker each) and two `goldset worker` processes on one
// PostgreSQL database run batches of extract runs (one batch_processor_run event each) and
// a 2,000-item evaluation; once >= 200 items are done one worker
// and one API node are killed with SIGKILL. Through the surviving node: the run completes,
// every item appears exactly once (2,000 unique ids, all PROCESSED, numFilesProcessed
// 2,000), the work was spread over several worker threads, and the metrics equal those of
// the same set run on a single SQLite node.
// With --s3 1 every node and worker keeps file bytes in one S3 bucket (a local s3rver,
// tests/integration/s3_server.mjs) instead of the database: the blobs table stays empty
// and the bucket holds each distinct file once.
// Usage: node multi_node.mjs --bin build/goldset --database postgresql://…/db [--items N] [--s3 1]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invoiceSchema, invoiceText, invoiceExpected } from '../integration/eval_fixtures.mjs';
import { startReceiver, waitFor } from '../integration/webhook_receiver.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const bin = args.bin;
const pgUrl = args.database;
// psql takes the URL without Goldset's own parameters (goldset_statements).
const psqlUrl = (() => { const u = new URL(pgUrl); u.searchParams.delete('goldset_statements'); return u.toString(); })();
const ITEMS = Number(args.items || 2000);
const DISTINCT_FILES = 20;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-multi-'));
const procs = [];
const noLimits = ['--rate-limit-get', '0', '--rate-limit-write', '0', '--rate-limit-run', '0'];
const log = (m) => console.log(`multi_node: ${m}`);

function fail(msg) {
  console.error(`multi_node: FAIL: ${msg}`);
  for (const p of procs) {
    try { console.error(`--- ${p.name} stderr (tail)\n${fs.readFileSync(p.errPath, 'utf8').split('\n').slice(-15).join('\n')}`); } catch { /* none */ }
  }
  cleanup();
  process.exit(1);
}
let s3 = null;  // --s3: the shared bucket
function cleanup() {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
  if (s3) fs.rmSync(s3.directory, { recursive: true, force: true });
}
process.on('uncaughtException', (e) => fail(e.stack || String(e)));
process.on('unhandledRejection', (e) => fail(e?.stack || String(e)));

// The environment with `extra` applied; a key set to undefined is removed.
function envWith(extra) {
  const e = { ...process.env, ...extra };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

function start(name, argv, env = {}) {
  const errPath = path.join(work, `${name}.err`);
  const p = spawn(bin, argv, { stdio: ['ignore', 'pipe', fs.openSync(errPath, 'w')], env: envWith(env) });
  p.name = name;
  p.errPath = errPath;
  procs.push(p);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 20000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (\S+)/) || out.match(/Worker running/);
      if (m) { clearTimeout(timer); resolve(m[1] || null); }
    });
    p.on('exit', (c, s) => { clearTimeout(timer); reject(new Error(`${name} exited ${c ?? s}`)); });
  });
}

function client(url, key) {
  return async function api(method, p, body) {
    const r = await fetch(url + p, {
      method,
      headers: { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09', 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30000),
    });
    const j = await r.json();
    if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
}

async function upload(url, key, name, text) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  const r = await fetch(`${url}/files/upload`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' }, body: form,
    signal: AbortSignal.timeout(30000),
  });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`upload: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

// The same set on every backend: item i reads document i % 20; every 7th item expects a
// wrong vendor and every 11th a wrong total, so accuracy is below 1 in a known way.
async function seed(url, key) {
  const api = client(url, key);
  const ex = await api('POST', '/extractors', { name: 'Invoice extractor', config: { schema: invoiceSchema } });
  const set = await api('POST', '/evaluation_sets', { name: 'Invoices x2000', description: 'multi-node', entityId: ex.id });
  const files = [];
  for (let f = 0; f < DISTINCT_FILES; ++f) files.push((await upload(url, key, `invoice-${f}.txt`, invoiceText(f))).id);
  for (let start = 0; start < ITEMS; start += 100) {
    const items = [];
    for (let i = start; i < Math.min(ITEMS, start + 100); ++i) {
      const wrong = [...(i % 7 === 0 ? ['vendor'] : []), ...(i % 11 === 0 ? ['total'] : [])];
      items.push({ fileId: files[i % DISTINCT_FILES], expectedOutput: invoiceExpected(i % DISTINCT_FILES, wrong) });
    }
    await api('POST', `/evaluation_sets/${set.id}/items`, { items });
  }
  return set.id;
}

async function waitDone(api, runId, timeoutMs, onProgress) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api('GET', `/evaluation_set_runs/${runId}`);
    if (onProgress) await onProgress(run);
    if (!['PENDING', 'PROCESSING', 'CANCELLING'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms: ${JSON.stringify(run.metrics)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function allResults(api, runId) {
  const out = [];
  let token;
  do {
    const r = await api('GET', `/evaluation_set_runs/${runId}/results?maxPageSize=1000${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
    out.push(...r.data);
    token = r.nextPageToken;
  } while (token);
  return out;
}

function sameNumbers(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => sameNumbers(a[k], b[k]));
}

// --- PostgreSQL: 2 API nodes + 2 worker processes.
const pgEnv = { GOLDSET_DATABASE: pgUrl };
let blobArgs = [];
if (args.s3) {
  const { startS3, S3_ENV } = await import('../integration/s3_server.mjs');
  s3 = await startS3();
  blobArgs = ['--blob-store', s3.blobStore('multi')];
  Object.assign(pgEnv, S3_ENV);
  log(`file bytes in the S3 bucket at ${s3.endpoint}`);
}
const key = execFileSync(bin, ['keys', 'create', '--data-dir', path.join(work, 'cli')], { env: envWith(pgEnv) }).toString().trim();
const nodeArgs = (n) => ['serve', '--listen', '127.0.0.1:0', '--data-dir', path.join(work, n), '--no-access-log', '--workers', '1',
  '--item-timeout-ms', '3000', '--lease-ms', '3000', '--egress-allow', '127.0.0.1/32', '--webhook-workers', '4', ...noLimits, ...blobArgs];
const workerArgs = (n) => ['worker', '--data-dir', path.join(work, n), '--workers', '2', '--item-timeout-ms', '3000', '--lease-ms', '3000',
  ...blobArgs];
const [urlA, urlB] = await Promise.all([start('serve-a', nodeArgs('a'), pgEnv), start('serve-b', nodeArgs('b'), pgEnv)]);
await Promise.all([start('worker-1', workerArgs('w1'), pgEnv), start('worker-2', workerArgs('w2'), pgEnv)]);
const [nodeA, , worker1] = procs;
const apiA = client(urlA, key), apiB = client(urlB, key);

// Webhooks: both nodes dispatch from the shared outbox; each event arrives exactly once
// (the receiver always answers 200, so a duplicate could only come from two nodes
// claiming the same delivery).
const EVENTS = 300;  // test events (POST /webhook_endpoints/{id}/test), half through each node
const rx = await startReceiver();
const hook = await apiA('POST', '/webhook_endpoints', { url: rx.url, name: 'multi-node', enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' });
let made = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (made < EVENTS) {
    const n = made++;
    await (n % 2 ? apiB : apiA)('POST', `/webhook_endpoints/${hook.id}/test`, {});
  }
}));
let last = -1;
await waitFor(() => { const settled = rx.deliveries.length >= EVENTS && rx.deliveries.length === last; last = rx.deliveries.length; return settled; },
  { timeoutMs: 60000, intervalMs: 1000 });
const eventIds = rx.deliveries.map((d) => JSON.parse(d.body).eventId);
if (new Set(eventIds).size !== EVENTS) fail(`webhooks: ${new Set(eventIds).size} distinct events delivered, expected ${EVENTS}`);
if (eventIds.length !== EVENTS) fail(`webhooks: ${eventIds.length - EVENTS} duplicate deliveries across nodes`);
await rx.close();
log(`${EVENTS} webhook test events created through both nodes, each delivered exactly once`);

// Batches of extract runs, created through both nodes and worked by every process: each
// batch sends batch_processor_run.processed exactly once, however many processes ended
// its runs at the same moment (the decision is taken under the batch row's lock).
const BATCHES = 20, RUNS_PER_BATCH = 5;
const brx = await startReceiver();
await apiA('POST', '/webhook_endpoints', { url: brx.url, name: 'batches', enabledEvents: ['batch_processor_run.processed', 'batch_processor_run.failed'], apiVersion: '2026-02-09' });
const batchEx = await apiA('POST', '/extractors', { name: 'Batch extractor', config: { schema: invoiceSchema } });
const batchIds = await Promise.all(Array.from({ length: BATCHES }, async (_, b) => (await (b % 2 ? apiB : apiA)('POST', '/extract_runs/batch', {
  extractor: { id: batchEx.id },
  inputs: Array.from({ length: RUNS_PER_BATCH }, (__, i) => ({ file: { text: invoiceText((b * RUNS_PER_BATCH + i) % DISTINCT_FILES), name: `b${b}-${i}.txt` } })),
})).id));
await waitFor(async () => (await Promise.all(batchIds.map((id) => apiB('GET', `/batch_runs/${id}`)))).every((b) => b.status === 'PROCESSED'),
  { timeoutMs: 120000, intervalMs: 200 }) || fail('batches did not all end PROCESSED');
last = -1;
await waitFor(() => { const settled = brx.deliveries.length >= BATCHES && brx.deliveries.length === last; last = brx.deliveries.length; return settled; },
  { timeoutMs: 60000, intervalMs: 1000 });
const batchEvents = brx.deliveries.map((d) => JSON.parse(d.body));
const perBatch = new Map(batchIds.map((id) => [id, 0]));
for (const e of batchEvents) {
  if (e.eventType !== 'batch_processor_run.processed' || e.payload.runCount !== RUNS_PER_BATCH || e.payload.status !== 'PROCESSED')
    fail(`unexpected batch event ${JSON.stringify(e)}`);
  perBatch.set(e.payload.id, (perBatch.get(e.payload.id) ?? 0) + 1);
}
const wrong = [...perBatch].filter(([, n]) => n !== 1);
if (wrong.length) fail(`batch events per batch, expected 1 each: ${JSON.stringify(wrong)}`);
await brx.close();
const batchWorkers = execFileSync('psql', ['-X', '-qtA', psqlUrl, '-c',
  "SELECT COUNT(DISTINCT regexp_replace(lease_owner, '/w[0-9]+:.*$', '')) FROM processor_runs WHERE batch_id IS NOT NULL"]).toString().trim();
log(`${BATCHES} batches of ${RUNS_PER_BATCH} runs through both nodes (worked by ${batchWorkers} processes): one batch_processor_run.processed each`);

const setId = await seed(urlA, key);
log(`seeded ${ITEMS} items through node A`);
const run = await apiA('POST', '/evaluation_set_runs', { evaluationSetId: setId });
let killedAt = null;
const t0 = Date.now();
// Progress read from the database itself: the API's live metrics are cached for up to a
// second, longer than a batched 2,000-item run may take.
const doneInDb = () => Number(execFileSync('psql', ['-X', '-qtA', psqlUrl, '-c',
  `SELECT COUNT(*) FROM evaluation_run_items WHERE run_id = '${run.id}' AND status = 'PROCESSED'`]).toString().trim());
const finished = await waitDone(apiB, run.id, 180000, async () => {
  if (killedAt !== null) return;
  const done = doneInDb();
  if (done >= 200) {
    killedAt = done;
    worker1.kill('SIGKILL');
    nodeA.kill('SIGKILL');
    log(`killed worker-1 and serve-a (SIGKILL) at ${done}/${ITEMS} items done`);
  }
});
log(`run ${finished.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (killedAt === null) fail('the run finished before 200 items were done; nothing was killed mid-run');
if (killedAt >= ITEMS) fail(`kill happened after the run was done (${killedAt})`);
if (finished.status !== 'PROCESSED') fail(`run status ${finished.status}`);
if (finished.metrics.numFilesProcessed !== ITEMS) fail(`numFilesProcessed ${finished.metrics.numFilesProcessed}`);
const results = await allResults(apiB, run.id);
const ids = new Set(results.map((r) => r.evaluationSetItemId));
if (results.length !== ITEMS || ids.size !== ITEMS) fail(`results: ${results.length} rows, ${ids.size} unique item ids`);
const notProcessed = results.filter((r) => r.status !== 'PROCESSED');
if (notProcessed.length) fail(`${notProcessed.length} results not PROCESSED, e.g. ${JSON.stringify(notProcessed[0])}`);
const reclaimed = results.filter((r) => r.attempts > 1).length;
const owners = execFileSync('psql', ['-X', '-qtA', psqlUrl, '-c',
  `SELECT COUNT(DISTINCT split_part(lease_owner, ':', 1)) FROM evaluation_run_items WHERE run_id = '${run.id}'`]).toString().trim();
if (Number(owners) < 3) fail(`work was done by only ${owners} worker threads`);
log(`${ITEMS} unique items PROCESSED; ${reclaimed} reclaimed after the kill; ${owners} worker threads did the work`);
if (s3) {
  const rows = execFileSync('psql', ['-X', '-qtA', pgUrl, '-c', 'SELECT COUNT(*) FROM blobs']).toString().trim();
  if (rows !== '0') fail(`${rows} blob rows in PostgreSQL although the bytes belong in S3`);
  const objects = s3.objects('multi');
  if (objects.length !== DISTINCT_FILES) fail(`${objects.length} objects in the bucket, expected ${DISTINCT_FILES}`);
  log(`the bucket holds the ${DISTINCT_FILES} distinct files once each; no blob rows in PostgreSQL`);
}

// --- SQLite: the same seed on one node.
const sqliteDir = path.join(work, 'sqlite');
const sqliteEnv = { GOLDSET_DATABASE: undefined };
const sqliteKey = execFileSync(bin, ['keys', 'create', '--data-dir', sqliteDir], { env: envWith(sqliteEnv) }).toString().trim();
const urlS = await start('serve-sqlite', ['serve', '--listen', '127.0.0.1:0', '--data-dir', sqliteDir, '--no-access-log',
  '--workers', '2', ...noLimits], sqliteEnv);
const apiS = client(urlS, sqliteKey);
const sqliteRun = await apiS('POST', '/evaluation_set_runs', { evaluationSetId: await seed(urlS, sqliteKey) });
const ref = await waitDone(apiS, sqliteRun.id, 180000);
if (ref.status !== 'PROCESSED') fail(`SQLite run status ${ref.status}`);
if (!sameNumbers(finished.metrics.accuracy, ref.metrics.accuracy))
  fail(`accuracy differs: postgres ${finished.metrics.accuracy}, sqlite ${ref.metrics.accuracy}`);
if (!sameNumbers(finished.metrics.fieldMetrics, ref.metrics.fieldMetrics))
  fail(`fieldMetrics differ:\n  postgres ${JSON.stringify(finished.metrics.fieldMetrics)}\n  sqlite   ${JSON.stringify(ref.metrics.fieldMetrics)}`);
if (!(ref.metrics.accuracy > 0 && ref.metrics.accuracy < 1)) fail(`reference accuracy ${ref.metrics.accuracy} is not strictly between 0 and 1`);
log(`metrics equal the single-node SQLite run (accuracy ${finished.metrics.accuracy})`);
cleanup();
log('ok');
process.exit(0);
