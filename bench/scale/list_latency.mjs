// bench/scale: list latency on SQLite and PostgreSQL side by side. Both servers run at once
// with the same set (GOLDSET_BENCH_ITEMS items, default 100,000), and page 1 and page 1,000
// are requested from each in turn, 200 times, so every median of the four is taken over the
// same moments of the machine. Measured one backend after the other, a busy 2-core machine
// moved the PostgreSQL/SQLite ratio of the same build between 0.8x and 1.8x from run to run.
// Usage: node list_latency.mjs --bin build/goldset --database postgresql://... [--items 100000]
import { median, parseArgs, seedScaleSet, startBenchServer, timed, walkToPage } from './server.mjs';

const args = parseArgs();
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 100000);
const rounds = Number(args.requests || 200);
if (!args.database) throw new Error('list_latency.mjs: --database is required');

const pageSize = 100;
const pages = Math.min(1000, Math.floor(total / pageSize));
const backends = [];
for (const database of [undefined, args.database]) {
  const server = await startBenchServer({ bin, database, workers: 0, prefix: 'goldset-list-' });
  const { set } = await seedScaleSet({ ...server, total });
  const lastToken = await walkToPage(server.api, set.id, pages, pageSize);
  const path = `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}`;
  backends.push({ label: database ? 'postgresql' : 'sqlite', server, first: path,
    last: `${path}&nextPageToken=${encodeURIComponent(lastToken)}`, firstTimes: [], lastTimes: [] });
}
// Each round visits the four (backend, page) pairs, starting one further on each time.
const visits = backends.flatMap((b) => [[b, 'first'], [b, 'last']]);
for (let i = 0; i < rounds; ++i) {
  for (let k = 0; k < visits.length; ++k) {
    const [b, which] = visits[(i + k) % visits.length];
    b[`${which}Times`].push(await timed(() => b.server.api('GET', b[which])));
  }
}
for (const b of backends) await b.server.stop();

const out = { items: total, pagesWalked: pages, requests: rounds };
for (const b of backends)
  out[b.label] = { listPage1Ms: Number(median(b.firstTimes).toFixed(2)), listPage1000Ms: Number(median(b.lastTimes).toFixed(2)) };
console.log(JSON.stringify(out));
