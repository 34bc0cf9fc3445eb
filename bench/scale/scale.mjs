// bench/scale: item creation throughput, list latency at page 1 vs page 1,000, run
// creation over a large set, and the server's peak RSS — against one backend.
// Usage: node scale.mjs --bin build/goldset [--items 100000] [--database postgresql://...]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 100000);
const label = args.database ? 'postgresql' : 'sqlite';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-scale-'));
const common = ['--data-dir', dataDir, ...(args.database ? ['--database', args.database] : [])];
const key = execFileSync(bin, ['keys', 'create', ...common]).toString().trim();
const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--no-access-log', '--workers', String(args.workers || 0),
  '--rate-limit-get', '0', '--rate-limit-write', '0', '--rate-limit-run', '0', ...common], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  proc.stdout.on('data', (d) => { out += d; const m = out.match(/Listening on (\S+)/); if (m) resolve(m[1]); });
  proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});

let peakRss = 0;
const sampler = setInterval(() => {
  try {
    const m = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    peakRss = Math.max(peakRss, Number(m[1]) * 1024);
  } catch { /* exited */ }
}, 50);

const headers = { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09', 'content-type': 'application/json' };
async function api(method, p, body) {
  const r = await fetch(url + p, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

const form = new FormData();
form.append('file', new Blob(['Invoice No: INV-1\nTotal: $10.00\n']), 'inv.txt');
const file = await (await fetch(url + '/files/upload', { method: 'POST', headers: { authorization: headers.authorization, 'x-extend-api-version': '2026-02-09' }, body: form })).json();
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

// List latency: page 1 and page 1,000 (maxPageSize 100), median of 20 requests each.
async function median(fn, n = 20) {
  const xs = [];
  for (let i = 0; i < n; ++i) { const s = performance.now(); await fn(); xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(n / 2)];
}
let token = null;
const pageSize = 100;
const pages = Math.min(1000, Math.floor(total / pageSize));
for (let i = 1; i < pages; ++i) {
  const r = await api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
  token = r.nextPageToken;
}
const lastToken = token;
const page1 = await median(() => api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}`));
const pageN = await median(() => api('GET', `/evaluation_sets/${set.id}/items?maxPageSize=${pageSize}&nextPageToken=${encodeURIComponent(lastToken)}`));

// Run creation over every item (workers 0 keeps them idle so only creation is timed).
const r0 = performance.now();
const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
const runSecs = (performance.now() - r0) / 1000;

clearInterval(sampler);
proc.kill('SIGTERM');
await new Promise((r) => proc.on('exit', r));
fs.rmSync(dataDir, { recursive: true, force: true });

const result = {
  backend: label, items: total, itemsPerSec: Math.round(total / createSecs),
  listPage1Ms: Number(page1.toFixed(2)), listPage1000Ms: Number(pageN.toFixed(2)), listRatio: Number((pageN / page1).toFixed(2)),
  pagesWalked: pages, runCreateSecs: Number(runSecs.toFixed(2)), runItems: run.metrics.numFilesTotal,
  peakRssMB: Math.round(peakRss / 1048576),
};
console.log(JSON.stringify(result));
