// An http-engine processor stub that holds every request until release() (or close()), so a
// test can keep a run PROCESSING (and the next one PENDING behind it) for as long as it needs.
// Shared by the integration and browser suites.
import http from 'node:http';

export function startGatedEngine({ output = { value: { invoice_number: 'INV-9', vendor: null, total: 1, invoice_date: null }, metadata: {} } } = {}) {
  const pending = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      pending.push(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(output));
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/process`,
    calls: () => calls,
    waiting: () => pending.length,  // requests held now
    release: () => { while (pending.length) pending.shift()(); },
    close: () => { while (pending.length) pending.shift()(); server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  })));
}
