// bench/scale: run throughput — one server with N run workers processes an evaluation run
// of invoice TXT documents (extractor with the invoice schema, rules engine); prints items
// processed per second from run creation to PROCESSED, against one backend.
// Also the CPU spent per item meanwhile by the server (all its threads) and, given the
// cluster's --postmaster-pid, by the database (postmaster and backends): where a backend's
// time goes when two runs differ.
// Usage: node throughput.mjs --bin build/goldset --workers 4 [--items 2000]
//        [--database postgresql://... [--postmaster-pid PID]]

import { childrenOf, parseArgs, seedInvoiceSet, startBenchServer, ticksOf } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const workers = Number(args.workers || 1);
const label = args.database ? 'postgresql' : 'sqlite';

const postmaster = args['postmaster-pid'] ? Number(args['postmaster-pid']) : null;
const tick = 100;  // USER_HZ on Linux

const { url, auth, api, pid, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers, prefix: 'goldset-tput-' });

const set = await seedInvoiceSet({ url, auth, api, total, wrong: (i) => (i % 7 === 0 ? ['vendor'] : []) });

// Backends come and go: each one's ticks are kept from its last sample.
const dbTicks = new Map();
function sampleDb() {
  if (!postmaster) return;
  for (const p of [postmaster, ...childrenOf(postmaster)]) dbTicks.set(p, Math.max(dbTicks.get(p) || 0, ticksOf(p)));
}
const sumDb = () => [...dbTicks.values()].reduce((a, b) => a + b, 0);
sampleDb();
const db0 = sumDb();
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
sampleDb();
const serverCpuMs = (ticksOf(pid) - server0) * (1000 / tick);
const dbCpuMs = postmaster ? (sumDb() - db0) * (1000 / tick) : null;

await stop();
if (r.status !== 'PROCESSED' || r.metrics.numFilesProcessed !== total) throw new Error(`run ended ${r.status}: ${JSON.stringify(r.metrics)}`);
console.log(JSON.stringify({ backend: label, workers, runItems: total, runSecs: Number(secs.toFixed(2)),
  runItemsPerSec: Math.round(total / secs), peakRssMB: Math.round(peakRss() / 1048576),
  serverCpuMsPerItem: Number((serverCpuMs / total).toFixed(3)),
  dbCpuMsPerItem: dbCpuMs === null ? null : Number((dbCpuMs / total).toFixed(3)) }));
