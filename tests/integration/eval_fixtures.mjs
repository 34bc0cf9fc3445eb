// Documents, configs and expected outputs shared by the evaluation tests. The documents
// are plain text so the built-in rules engine reads them without OCR; x-rules hints tell
// it where each value is.
export const invoiceSchema = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], description: 'Invoice number',
      'x-rules': { patterns: ['Invoice No:\\s*([A-Z0-9-]+)'] } },
    vendor: { type: ['string', 'null'], description: 'Vendor name',
      'x-rules': { patterns: ['Vendor:\\s*([^\\n]+)'] } },
    total: { type: ['number', 'null'], description: 'Invoice total',
      'x-rules': { patterns: ['Total:\\s*\\$?([0-9,]+\\.?[0-9]*)'] } },
    invoice_date: { type: ['string', 'null'], format: 'date', description: 'Invoice date',
      'x-rules': { patterns: ['Date:\\s*([0-9-]+)'] } },
  },
  required: ['invoice_number', 'vendor', 'total', 'invoice_date'],
};

export function invoiceText(i) {
  return `INVOICE\nInvoice No: INV-${1000 + i}\nVendor: Vendor ${String.fromCharCode(65 + (i % 26))} Ltd\n` +
    `Date: 2024-03-${String(1 + (i % 28)).padStart(2, '0')}\nTotal: $${(100 + i * 7.25).toFixed(2)}\n`;
}

// The truth for document i. `wrong` lists fields whose expected value is deliberately
// different from the document, so accuracy is below 1 in a known way.
export function invoiceExpected(i, wrong = []) {
  const v = {
    invoice_number: `INV-${1000 + i}`,
    vendor: `Vendor ${String.fromCharCode(65 + (i % 26))} Ltd`,
    total: Number((100 + i * 7.25).toFixed(2)),
    invoice_date: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`,
  };
  for (const f of wrong) v[f] = f === 'total' ? -1 : 'WRONG';
  return { value: v };
}

export const classifierConfig = {
  classifications: [
    { id: 'invoice', type: 'Invoice', description: 'A bill requesting payment: invoice number, amount due, vendor' },
    { id: 'receipt', type: 'Receipt', description: 'Proof of payment: paid, thank you for your purchase, change' },
    { id: 'statement', type: 'Bank Statement', description: 'Bank account statement: opening balance, closing balance, transactions' },
  ],
};

export const classTexts = {
  invoice: 'INVOICE\nInvoice number INV-7\nAmount due: $120.00\nPlease pay the vendor within 30 days.',
  receipt: 'RECEIPT\nPaid in full. Thank you for your purchase!\nChange given: $2.00',
  statement: 'BANK STATEMENT\nOpening balance 1,000.00\nClosing balance 1,250.00\nTransactions for the account',
};

export const splitterConfig = {
  splitClassifications: classifierConfig.classifications.map((c) => ({ ...c })),
};

// Field-by-field comparison written independently of the server's scorer: exact string
// equality after trimming, numeric equality, null equals null.
export function sameValue(expected, actual) {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === 'number') return typeof actual === 'number' && Math.abs(expected - actual) < 1e-9;
  if (typeof expected === 'string') return typeof actual === 'string' && expected.trim() === actual.trim();
  return JSON.stringify(expected) === JSON.stringify(actual);
}

export async function waitForRun(api, runId, { timeoutMs = 60000, until } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/evaluation_set_runs/${runId}`);
    if (r.status !== 200) throw new Error(`GET run ${runId}: ${r.status} ${JSON.stringify(r.body)}`);
    if (until ? until(r.body) : !['PENDING', 'PROCESSING', 'CANCELLING'].includes(r.body.status)) return r.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

// Polls GET `path` (a processor run: /extract_runs/{id}, ...) until it leaves PENDING and
// PROCESSING; throws on any other answer than 200 or once timeoutMs have passed.
export async function waitRun(srv, path, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await srv.api('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    if (!['PENDING', 'PROCESSING'].includes(r.body.status)) return r.body;
    if (Date.now() > deadline) throw new Error(`${path} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export async function allResults(api, runId) {
  const out = [];
  let token;
  do {
    const r = await api('GET', `/evaluation_set_runs/${runId}/results`, { query: { maxPageSize: 200, ...(token ? { nextPageToken: token } : {}) } });
    if (r.status !== 200) throw new Error(`results: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.data);
    token = r.body.nextPageToken;
  } while (token);
  return out;
}

export async function uploadText(srv, name, text, type = 'text/plain') {
  return uploadBytes(srv, name, Buffer.from(text, 'utf8'), type);
}

export async function uploadBytes(srv, name, bytes, type = 'application/octet-stream', extraHeaders = {}) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${srv.url}/files/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${srv.key}`, 'x-extend-api-version': '2026-02-09', ...extraHeaders },
    body: form,
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// Creates an extractor with the invoice schema, n invoice files and a set holding them.
export async function seedInvoiceSet(srv, n, { wrong = () => [], engine } = {}) {
  const config = { schema: invoiceSchema, ...(engine ? { engine } : {}) };
  const ex = await srv.api('POST', '/extractors', { body: { name: 'Invoice extractor', config } });
  if (ex.status !== 200) throw new Error(`create extractor: ${ex.status} ${JSON.stringify(ex.body)}`);
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'Invoices', description: 'test', entityId: ex.body.id } });
  if (set.status !== 200) throw new Error(`create set: ${set.status} ${JSON.stringify(set.body)}`);
  const items = [];
  for (let start = 0; start < n; start += 100) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 100); ++i) {
      const f = await uploadText(srv, `invoice-${i}.txt`, invoiceText(i));
      batch.push({ fileId: f.id, expectedOutput: invoiceExpected(i, wrong(i)) });
    }
    const r = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items: batch } });
    if (r.status !== 200) throw new Error(`create items: ${r.status} ${JSON.stringify(r.body)}`);
    items.push(...r.body.evaluationSetItems);
  }
  return { extractor: ex.body, set: set.body, items };
}
