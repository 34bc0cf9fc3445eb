// bench/scale: run throughput — one server with N run workers processes an evaluation run
// of invoice TXT documents (extractor with the invoice schema, rules engine); prints items
// processed per second from run creation to PROCESSED, against one backend.
// Usage: node throughput.mjs --bin build/goldset --workers 4 [--items 2000] [--database postgresql://...]

import { parseArgs, seedInvoiceSet, startBenchServer } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const workers = Number(args.workers || 1);
const label = args.database ? 'postgresql' : 'sqlite';

const { url, auth, api, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers, prefix: 'goldset-tput-' });

const set = await seedInvoiceSet({ url, auth, api, total, wrong: (i) => (i % 7 === 0 ? ['vendor'] : []) });

const t0 = performance.now();
const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
let r = run;
while (['PENDING', 'PROCESSING', 'CANCELLING'].includes(r.status)) {
  if (performance.now() - t0 > 600000) throw new Error(`run still ${r.status} after 600 s`);
  await new Promise((res) => setTimeout(res, 20));
  r = await api('GET', `/evaluation_set_runs/${run.id}`);
}
const secs = (performance.now() - t0) / 1000;

await stop();
if (r.status !== 'PROCESSED' || r.metrics.numFilesProcessed !== total) throw new Error(`run ended ${r.status}: ${JSON.stringify(r.metrics)}`);
console.log(JSON.stringify({ backend: label, workers, runItems: total, runSecs: Number(secs.toFixed(2)),
  runItemsPerSec: Math.round(total / secs), peakRssMB: Math.round(peakRss() / 1048576) }));
