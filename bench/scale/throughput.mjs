// bench/scale: run throughput — one server with N run workers processes an evaluation run
// of invoice TXT documents (extractor with the invoice schema, rules engine); prints items
// processed per second from run creation to PROCESSED, against one backend.
// Also the CPU spent per item meanwhile by the server (all its threads) and, given the
// cluster's --postmaster-pid, by the database (postmaster and backends): where a backend's
// time goes when two runs differ; and each CPU's busy share over the run (cpuBusy).
// Usage: node throughput.mjs --bin build/goldset --workers 4 [--items 2000]
//        [--database postgresql://... [--postmaster-pid PID]]

import { USER_HZ, cpuBusySampler, dbTicksSampler, parseArgs, seedInvoiceSet, startBenchServer, ticksOf } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const workers = Number(args.workers || 1);
const label = args.database ? 'postgresql' : 'sqlite';

const sampleDb = dbTicksSampler(args['postmaster-pid'] ? Number(args['postmaster-pid']) : null);

const { url, auth, api, pid, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers, prefix: 'goldset-tput-' });

const set = await seedInvoiceSet({ url, auth, api, total, wrong: (i) => (i % 7 === 0 ? ['vendor'] : []) });

const db0 = sampleDb();
const cpuBusy = cpuBusySampler();
const server0 = ticksOf(pid);
const t0 = performance.now();
const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
let r = run;
while (['PENDING', 'PROCESSING', 'CANCELLING'].includes(r.status)) {
  if (performance.now() - t0 > 600000) throw new Error(`run still ${r.status} after 600 s`);
  await new Promise((res) => setTimeout(res, 20));
  sampleDb();
  r = await api('GET', `/evaluation_set_runs/${run.id}`);
}
const secs = (performance.now() - t0) / 1000;
const db1 = sampleDb();
const busy = cpuBusy();
const serverCpuMs = (ticksOf(pid) - server0) * (1000 / USER_HZ);
const dbCpuMs = db0 === null ? null : (db1 - db0) * (1000 / USER_HZ);

await stop();
if (r.status !== 'PROCESSED' || r.metrics.numFilesProcessed !== total) throw new Error(`run ended ${r.status}: ${JSON.stringify(r.metrics)}`);
console.log(JSON.stringify({ backend: label, workers, runItems: total, runSecs: Number(secs.toFixed(2)),
  runItemsPerSec: Math.round(total / secs), peakRssMB: Math.round(peakRss() / 1048576),
  serverCpuMsPerItem: Number((serverCpuMs / total).toFixed(3)),
  dbCpuMsPerItem: dbCpuMs === null ? null : Number((dbCpuMs / total).toFixed(3)), cpuBusy: busy }));
