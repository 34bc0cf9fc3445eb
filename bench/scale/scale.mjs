// bench/scale: item creation throughput, list latency at page 1 vs page 1,000, run
// creation over a large set, and the server's peak RSS — against one backend.
// Usage: node scale.mjs --bin build/goldset [--items 100000] [--database postgresql://...]
import { median, parseArgs, seedScaleSet, startBenchServer, timed, walkToPage } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 100000);
const label = args.database ? 'postgresql' : 'sqlite';

const { url, auth, api, peakRss, stop } = await startBenchServer({
  bin, database: args.database, workers: args.workers || 0, prefix: 'goldset-scale-' });

const { set, createSecs } = await seedScaleSet({ url, auth, api, total });

// List latency: page 1 and page 1,000 (maxPageSize 100), median of 200 requests each, the
// two alternating so both see the same moments of a busy machine (20 sequential requests
// moved the PostgreSQL/SQLite ratio between 0.65x and 2.7x from one run to the next).
const pageSize = 100;
const pages = Math.min(1000, Math.floor(total / pageSize));
const lastToken = await walkToPage(api, set.id, pages, pageSize);
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
