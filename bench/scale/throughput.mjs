// bench/scale: run throughput — one server with N run workers processes an evaluation run
// of invoice TXT documents (extractor with the invoice schema, rules engine); prints items
// processed per second from run creation to PROCESSED, against one backend.
// Usage: node throughput.mjs --bin build/goldset --workers 4 [--items 2000] [--database postgresql://...]
import { invoiceSchema, invoiceText, invoiceExpected } from '../../tests/integration/eval_fixtures.mjs';

import { parseArgs, startBenchServer } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const workers = Number(args.workers || 1);
const label = args.database ? 'postgresql' : 'sqlite';

const { url, auth, api, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers, prefix: 'goldset-tput-' });

const ex = await api('POST', '/extractors', { name: 'bench', config: { schema: invoiceSchema } });
const set = await api('POST', '/evaluation_sets', { name: 'bench', entityId: ex.id });
const files = [];
for (let f = 0; f < 20; ++f) {
  const form = new FormData();
  form.append('file', new Blob([invoiceText(f)], { type: 'text/plain' }), `invoice-${f}.txt`);
  files.push((await (await fetch(url + '/files/upload', { method: 'POST', headers: auth, body: form })).json()).id);
}
for (let start = 0; start < total; start += 100) {
  const items = [];
  for (let i = start; i < Math.min(total, start + 100); ++i)
    items.push({ fileId: files[i % 20], expectedOutput: invoiceExpected(i % 20, i % 7 === 0 ? ['vendor'] : []) });
  await api('POST', `/evaluation_sets/${set.id}/items`, { items });
}

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
