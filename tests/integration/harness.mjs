// Shared helpers for the integration, SDK and later suites: start the real `goldset`
// binary on a free port with a fresh data dir, talk to it over HTTP (fetch) or a raw
// socket, and stop it. Everything is bounded in time; every server started here is
// killed when the test process exits even if a test forgot to stop it.
//
//   const srv = await startServer({ t });          // t: node:test context -> stopped in t.after
//   const r = await srv.api('GET', '/files', { query: { maxPageSize: 5 } });
//   r.status, r.headers['x-extend-request-id'], r.body (parsed JSON or text)
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

import { databaseEnv, dropDatabase } from './pg.mjs';

import { checkResponse } from './openapi_check.mjs';
import { pdfOfObjects } from './hostile_docs.mjs';

export const API_VERSION = '2026-02-09';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.resolve(REPO_ROOT, process.env.GOLDSET_BIN ?? 'build/goldset');

// Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux port we run on).
const CLOCK_TICKS = 100;

const live = new Set();
// Data dirs startServer made: removed when the test file's process exits, whichever way
// their servers ended (a server started in a `before` hook, or one that never started).
const ownedDirs = new Set();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of ownedDirs) {
    try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
    dropDatabase(dir);
  }
});

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Runs a goldset CLI command; resolves {code, stdout, stderr}. Never rejects on exit code.
export function runCli(args, { timeoutMs = 15000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const dir = args.indexOf('--data-dir');
    const dbEnv = dir >= 0 ? databaseEnv(args[dir + 1]) : {};  // PostgreSQL suite: the dir's database
    execFile(BIN, args, { timeout: timeoutMs, env: { ...process.env, ...dbEnv, ...env } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`${BIN} ${args.join(' ')}: ${err.message}\n${stderr}`));
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

// `goldset keys create --data-dir D ...flags` -> the key (its only stdout line).
export async function createKey(dataDir, flags = []) {
  const r = await runCli(['keys', 'create', '--data-dir', dataDir, ...flags]);
  if (r.code !== 0) throw new Error(`keys create failed (${r.code}): ${r.stderr}`);
  const key = r.stdout.trim();
  if (!/^\S+$/.test(key)) throw new Error(`keys create printed more than a key: ${JSON.stringify(r.stdout)}`);
  return key;
}

// `goldset workspaces create --data-dir D ...flags` -> ws id.
export async function createWorkspace(dataDir, flags = []) {
  const r = await runCli(['workspaces', 'create', '--data-dir', dataDir, ...flags]);
  if (r.code !== 0) throw new Error(`workspaces create failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

// `goldset keys list` -> [{id, name, scope, created, revoked}].
export async function listKeys(dataDir) {
  const r = await runCli(['keys', 'list', '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`keys list failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').slice(1).map((line) => {
    const m = /^(\S+)\s+(.*?)\s+(ws_\S+|org \S+)\s+(\S+)\s+(\S+)$/.exec(line.trim());
    if (!m) throw new Error(`keys list: unexpected line ${JSON.stringify(line)}`);
    const [, id, name, scope, created, revoked] = m;
    return { id, name, scope, created, revoked: revoked !== '-' };
  });
}

export function queryString(query) {
  if (!query) return '';
  const parts = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function toResult(res) {
  const text = await res.text();
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  let body = text;
  if ((headers['content-type'] ?? '').includes('json')) {
    try { body = JSON.parse(text); } catch { /* keep text */ }
  }
  return { status: res.status, headers, body, text };
}

// Sends one request with fetch. body: object -> JSON; string/Buffer/FormData/Blob as is.
// key: null sends no Authorization; version: null sends no version header.
export async function request(url, method, p, { body, headers = {}, query, key, version = API_VERSION, timeoutMs = 20000 } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (version) h['x-extend-api-version'] = version;
  let payload = body;
  if (body !== undefined && body !== null && typeof body === 'object' && !(body instanceof FormData) &&
      !(body instanceof Blob) && !Buffer.isBuffer(body) && !(body instanceof Uint8Array)) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(url + p + queryString(query), { method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
  const result = await toResult(res);
  // Every JSON answer must fit the OpenAPI document (web/openapi.json).
  if (typeof result.body === 'object' && result.body !== null && method !== 'HEAD') checkResponse(method, p, result.status, result.body);
  return result;
}

// Starts `goldset serve` on 127.0.0.1:0 with a fresh data dir (or `dataDir`).
// Options: args (extra serve flags), env, t (node:test context: stop in t.after),
// dataDir/key (reuse), timeoutMs (startup bound), firstStart (see below), nofile (start
// under `ulimit -n nofile` through sh, which then execs goldset: same pid).
export async function startServer({ args = [], env = {}, t, dataDir, key, timeoutMs = 15000, firstStart = false, nofile } = {}) {
  const ownDir = !dataDir;
  dataDir ??= mkdtempSync(path.join(os.tmpdir(), 'goldset-it-'));
  if (ownDir) ownedDirs.add(dataDir);
  // firstStart: no `keys create`; the server's own first-start key (printed once) is used.
  if (!firstStart) key ??= await createKey(dataDir);
  const srv = {
    url: null, port: null, key, dataDir, proc: null, stderr: '', stdout: '', exitCode: undefined, exited: null,
  };
  const stderrChunks = [];

  async function launch(listen) {
    const full = ['serve', '--listen', listen, '--data-dir', dataDir, '--egress-allow', '127.0.0.1/32', ...args];
    const [cmd, argv] = nofile ? ['/bin/sh', ['-c', `ulimit -n ${Number(nofile)} && exec "$0" "$@"`, BIN, ...full]] : [BIN, full];
    const proc = spawn(cmd, argv, { env: { ...process.env, ...databaseEnv(dataDir), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    srv.proc = proc;
    srv.exitCode = undefined;
    srv.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      live.delete(proc);
      srv.exitCode = code ?? signal;
      resolve(srv.exitCode);
    }));
    // Raw bytes are kept too (srv.stderrBytes()): decoding would hide invalid UTF-8.
    const decoder = new StringDecoder('utf8');
    proc.stderr.on('data', (d) => { stderrChunks.push(d); srv.stderr += decoder.write(d); });
    proc.stdout.setEncoding('utf8');
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`goldset did not start in ${timeoutMs} ms:\n${srv.stderr}`)); }, timeoutMs);
      proc.stdout.on('data', (d) => {
        srv.stdout += d;
        const m = /Listening on (http:\/\/\S+)/.exec(srv.stdout);
        if (m && !srv.url) {
          clearTimeout(timer);
          srv.url = m[1];
          srv.port = Number(new URL(m[1]).port);
          resolve();
        }
      });
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`goldset exited (${code}) before listening:\n${srv.stderr}`)); });
    });
  }

  // SIGTERM, wait for exit (SIGKILL after `graceMs`); resolves the exit code.
  srv.stop = async (graceMs = 10000) => {
    const proc = srv.proc;
    if (!proc || srv.exitCode !== undefined) return srv.exitCode;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await srv.exited;
    clearTimeout(timer);
    return code;
  };
  srv.kill9 = async () => {
    if (srv.exitCode !== undefined) return srv.exitCode;
    srv.proc.kill('SIGKILL');
    return srv.exited;
  };
  // Stops (if running) and starts again on the same port with the same data dir.
  srv.restart = async () => {
    await srv.stop();
    const listen = `127.0.0.1:${srv.port}`;
    srv.url = null;
    srv.stdout = '';
    await launch(listen);
  };
  srv.api = (method, p, opts = {}) => request(srv.url, method, p, { key: srv.key, ...opts });
  // Parsed access-log lines (JSON lines on stderr that carry a status).
  srv.accessLog = () => srv.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try { return JSON.parse(l); } catch { return null; }
  }).filter((o) => o && 'status' in o);
  srv.serverErrors = () => srv.accessLog().filter((l) => l.status >= 500);
  // Everything the server wrote on stderr, as bytes (across restarts).
  srv.stderrBytes = () => Buffer.concat(stderrChunks);
  // Peak resident memory of the server process so far (VmHWM, MiB), for bounded-memory checks.
  srv.peakRssMb = () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  // CPU time the server process has used so far (user + system, seconds), from /proc/PID/stat.
  srv.cpuSeconds = () => {
    const stat = readFileSync(`/proc/${srv.proc.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields[0] is field 3 (state)
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  };
  // Open file descriptors of the server process.
  srv.openFds = () => readdirSync(`/proc/${srv.proc.pid}/fd`).length;
  // 'asan' (ASan+UBSan), 'tsan' or null: which sanitizer runtime the server has loaded.
  srv.sanitizer = () => {
    const maps = readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8');
    if (/libasan|libubsan/.test(maps)) return 'asan';
    if (/libtsan/.test(maps)) return 'tsan';
    return null;
  };

  await launch('127.0.0.1:0');
  if (firstStart) srv.key = /API key \(shown once\): (\S+)/.exec(srv.stdout)?.[1] ?? null;
  if (t) {
    t.after(async () => {
      await srv.stop();
      if (ownDir) {
        rmSync(dataDir, { recursive: true, force: true });
        dropDatabase(dataDir);
        ownedDirs.delete(dataDir);
      }
      // Sanitizer builds (make asan) report on stderr; any report fails the test.
      const report = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.exec(srv.stderr);
      if (report) throw new Error(`sanitizer report from goldset:\n${srv.stderr.slice(Math.max(0, report.index - 200), report.index + 4000)}`);
    });
  }
  return srv;
}

// Uploads one file through POST /files/upload (multipart built by FormData).
export async function uploadFile(srv, { name = 'hello.txt', content = 'hello world\n', type = 'text/plain', fields = {}, query, key, headers } = {}) {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return srv.api('POST', '/files/upload', { body: form, query, headers, ...(key !== undefined ? { key } : {}) });
}

// Builds a multipart body by hand (for malformed variants). Returns {body: Buffer, contentType}.
export function multipartBody(parts, boundary = 'goldsetBoundary7MA4YWxk') {
  const chunks = [];
  for (const p of parts) {
    let disp = `form-data; name="${p.name}"`;
    if (p.filename !== undefined) disp += `; filename="${p.filename}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n`));
    if (p.type) chunks.push(Buffer.from(`Content-Type: ${p.type}\r\n`));
    chunks.push(Buffer.from('\r\n'));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

// Standard header lines for raw requests.
export function authHeaders(key) {
  return `Authorization: Bearer ${key}\r\nx-extend-api-version: ${API_VERSION}\r\n`;
}

// A raw TCP connection for requests fetch refuses to send. Responses are parsed
// (Content-Length or chunked) so several can be read from one keep-alive connection.
export class RawConn {
  constructor(url) {
    const u = new URL(url);
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    this.socket = net.connect(Number(u.port), u.hostname);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    this.socket.on('error', () => { this.closed = true; this.wake(); });
    this.socket.on('close', () => { this.closed = true; this.wake(); });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async write(data) {
    await this.connected;
    if (this.closed) return false;
    return new Promise((resolve) => this.socket.write(data, (err) => resolve(!err)));
  }

  // Resolves when the peer has closed (true) or after timeoutMs (false).
  async waitClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, Math.min(100, deadline - Date.now())); });
    }
    return this.closed;
  }

  // Tries to cut one full response off the buffer; null if incomplete.
  takeResponse() {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = this.buf.subarray(0, end).toString('latin1');
    const [statusLine, ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!m) throw new Error(`bad status line: ${statusLine}`);
    const headers = {};
    for (const l of lines) {
      const c = l.indexOf(':');
      headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
    }
    let rest = this.buf.subarray(end + 4);
    let body;
    if ((headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
      const parts = [];
      let off = 0;
      for (;;) {
        const le = rest.indexOf('\r\n', off);
        if (le < 0) return null;
        const size = parseInt(rest.subarray(off, le).toString('latin1'), 16);
        if (rest.length < le + 2 + size + 2) return null;
        if (size === 0) { off = rest.indexOf('\r\n\r\n', le) ; if (off < 0) return null; off += 4; break; }
        parts.push(rest.subarray(le + 2, le + 2 + size));
        off = le + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      rest = rest.subarray(off);
    } else {
      const len = Number(headers['content-length'] ?? 0);
      if (rest.length < len) return null;
      body = rest.subarray(0, len);
      rest = rest.subarray(len);
    }
    this.buf = rest;
    const text = body.toString('utf8');
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: Number(m[1]), headers, text, json };
  }

  // Next response, or {closed:true} if the peer closed first, or {timedOut:true}.
  async readResponse(timeoutMs = 5000) {
    await this.connected.catch(() => {});
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.takeResponse();
      if (r) return r;
      if (this.closed) return { closed: true, partial: this.buf.toString('latin1') };
      if (Date.now() >= deadline) return { timedOut: true, partial: this.buf.toString('latin1') };
      await new Promise((res) => { this.waiters.push(res); setTimeout(res, Math.min(100, deadline - Date.now())); });
    }
  }

  destroy() {
    this.socket.destroy();
  }
}

// One-shot raw exchange: connect, write `data` (string/Buffer, or an array of
// {data, delayMs} pieces), read one response. Closes the socket afterwards.
export async function rawRequest(url, data, { timeoutMs = 5000 } = {}) {
  const c = new RawConn(url);
  try {
    const pieces = Array.isArray(data) ? data : [{ data }];
    for (const p of pieces) {
      if (p.delayMs) await sleep(p.delayMs);
      await c.write(p.data);
    }
    const r = await c.readResponse(timeoutMs);
    if (!r.closed && !r.timedOut) r.closedAfter = await c.waitClosed(300);
    return r;
  } finally {
    c.destroy();
  }
}

// Asserts an Extend-style error body and returns it.
export function expectError(assert, r, status, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  const body = r.body ?? r.json;
  assert.equal(typeof body, 'object', `error body is not JSON: ${r.text}`);
  assert.equal(typeof body.code, 'string');
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.retryable, 'boolean');
  assert.match(body.requestId, /^req_/);
  assert.equal(body.requestId, r.headers['x-extend-request-id']);
  if (code) assert.equal(body.code, code);
  return body;
}

// A small, valid PDF with `pages` pages (correct xref offsets), as a Buffer.
export function makePdf(pages = 3) {
  const objs = [];
  const kids = [];
  for (let i = 0; i < pages; i++) kids.push(`${3 + i} 0 R`);
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) objs.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
  return pdfOfObjects(objs);
}

export const PNG_1x1 = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex');

// The first JSON-body route present on this build (routes land with later issues), or null.
export async function findJsonRoute(srv) {
  for (const p of ['/evaluation_sets', '/webhook_endpoints', '/extractors']) {
    const r = await srv.api('POST', p, { body: {} });
    if (!(r.status === 404 && /No route/.test(r.body?.message ?? ''))) return p;
  }
  return null;
}
