// An `http` engine endpoint for reliability tests: a node http server on 127.0.0.1 that
// answers request number n (0-based, in arrival order) as `behave(n, msg)` says, and
// records each request's timing and whether the client gave up on it.
//
//   const engine = await startEngineStub((n) => (n < 2 ? { status: 503 } : {}));
//   engine.url, engine.requests [{n, file, at, endedAt, aborted, answered}], engine.maxConcurrent
//   behave returns {status = 200, delayMs = 0, body} (body defaults to the invoice fields
//   read from the document, as eval_fixtures' invoices hold them); delayMs: 'hang' never answers.
import http from 'node:http';

export function extractInvoice(msg) {
  const text = msg.document.pages.map((p) => p.text).join('\n');
  const grab = (re) => (text.match(re) || [])[1] ?? null;
  const total = grab(/Total:\s*\$?([0-9.]+)/);
  return {
    value: {
      invoice_number: grab(/Invoice No:\s*([A-Z0-9-]+)/), vendor: grab(/Vendor:\s*([^\n]+)/),
      total: total === null ? null : Number(total), invoice_date: grab(/Date:\s*([0-9-]+)/),
    },
    metadata: {},
  };
}

export async function startEngineStub(behave = () => ({})) {
  const engine = { requests: [], open: 0, maxConcurrent: 0, timers: new Set(), sockets: new Set() };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const rec = { n: engine.requests.length, file: msg.file?.name, at: Date.now(), endedAt: null, aborted: false, answered: false };
      engine.requests.push(rec);
      engine.open += 1;
      engine.maxConcurrent = Math.max(engine.maxConcurrent, engine.open);
      let done = false;
      const end = (aborted) => {
        if (done) return;
        done = true;
        engine.open -= 1;
        rec.endedAt = Date.now();
        rec.aborted = aborted;
      };
      res.on('close', () => end(!rec.answered));
      const how = behave(rec.n, msg) ?? {};
      const answer = () => {
        if (res.destroyed) return;
        rec.answered = true;
        const body = how.body ?? (how.status && how.status !== 200 ? 'engine unavailable' : JSON.stringify(extractInvoice(msg)));
        res.writeHead(how.status ?? 200, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (how.delayMs === 'hang') return;
      if (!how.delayMs) return answer();
      const timer = setTimeout(() => { engine.timers.delete(timer); answer(); }, how.delayMs);
      engine.timers.add(timer);
    });
  });
  server.on('connection', (s) => { engine.sockets.add(s); s.on('close', () => engine.sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${server.address().port}/process`;
  engine.close = () => {
    for (const t of engine.timers) clearTimeout(t);
    for (const s of engine.sockets) s.destroy();
    return new Promise((r) => server.close(r));
  };
  return engine;
}

export async function waitUntil(cond, { timeoutMs = 30000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
