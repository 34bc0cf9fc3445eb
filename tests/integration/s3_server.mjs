// A local S3-compatible server for the blob store tests: s3rver (npm) in this process, on
// a loopback address, with a fresh directory and one bucket, behind a front that checks
// what s3rver does not: the SigV4 signature of every request (s3rver 3.7 only checks that
// the access key exists), that x-amz-content-sha256 and Content-MD5 match the body. A
// request failing a check gets S3's error (403 SignatureDoesNotMatch, 400 BadDigest /
// XAmzContentSHA256Mismatch) and is counted in s3.rejected. startFaultProxy puts a proxy
// in front that fails chosen requests (503, or a connection cut mid-body) to exercise the
// client's retries.
//
//   const s3 = await startS3({ t });             // s3.endpoint, s3.blobStore('prefix'), s3.env
//   const proxy = await startFaultProxy(s3, (req, n) => n === 1 ? '503' : null, { t });
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export const S3_BUCKET = 'goldset';
// s3rver's built-in account: the test signs with these and s3rver checks the signature.
export const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

// address: 127.0.0.2 by default, a loopback address outside the harness's
// --egress-allow 127.0.0.1/32, so that tests can show tenant URLs still cannot reach it.
// verify: false leaves the checking front out (bench/blobstore measures s3rver itself).
export async function startS3({ t, address = '127.0.0.2', verify = true } = {}) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'goldset-s3-'));
  const server = new S3rver({ address, port: 0, silent: true, directory, configureBuckets: [{ name: S3_BUCKET }] });
  const inner = await server.run();
  const rejected = [];
  const requests = [];  // {method, url} of every request that reached the front
  const front = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method, url: req.url, bytes: body.length });
      const problem = checkRequest(req, body);
      if (problem) {
        rejected.push({ method: req.method, url: req.url, ...problem });
        res.writeHead(problem.status, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0"?><Error><Code>${problem.code}</Code><Message>${problem.message}</Message></Error>`);
        return;
      }
      forward(req, body, res, { host: address, port: inner.port });
    });
  });
  await new Promise((resolve) => front.listen(0, address, resolve));
  const port = verify ? front.address().port : inner.port;
  const s3 = {
    address, port, directory, rejected, requests,
    endpoint: `http://${address}:${port}`,
    env: S3_ENV,
    // The --blob-store value for this server, objects under `prefix`.
    blobStore: (prefix = 'blobs', endpoint = s3.endpoint) =>
      `s3://${S3_BUCKET}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`,
    // Keys of the objects stored under `prefix` (s3rver keeps each as KEY._S3rver_object).
    objects(prefix = 'blobs') {
      const root = path.join(directory, S3_BUCKET, prefix);
      const out = [];
      const walk = (dir, rel) => {
        let entries;
        try { entries = readdirSync(dir); } catch { return; }
        for (const e of entries) {
          const full = path.join(dir, e);
          if (statSync(full).isDirectory()) walk(full, rel ? `${rel}/${e}` : e);
          else if (e.endsWith('._S3rver_object')) out.push(rel ? `${rel}/${e.slice(0, -15)}` : e.slice(0, -15));
        }
      };
      walk(root, '');
      return out.sort();
    },
    async stop() {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  if (t) t.after(() => s3.stop());
  return s3;
}

function forward(req, body, res, { host, port }, cut = false) {
  const up = http.request({ host, port, method: req.method, path: req.url, headers: req.headers }, (ures) => {
    const len = Number(ures.headers['content-length'] ?? 0);
    res.writeHead(ures.statusCode, ures.headers);
    if (!cut || len < 2) {
      ures.pipe(res);
      return;
    }
    let sent = 0;
    ures.on('data', (d) => {
      if (sent >= len / 2) return;
      const part = d.subarray(0, Math.max(0, Math.ceil(len / 2) - sent));
      sent += part.length;
      res.write(part);
      if (sent >= len / 2) res.socket.destroy();
    });
  });
  up.on('error', () => res.destroy());
  up.end(body);
}

// RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone).
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const hex = (data, algo = 'sha256') => createHash(algo).update(data).digest('hex');

// SigV4 as AWS documents it, written here independently of the client under test.
// Returns null, or {status, code, message} for the first check the request fails.
function checkRequest(req, body) {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { status: 403, code: 'AccessDenied', message: 'not a SigV4 Authorization header' };
  const [, accessKey, date, region, service, signedHeaders, signature] = m;
  if (accessKey !== S3_ENV.AWS_ACCESS_KEY_ID) return { status: 403, code: 'InvalidAccessKeyId', message: accessKey };
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (!payloadHash) return { status: 400, code: 'InvalidRequest', message: 'x-amz-content-sha256 missing' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== hex(body))
    return { status: 400, code: 'XAmzContentSHA256Mismatch', message: 'body does not match x-amz-content-sha256' };
  const md5 = req.headers['content-md5'];
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64'))
    return { status: 400, code: 'BadDigest', message: 'body does not match Content-MD5' };
  const [rawPath, rawQuery = ''] = req.url.split('?');
  const query = rawQuery.split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    const [k, v] = i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
    return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256'))
    return { status: 403, code: 'AccessDenied', message: `host, x-amz-date and x-amz-content-sha256 must be signed: ${signedHeaders}` };
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, rawPath, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const amzDate = req.headers['x-amz-date'] ?? '';
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  let key = hmac(`AWS4${S3_ENV.AWS_SECRET_ACCESS_KEY}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  if (createHmac('sha256', key).update(toSign).digest('hex') !== signature)
    return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  return null;
}

// A proxy in front of `s3` on 127.0.0.2 that forwards requests unchanged (the Host header
// too, so signatures still verify) unless `fault(req, n)` says otherwise for the n-th
// request (1-based): '503' answers 503 SlowDown; 'cut' forwards but closes the connection
// halfway through the response body. proxy.log lists {method, url, range, fault}.
export async function startFaultProxy(s3, fault, { t } = {}) {
  let n = 0;
  const log = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      n += 1;
      const f = fault(req, n);
      log.push({ method: req.method, url: req.url, range: req.headers.range ?? null, fault: f ?? null });
      if (f === '503') {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return;
      }
      forward(req, Buffer.concat(chunks), res, { host: s3.address, port: s3.port }, f === 'cut');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.2', resolve));
  const proxy = {
    endpoint: `http://127.0.0.2:${server.address().port}`,
    log,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  if (t) t.after(() => proxy.stop());
  return proxy;
}
