// What bench/scale's scripts share: their flags, a goldset server on a fresh data dir (rate
// limits off, access log off) with its peak RSS sampled every 50 ms, and a JSON API helper.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { invoiceSchema, invoiceText, invoiceExpected } from '../../tests/integration/eval_fixtures.mjs';

// --name value pairs -> {name: value}.
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(argv.reduce((acc, a, i, all) =>
    (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
}

// CPU ticks (user + system) of a process and its children that are still running.
export function ticksOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch { return 0; }
}
function childrenOf(ppid) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}
export const USER_HZ = 100;  // the unit of ticksOf on Linux
// The CPU ticks of a PostgreSQL cluster: sample() reads the postmaster's and its backends'
// ticks and returns their sum. Backends come and go, so each one's ticks are kept from its
// last sample: sample often enough (e.g. while polling) to see short-lived ones.
// Without a postmaster pid, sample() returns null.
export function dbTicksSampler(postmaster) {
  const ticks = new Map();
  return () => {
    if (!postmaster) return null;
    for (const pid of [postmaster, ...childrenOf(postmaster)]) ticks.set(pid, Math.max(ticks.get(pid) || 0, ticksOf(pid)));
    return [...ticks.values()].reduce((a, b) => a + b, 0);
  };
}

// Busy share of each CPU between two calls, from /proc/stat (idle and iowait count as
// idle): whether a run is bound by a core that is full or by waiting.
export function cpuBusySampler() {
  const read = () => fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l))
    .map((l) => { const v = l.trim().split(/\s+/).slice(1).map(Number); return { idle: v[3] + v[4], total: v.reduce((a, b) => a + b, 0) }; });
  let last = read();
  return () => {
    const now = read();
    const busy = now.map((c, i) => { const dt = c.total - last[i].total; return dt ? Number((1 - (c.idle - last[i].idle) / dt).toFixed(2)) : 0; });
    last = now;
    return busy;
  };
}

// Starts `bin serve` with `workers` run workers on SQLite in a new data dir, or on
// `database` when given (never on an inherited GOLDSET_DATABASE). Resolves
// {url, key, auth, api, peakRss(), stop()}; stop() also removes the data dir.
export async function startBenchServer({ bin, database, workers, prefix }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = { ...process.env };
  delete env.GOLDSET_DATABASE;
  const common = ['--data-dir', dataDir, ...(database ? ['--database', database] : [])];
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
  // JSON request; throws on any status but 200.
  async function api(method, p, body) {
    const r = await fetch(url + p, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const j = await r.json();
    if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  }
  async function stop() {
    clearInterval(sampler);
    proc.kill('SIGTERM');
    await new Promise((res) => proc.on('exit', res));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { url, key, auth, api, pid: proc.pid, peakRss: () => peakRss, stop };
}

// An extractor and an evaluation set of `total` invoice items over 20 uploaded invoices
// (item i expects invoice i % 20, with the fields `wrong(i)` names made wrong), added 100
// at a time. Resolves the set.
export async function seedInvoiceSet({ url, auth, api, total, wrong }) {
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
      items.push({ fileId: files[i % 20], expectedOutput: invoiceExpected(i % 20, wrong(i)) });
    await api('POST', `/evaluation_sets/${set.id}/items`, { items });
  }
  return set;
}

// An extractor and an evaluation set of `total` items naming one small uploaded file, added
// in batches of 100 with 4 requests in flight (bench/scale's creation measurement).
// Resolves {set, createSecs}: the time the items took.
export async function seedScaleSet({ url, auth, api, total }) {
  const form = new FormData();
  form.append('file', new Blob(['Invoice No: INV-1\nTotal: $10.00\n']), 'inv.txt');
  const file = await (await fetch(url + '/files/upload', { method: 'POST', headers: auth, body: form })).json();
  const ex = await api('POST', '/extractors', { name: 'scale', config: { schema: { type: 'object', properties: {
    invoice_number: { type: ['string', 'null'] }, total: { type: ['number', 'null'] } } } } });
  const set = await api('POST', '/evaluation_sets', { name: 'scale', entityId: ex.id });
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
  return { set, createSecs: (performance.now() - t0) / 1000 };
}

// The nextPageToken that lists page `page` of the set's items (pages of `pageSize`).
export async function walkToPage(api, setId, page, pageSize) {
  let token = null;
  for (let i = 1; i < page; ++i) {
    const r = await api('GET', `/evaluation_sets/${setId}/items?maxPageSize=${pageSize}${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
    token = r.nextPageToken;
  }
  return token;
}

// The milliseconds `fn` took to resolve.
export async function timed(fn) {
  const s = performance.now();
  await fn();
  return performance.now() - s;
}
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
