// bench/scale: scale-out on one PostgreSQL — N `goldset worker` processes (one worker
// thread each) and one API node (no workers) process an evaluation run of invoice TXT
// items; prints items/s and the CPU the database used meanwhile: its cores (CPU seconds
// per second) and its share of all CPU time the machine spent, so the single-database
// ceiling is known. Also the database's statements and round trips per item (from
// pg_stat_database: commits; from pg_stat_statements when loaded: calls).
// Usage: node processes.mjs --bin build/goldset --database postgresql://…/db --processes 4
//        [--items 2000] [--postmaster-pid PID]
// --postmaster-pid: the cluster's postmaster, whose children are the database's CPU
// (bench/scale/run-processes.sh passes it); without it the CPU columns are null.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { USER_HZ, dbTicksSampler, parseArgs, seedInvoiceSet, startBenchServer } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const n = Number(args.processes || 1);
const database = args.database;
if (!database) throw new Error('--database is required');
const postmaster = args['postmaster-pid'] ? Number(args['postmaster-pid']) : null;
const sampleDb = dbTicksSampler(postmaster);
function machineTicks() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { busy: cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7], all: cpu.reduce((a, b) => a + b, 0) };
}

const { url, auth, api, stop } = await startBenchServer({ bin, database, workers: 0, prefix: 'goldset-procs-' });
const set = await seedInvoiceSet({ url, auth, api, total, wrong: () => [] });

// The workers, started and idle before the run exists.
const env = { ...process.env };
delete env.GOLDSET_DATABASE;
const workers = [];
const dirs = [];
for (let i = 0; i < n; ++i) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-procs-w-'));
  dirs.push(dir);
  const p = spawn(bin, ['worker', '--database', database, '--data-dir', dir, '--workers', '1'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d) => { out += d; if (out.includes('Worker running')) resolve(); });
    p.on('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });
  workers.push(p);
}

// The database's own counters: transactions and rows written (pg_stat_database), and
// statements (pg_stat_statements, when the cluster loads it), each counted by the server.
const dbName = new URL(database).pathname.slice(1);
const psql = (sql) => execFileSync('psql', ['-X', '-A', '-t', '-q', database, '-c', sql]).toString().trim();
function dbCounters() {
  psql('SELECT pg_stat_clear_snapshot()');
  const [xacts, written] = psql(`SELECT xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '${dbName}'`).split('|').map(Number);
  let calls = null;
  try {
    calls = Number(psql(`SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '${dbName}'`));
  } catch { /* pg_stat_statements not loaded */ }
  return { xacts, written, calls };
}
try { psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'); } catch { /* not available */ }
await new Promise((res) => setTimeout(res, 600));  // pg_stat_database lags up to 500 ms
const c0 = dbCounters();
const db0 = sampleDb();
const m0 = machineTicks();
const t0 = performance.now();
const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
let r = run;
while (['PENDING', 'PROCESSING', 'CANCELLING'].includes(r.status)) {
  if (performance.now() - t0 > 600000) throw new Error(`run still ${r.status} after 600 s`);
  await new Promise((res) => setTimeout(res, 50));
  sampleDb();
  r = await api('GET', `/evaluation_set_runs/${run.id}`);
}
const secs = (performance.now() - t0) / 1000;
const db1 = sampleDb();
const m1 = machineTicks();
await new Promise((res) => setTimeout(res, 600));
const c1 = dbCounters();

for (const p of workers) p.kill('SIGTERM');
await Promise.all(workers.map((p) => new Promise((res) => (p.exitCode !== null ? res() : p.on('exit', res)))));
await stop();
for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
if (r.status !== 'PROCESSED' || r.metrics.numFilesProcessed !== total) throw new Error(`run ended ${r.status}: ${JSON.stringify(r.metrics)}`);

const dbCpuSecs = postmaster ? (db1 - db0) / USER_HZ : null;
console.log(JSON.stringify({
  processes: n, runItems: total, runSecs: Number(secs.toFixed(2)), runItemsPerSec: Math.round(total / secs),
  dbCores: dbCpuSecs === null ? null : Number((dbCpuSecs / secs).toFixed(2)),
  dbShareOfBusyCpu: dbCpuSecs === null ? null : Number(((db1 - db0) / Math.max(1, m1.busy - m0.busy)).toFixed(2)),
  dbCpuMsPerItem: dbCpuSecs === null ? null : Number((dbCpuSecs * 1000 / total).toFixed(3)),
  machineBusyCores: Number(((m1.busy - m0.busy) / USER_HZ / secs).toFixed(2)),
  // Per item, everything the database saw meanwhile (the poller's reads included).
  transactionsPerItem: Number(((c1.xacts - c0.xacts) / total).toFixed(2)),
  statementsPerItem: c0.calls === null ? null : Number(((c1.calls - c0.calls) / total).toFixed(2)),
  rowsWrittenPerItem: Number(((c1.written - c0.written) / total).toFixed(2)),
}));
