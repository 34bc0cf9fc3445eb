// A webhook receiver for tests: a node http server on 127.0.0.1 that records every
// delivery (raw body bytes and headers) and answers with the status `mode` asks for.
// It can be closed and reopened on the same port to simulate an outage.
//
//   const rx = await startReceiver({ verify: (body, headers) => true });
//   rx.url, rx.deliveries [{body, headers, at, accepted}], rx.mode = 'ok' | 'fail'
//   await rx.close(); await rx.reopen();
import http from 'node:http';

export async function startReceiver({ verify, port = 0, failStatus = 500 } = {}) {
  const rx = { deliveries: [], mode: 'ok', port: 0, server: null, url: null };

  function handler(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let accepted = rx.mode === 'ok';
      let verified = null;
      if (verify) {
        try {
          verified = verify(body, req.headers);
        } catch (e) {
          verified = e;
        }
        if (!verified || verified instanceof Error) accepted = false;
      }
      rx.deliveries.push({ body, headers: req.headers, method: req.method, path: req.url, at: Date.now(), accepted, verified });
      if (accepted) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      } else {
        res.writeHead(verified instanceof Error || verified === false ? 401 : failStatus, { 'content-type': 'text/plain' });
        res.end(rx.mode === 'ok' ? 'bad signature' : 'receiver is failing on purpose');
      }
    });
  }

  rx.reopen = () => new Promise((resolve, reject) => {
    rx.server = http.createServer(handler);
    rx.server.keepAliveTimeout = 1000;
    rx.server.once('error', reject);
    rx.server.listen(rx.port || port, '127.0.0.1', () => {
      rx.port = rx.server.address().port;
      rx.url = `http://127.0.0.1:${rx.port}/hooks`;
      resolve(rx);
    });
  });
  rx.close = () => new Promise((resolve) => {
    if (!rx.server) return resolve();
    rx.server.closeAllConnections?.();
    rx.server.close(() => resolve());
    rx.server = null;
  });
  // Event ids of accepted deliveries, in arrival order (duplicates kept).
  rx.acceptedIds = () => rx.deliveries.filter((d) => d.accepted).map((d) => JSON.parse(d.body).eventId);

  await rx.reopen();
  return rx;
}

// Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the last value.
export async function waitFor(fn, { timeoutMs = 15000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() >= deadline) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
