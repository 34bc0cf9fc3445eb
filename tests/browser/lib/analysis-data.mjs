// Data for tests/browser/analysis.test.mjs: invoices whose extraction goes wrong in known
// ways, an `http` engine (bring-your-own processor, a node server on 127.0.0.1) that
// answers each document with a chosen output and per-field confidences, and an
// OpenAI-compatible stand-in for the `llm` engine whose behaviour depends on the model
// name (wrong vendors, slow answers) and which reports token usage.
import http from 'node:http';

export const SCHEMA = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], description: 'Invoice number' },
    vendor: { type: ['string', 'null'], description: 'Vendor name' },
    total: { type: ['number', 'null'], description: 'Invoice total' },
    line_items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { description: { type: ['string', 'null'] }, amount: { type: ['number', 'null'] } },
        required: ['description', 'amount'],
      },
    },
  },
  required: ['invoice_number', 'vendor', 'total', 'line_items'],
};

const LINES = [{ description: 'Widgets', amount: 40 }, { description: 'Bolts', amount: 25 }, { description: 'Nuts', amount: 15 }];

export function truth(i) {
  return {
    invoice_number: `INV-${2000 + i}`,
    // Document 4 names no vendor: expected null.
    vendor: i === 4 ? null : `Vendor ${String.fromCharCode(65 + i)} Supplies`,
    total: 80 + i,
    line_items: LINES.map((l) => ({ ...l })),
  };
}

export function docText(i) {
  const t = truth(i);
  return `INVOICE\nInvoice No: ${t.invoice_number}\nVendor: ${t.vendor ?? ''}\nTotal: $${t.total}.00\n`;
}

export const N_DOCS = 10;

// What the engine answers for document i: [value, confidence per field]. Right values
// come with high confidence, wrong ones mostly with low confidence (one confidently wrong).
// The vendor's categories have distinct counts (4 correct, 3 near misses, 2 missing, 1
// hallucinated), so a bar that showed one category's count under another's name fails.
function answerFor(i) {
  const v = truth(i);
  const conf = { invoice_number: 0.97, vendor: 0.93, total: 0.95, line_items: 0.9 };
  switch (i) {
    case 1: v.invoice_number = 'inv 2001'; conf.invoice_number = 0.55; break; // format only
    case 2: case 9: v.vendor = v.vendor.replace('Supplies', 'Suplies'); conf.vendor = 0.62; break; // near miss
    case 3: v.vendor = null; conf.vendor = 0.12; break; // missing
    case 4: v.vendor = 'Ghost Trading'; conf.vendor = 0.35; break; // hallucinated
    case 5: v.total = 999; conf.total = 0.91; break; // wrong value, confidently
    case 6: v.line_items = v.line_items.slice(0, 2); conf.line_items = 0.45; v.vendor = v.vendor.replace('Supplies', 'Supplys'); conf.vendor = 0.6; break; // a dropped row, a near miss
    case 7: v.line_items = [...v.line_items, { description: 'Washers', amount: 5 }]; conf.line_items = 0.5; break; // an extra row
    case 8: v.line_items = [...v.line_items, { ...v.line_items[0] }]; v.total = 81.5; conf.total = 0.2; v.vendor = null; conf.vendor = 0.15; break; // a duplicated row, wrong total, no vendor
    default: break;
  }
  const metadata = Object.fromEntries(Object.entries(conf).map(([k, c]) => [k, { ocrConfidence: c }]));
  return { value: v, metadata };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// The `http` engine: reads the document number from the file name (an-<i>.txt).
export async function startHttpEngine() {
  const server = await listen(http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const i = Number(/an-(\d+)\.txt$/.exec(msg.file?.name || '')?.[1]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answerFor(Number.isInteger(i) ? i : 0)));
    });
  }));
  return { url: `http://127.0.0.1:${server.address().port}/process`, close: () => new Promise((r) => server.close(r)) };
}

// The `llm` stand-in: POST /v1/chat/completions. Model "sloppy…" drops the last word of
// every second vendor; model "…slow…" answers after 600 ms. Usage: 1,000 prompt and 200
// completion tokens per call.
export async function startLlm() {
  const server = await listen(http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const msg = JSON.parse(body);
      const text = msg.messages.map((m) => m.content).join('\n');
      const grab = (re) => (text.match(re) || [])[1] ?? null;
      const number = grab(/Invoice No:\s*([A-Z0-9-]+)/);
      let vendor = grab(/Vendor:[ \t]*([^\n]*)/) || null;
      if (vendor && msg.model.startsWith('sloppy') && Number(number.slice(-1)) % 2 === 0) vendor = vendor.split(' ').slice(0, -1).join(' ');
      const value = { invoice_number: number, vendor, total: Number(grab(/Total:\s*\$?([0-9.]+)/)), line_items: LINES };
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(value) } }],
          usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 } }));
      };
      if (msg.model.includes('slow')) setTimeout(answer, 600);
      else answer();
    });
  }));
  return { baseUrl: `http://127.0.0.1:${server.address().port}/v1`, close: () => new Promise((r) => server.close(r)) };
}

// Pareto-optimal run ids computed here, independently of web/pareto.js: objectives
// accuracy (max), cost per item (min), mean latency (min), over runs with a cost.
export function expectedOptimal(points) {
  const ranked = points.filter((p) => typeof p.cost === 'number' && typeof p.latency === 'number');
  return ranked.filter((p) => !ranked.some((q) => q !== p && q.accuracy >= p.accuracy && q.cost <= p.cost && q.latency <= p.latency
    && (q.accuracy > p.accuracy || q.cost < p.cost || q.latency < p.latency))).map((p) => p.id).sort();
}
