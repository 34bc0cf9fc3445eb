// One backend's recovery measurement for bench/recovery/run.sh: an uninterrupted run (the
// peer) and the same run killed with SIGKILL at 50 % and restarted at once. Prints one
// line: both times-to-finish, their ratio, and the issue-16 target
// (interrupted <= 1.2 x peer + one lease period). Exits 1 if an item was lost or doubled.
// Usage: node recovery.mjs --bin B --items N --workers W --label L [--database URL] [--lease-ms MS]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from '../scale/server.mjs';
import { invoiceSchema, invoiceText, invoiceExpected } from '../../tests/integration/eval_fixtures.mjs';

const args = parseArgs();
const ITEMS = Number(args.items || 2000);
const WORKERS = Number(args.workers || 4);
const LEASE_MS = Number(args['lease-ms'] || 15000);
const DISTINCT_FILES = 20;
const ENGINE_MS = 50;

// The local engine: reads the invoice fields after 50 ms.
const engine = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => setTimeout(() => {
    const msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const text = msg.document.pages.map((p) => p.text).join('\n');
    const grab = (re) => (text.match(re) || [])[1] ?? null;
    const value = { invoice_number: grab(/Invoice No:\s*([A-Z0-9-]+)/), vendor: grab(/Vendor:\s*([^\n]+)/),
      total: Number(grab(/Total:\s*\$?([0-9.]+)/)), invoice_date: grab(/Date:\s*([0-9-]+)/) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value, metadata: {} }));
  }, ENGINE_MS));
});
await new Promise((r) => engine.listen(0, '127.0.0.1', r));
const engineUrl = `http://127.0.0.1:${engine.address().port}/process`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-recovery-'));
const env = { ...process.env };
delete env.GOLDSET_DATABASE;
const common = ['--data-dir', dataDir, ...(args.database ? ['--database', args.database] : [])];
const key = execFileSync(args.bin, ['keys', 'create', ...common], { env }).toString().trim();
let proc = null;
let url = null;

async function startServer(listen) {
  proc = spawn(args.bin, ['serve', '--listen', listen, '--no-access-log', '--workers', String(WORKERS),
    '--lease-ms', String(LEASE_MS), '--egress-allow', '127.0.0.1/32',
    '--rate-limit-get', '0', '--rate-limit-write', '0', '--rate-limit-run', '0', ...common], { stdio: ['ignore', 'pipe', 'ignore'], env });
  url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/Listening on (\S+)/); if (m) resolve(m[1]); });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

async function api(method, p, body) {
  const r = await fetch(url + p, {
    method, body: body ? JSON.stringify(body) : undefined,
    headers: { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09', 'content-type': 'application/json' } });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function upload(name, text) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  const r = await fetch(`${url}/files/upload`, { method: 'POST', body: form,
    headers: { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' } });
  if (r.status !== 200) throw new Error(`upload: ${r.status}`);
  return (await r.json()).id;
}

async function waitRun(id, until) {
  for (;;) {
    let run = null;
    try { run = await api('GET', `/evaluation_set_runs/${id}`); } catch { /* restarting */ }
    if (run && (until ? until(run) : ['PROCESSED', 'FAILED', 'CANCELLED'].includes(run.status))) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function results(id) {
  const out = [];
  let token;
  do {
    const q = `?maxPageSize=1000${token ? `&nextPageToken=${token}` : ''}`;
    const page = await api('GET', `/evaluation_set_runs/${id}/results${q}`);
    out.push(...page.data);
    token = page.nextPageToken;
  } while (token);
  return out;
}

try {
  await startServer('127.0.0.1:0');
  const port = new URL(url).port;
  const ex = await api('POST', '/extractors', { name: 'bench', config: { schema: invoiceSchema, engine: { type: 'http', url: engineUrl } } });
  const set = await api('POST', '/evaluation_sets', { name: 'recovery', description: '', entityId: ex.id });
  const fileIds = [];
  for (let i = 0; i < DISTINCT_FILES; i++) fileIds.push(await upload(`inv-${i}.txt`, invoiceText(i)));
  for (let start = 0; start < ITEMS; start += 100) {
    const items = [];
    for (let i = start; i < Math.min(ITEMS, start + 100); i++)
      items.push({ fileId: fileIds[i % DISTINCT_FILES], expectedOutput: invoiceExpected(i % DISTINCT_FILES) });
    await api('POST', `/evaluation_sets/${set.id}/items`, { items });
  }

  // The peer: uninterrupted.
  let t0 = Date.now();
  const peer = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
  await waitRun(peer.id);
  const peerMs = Date.now() - t0;

  // Interrupted at 50 %.
  t0 = Date.now();
  const run = await api('POST', '/evaluation_set_runs', { evaluationSetId: set.id });
  await waitRun(run.id, (r) => r.metrics.numFilesProcessed >= ITEMS / 2);
  proc.kill('SIGKILL');
  await new Promise((r) => proc.on('exit', r));
  const killedAt = Date.now() - t0;
  await startServer(`127.0.0.1:${port}`);
  const done = await waitRun(run.id);
  const interruptedMs = Date.now() - t0;

  const all = await results(run.id);
  const unique = new Set(all.map((r) => r.evaluationSetItemId)).size;
  const ok = done.status === 'PROCESSED' && all.length === ITEMS && unique === ITEMS &&
    all.every((r) => r.status === 'PROCESSED') && done.metrics.numFilesProcessed === ITEMS;
  const target = 1.2 * peerMs + LEASE_MS;
  console.log(`${args.label.padEnd(9)} uninterrupted ${(peerMs / 1000).toFixed(1)} s, killed at ${(killedAt / 1000).toFixed(1)} s ` +
    `and finished ${(interruptedMs / 1000).toFixed(1)} s (ratio ${(interruptedMs / peerMs).toFixed(2)}x; ` +
    `target <= 1.2x + ${LEASE_MS / 1000} s lease = ${(target / 1000).toFixed(1)} s: ${interruptedMs <= target ? 'met' : 'MISSED'}); ` +
    `every item once: ${ok ? 'yes' : `NO (${all.length} results, ${unique} unique)`}`);
  if (!ok) process.exitCode = 1;
} finally {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
  }
  engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
