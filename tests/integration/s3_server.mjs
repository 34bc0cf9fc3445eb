// A local S3-compatible server for the blob store tests: s3rver (npm) in this process,
// checking SigV4 signatures with its default credentials, on a loopback address, with a
// fresh directory and one bucket; and a fault proxy in front of it that fails chosen
// requests (503, or a connection cut mid-body) to exercise the client's retries.
//
//   const s3 = await startS3({ t });             // s3.endpoint, s3.blobStore('prefix'), s3.env
//   const proxy = await startFaultProxy(s3, (req, n) => n === 1 ? '503' : null, { t });
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
export async function startS3({ t, address = '127.0.0.2' } = {}) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'goldset-s3-'));
  const server = new S3rver({ address, port: 0, silent: true, directory, configureBuckets: [{ name: S3_BUCKET }] });
  const { port } = await server.run();
  const s3 = {
    address, port, directory,
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
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  if (t) t.after(() => s3.stop());
  return s3;
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
      const up = http.request({ host: s3.address, port: s3.port, method: req.method, path: req.url, headers: req.headers }, (ures) => {
        const len = Number(ures.headers['content-length'] ?? 0);
        res.writeHead(ures.statusCode, ures.headers);
        if (f !== 'cut' || len < 2) {
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
      up.end(Buffer.concat(chunks));
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
