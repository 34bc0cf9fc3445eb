// bench/scale: run throughput — one server with N run workers processes an evaluation run
// of invoice TXT documents (extractor with the invoice schema, rules engine); prints items
// processed per second from run creation to PROCESSED, against one backend.
// Usage: node throughput.mjs --bin build/goldset --workers 4 [--items 2000] [--database postgresql://...]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invoiceSchema, invoiceText, invoiceExpected } from '../../tests/integration/eval_fixtures.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const bin = args.bin || 'build/goldset';
const total = Number(args.items || 2000);
const workers = Number(args.workers || 1);
const label = args.database ? 'postgresql' : 'sqlite';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-tput-'));
const env = { ...process.env };
delete env.GOLDSET_DATABASE;
const common = ['--data-dir', dataDir, ...(args.database ? ['--database', args.database] : [])];
const key = execFileSync(bin, ['keys', 'create', ...common], { env }).toString().trim();
const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--no-access-log', '--workers', String(workers),
  '--rate-limit-get', '0', '--rate-limit-write', '0', '--rate-limit-run', '0', ...common], { stdio: ['ignore', 'pipe', 'inherit'], env });
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

const auth = { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' };
async function api(method, p, body) {
  const r = await fetch(url + p, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

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

clearInterval(sampler);
proc.kill('SIGTERM');
await new Promise((res) => proc.on('exit', res));
fs.rmSync(dataDir, { recursive: true, force: true });
if (r.status !== 'PROCESSED' || r.metrics.numFilesProcessed !== total) throw new Error(`run ended ${r.status}: ${JSON.stringify(r.metrics)}`);
console.log(JSON.stringify({ backend: label, workers, runItems: total, runSecs: Number(secs.toFixed(2)),
  runItemsPerSec: Math.round(total / secs), peakRssMB: Math.round(peakRss / 1048576) }));
