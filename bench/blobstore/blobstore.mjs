// bench/blobstore: upload and download throughput of the S3 blob store (a local s3rver,
// --blob-store s3://…) against the local blob store (the peer: files under the data dir),
// through the real API: POST /files/upload, then GET of each file's presigned URL.
// Prints MB/s for both stores and the ratio S3 / local, and the server's peak RSS.
// Usage: node blobstore.mjs --bin B [--files N] [--mb M] [--big-mb M] [--concurrency C]
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../scale/server.mjs';

const args = parseArgs();
const FILES = Number(args.files || 16);
const MB = Number(args.mb || 4);
const BIG_MB = Number(args['big-mb'] || 64);  // one file above the multipart threshold
const CONCURRENCY = Number(args.concurrency || 4);
const here = path.dirname(fileURLToPath(import.meta.url));
const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

async function startServer(extra, env) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-bench-blob-'));
  const fullEnv = { ...process.env, ...env };
  delete fullEnv.GOLDSET_DATABASE;
  const key = execFileSync(args.bin, ['keys', 'create', '--data-dir', dataDir], { env: fullEnv }).toString().trim();
  const proc = spawn(args.bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--no-access-log',
    '--rate-limit-get', '0', '--rate-limit-write', '0', '--max-upload-mb', String(BIG_MB + 8), ...extra],
  { stdio: ['ignore', 'pipe', 'ignore'], env: fullEnv });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/Listening on (\S+)/); if (m) resolve(m[1]); });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch { /* exited */ }
  }, 50);
  return {
    url, key,
    peakMb: () => peak,
    async stop() {
      clearInterval(timer);
      proc.kill('SIGTERM');
      await new Promise((r) => proc.on('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function pool(tasks, n) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

async function measure(label, srv, contents) {
  const headers = { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09' };
  const ids = new Array(contents.length);
  const total = contents.reduce((a, c) => a + c.length, 0) / 1e6;
  let t0 = performance.now();
  await pool(contents.map((c, i) => async () => {
    const form = new FormData();
    form.append('file', new Blob([c], { type: 'application/octet-stream' }), `f${i}.bin`);
    const r = await fetch(`${srv.url}/files/upload`, { method: 'POST', headers, body: form });
    const j = await r.json();
    if (r.status !== 200) throw new Error(`${label} upload: ${r.status} ${JSON.stringify(j)}`);
    ids[i] = j.id;
  }), CONCURRENCY);
  const up = total / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await pool(ids.map((id, i) => async () => {
    const g = await (await fetch(`${srv.url}/files/${id}`, { headers })).json();
    const body = Buffer.from(await (await fetch(g.presignedUrl)).arrayBuffer());
    if (!body.equals(contents[i])) throw new Error(`${label}: download ${i} differs`);
  }), CONCURRENCY);
  const down = total / ((performance.now() - t0) / 1000);
  console.log(`  ${label.padEnd(6)} upload ${up.toFixed(1).padStart(7)} MB/s   download ${down.toFixed(1).padStart(7)} MB/s   peak RSS ${srv.peakMb().toFixed(0)} MiB`);
  return { up, down };
}

const contents = [...Array.from({ length: FILES }, () => randomBytes(MB << 20)), randomBytes(BIG_MB << 20)];
console.log(`== blob store throughput: ${FILES} files of ${MB} MiB + one of ${BIG_MB} MiB (multipart), ${CONCURRENCY} at a time`);

const local = await startServer([], {});
const peer = await measure('local', local, contents);
await local.stop();

const s3proc = spawn(process.execPath, [path.join(here, '../../tests/integration/s3_process.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const endpoint = await new Promise((resolve) => {
  let out = '';
  s3proc.stdout.on('data', (d) => { out += d; const m = out.match(/(http:\/\/\S+)/); if (m) resolve(m[1]); });
});
const s3srv = await startServer(['--blob-store', `s3://goldset/bench?endpoint=${encodeURIComponent(endpoint)}`], S3_ENV);
const s3 = await measure('s3', s3srv, contents);
await s3srv.stop();
s3proc.kill('SIGTERM');
console.log(`  ratio s3/local: upload ${(s3.up / peer.up).toFixed(2)}x, download ${(s3.down / peer.down).toFixed(2)}x ` +
  '(peer: the local blob store; s3: s3rver on loopback, a Node.js server that is itself the bottleneck)');
