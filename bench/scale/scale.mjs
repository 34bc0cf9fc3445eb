// bench/scale: item creation throughput, list latency at page 1 vs page 1,000, run
// creation over a large set, and the server's peak RSS — against one backend.
// Usage: node scale.mjs --bin build/goldset [--items 100000] [--database postgresql://...]
import { parseArgs, startBenchServer } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 100000);
const label = args.database ? 'postgresql' : 'sqlite';

const { url, auth, api, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers: args.workers || 0, prefix: 'goldset-scale-' });

const form = new FormData();
form.append('file', new Blob(['Invoice No: INV-1\nTotal: $10.00\n']), 'inv.txt');
const file = await (await fetch(url + '/files/upload', { method: 'POST', headers: auth, body: form })).json();
const ex = await api('POST', '/extractors', { name: 'scale', config: { schema: { type: 'object', properties: {
  invoice_number: { type: ['string', 'null'] }, total: { type: ['number', 'null'] } } } } });
const set = await api('POST', '/evaluation_sets', { name: 'scale', entityId: ex.id });

// Item creation: batches of 100, 4 requests in flight.
const batch = Array.from({ length: 100 }, (_, i) => ({ fileId: file.id, expectedOutput: { value: { invoice_number: `INV-${i}`, total: i } } }));
const t0 = performance.now();
let sent = 0;
async function lane() {
  while (sent < total) {
    const n = Math.min(100, total - sent);
    sent += n;
    await api('POST', `/evaluation_sets/${set.id}/items`, { items: batch.slice(0, n) });
  }
}
await Promise.all([lane(), lane(), lane(), lane()]);
const createSecs = (performance.now() - t0) / 1000;

// List latency: page 1 and page 1,000 (maxPageSize 100), median of 200 requests each, the
// two alternating so both see the same moments of a busy machine (20 sequential requests
// moved the PostgreSQL/SQLite ratio between 0.65x and 2.7x from one run to the next).
async function timed(fn) {
  const s = performance.now();
  await fn();
  return performance.now() - s;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let token = null;
const pageSize = 100;
const pages = Math.min(1000, Math.floor(total / pageSize));
for (let i = 1; i < pages; ++i) {
  const r = await api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
  token = r.nextPageToken;
}
const lastToken = token;
const firstTimes = [], lastTimes = [];
for (let i = 0; i < 200; ++i) {
  firstTimes.push(await timed(() => api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}`)));
  lastTimes.push(await timed(() => api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}&nextPageToken=${encodeURIComponent(lastToken)}`)));
}
const page1 = median(firstTimes);
const pageN = median(lastTimes);

// Run creation over every item (workers 0 keeps them idle so only creation is timed).
const r0 = performance.now();
const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
const runSecs = (performance.now() - r0) / 1000;

await stop();

const result = {
  backend: label, items: total, itemsPerSec: Math.round(total / createSecs),
  listPage1Ms: Number(page1.toFixed(2)), listPage1000Ms: Number(pageN.toFixed(2)), listRatio: Number((pageN / page1).toFixed(2)),
  pagesWalked: pages, runCreateSecs: Number(runSecs.toFixed(2)), runItems: run.metrics.numFilesTotal,
  peakRssMB: Math.round(peakRss() / 1048576),
};
console.log(JSON.stringify(result));
