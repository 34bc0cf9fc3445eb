// Seeds an extractor evaluation set of plain-text invoices and two runs that differ:
// the second run's draft narrows the vendor rule to the first word, so multi-word
// vendor names regress ("Acme" for "Acme Supplies") while the other fields stay put. One expected total is deliberately wrong, so no run is perfect.
const INVOICES = [
  { name: 'inv1.txt', number: 'INV-1001', vendor: 'Acme Supplies', total: 1200.5 },
  { name: 'inv2.txt', number: 'INV-1002', vendor: 'Globex Corporation', total: 89.99 },
  { name: 'inv3.txt', number: 'INV-1003', vendor: 'Initech', total: 455 },
  { name: 'inv4.pdf', number: 'INV-1004', vendor: 'Umbrella Corp', total: 310.25, pdf: true },
];

function text(inv) {
  return `INVOICE\nVendor: ${inv.vendor}\nInvoice No. ${inv.number}\nDate: 2026-01-15\n\nWidgets x 3\nTotal: $${inv.total.toFixed(2)}\n`;
}

// A one-page PDF with a real text layer, written by hand (offsets computed) so the test
// needs no PDF tooling: it gives the item page a document the server can render to PNG.
export function invoicePdf(inv) {
  return textPdf([text(inv).split('\n').filter(Boolean)]);
}

// A PDF of Letter pages (612 x 792 pt), each a list of lines set in 14 pt Helvetica from
// (72, 740) down, 22 pt apart: the text layer the rules engine reads and cites.
export function textPdf(pages) {
  const esc = (t) => t.replace(/[\\()]/g, (c) => `\\${c}`);
  const n = pages.length;
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${pages.map((_, i) => `${3 + 2 * i} 0 R`).join(' ')}] /Count ${n} >>`];
  const font = 3 + 2 * n;
  pages.forEach((lines, i) => {
    const stream = `BT /F1 14 Tf 72 740 Td ${lines.map((l, j) => `${j ? '0 -22 Td ' : ''}(${esc(l)}) Tj`).join(' ')} ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${4 + 2 * i} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`);
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  });
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

function schema({ withVendorRule }) {
  return {
    type: 'object',
    properties: {
      invoice_number: { type: ['string', 'null'], description: 'Invoice number', 'x-rules': { patterns: ['Invoice (?:No\\.|#)\\s*([A-Z0-9-]+)'] } },
      vendor_name: {
        type: ['string', 'null'],
        description: 'Vendor name',
        // A wrong value rather than none: an explicit rule wins over the engine's
        // label heuristics, so the regression does not depend on them.
        'x-rules': { patterns: [withVendorRule ? 'Vendor:\\s*([^\\n]+)' : 'Vendor:\\s*(\\S+)'] },
      },
      total: { type: ['number', 'null'], description: 'Total amount', 'x-rules': { patterns: ['Total:\\s*\\$?([0-9][0-9,]*\\.?[0-9]*)'] } },
    },
    required: ['invoice_number', 'vendor_name', 'total'],
    additionalProperties: false,
  };
}

export async function seed(api) {
  const files = [];
  for (const inv of INVOICES) {
    const file = inv.pdf ? await api.upload(inv.name, invoicePdf(inv), 'application/pdf') : await api.upload(inv.name, text(inv));
    files.push({ inv, file });
  }
  const extractor = await api.post('/extractors', { name: 'Browser test invoices', config: { schema: schema({ withVendorRule: true }) } });
  const set = await api.post('/evaluation_sets', { name: 'Browser invoices', description: 'Seeded by tests/browser', entityId: extractor.id });
  const created = await api.post(`/evaluation_sets/${set.id}/items`, {
    items: files.map(({ inv, file }, i) => ({
      fileId: file.id,
      // inv3's expected total is off on purpose: one field is always wrong.
      expectedOutput: { value: { invoice_number: inv.number, vendor_name: inv.vendor, total: i === 2 ? 999 : inv.total } },
    })),
  });
  const baseline = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);

  await api.post(`/extractors/${extractor.id}`, { config: { schema: schema({ withVendorRule: false }) } });
  const candidateCreated = await api.post('/evaluation_set_runs', { evaluationSetId: set.id });
  return { extractor, set, items: created.evaluationSetItems, files, baseline, candidateCreated };
}

// A classifier set: two invoices and a receipt, one of the invoices labelled "Receipt"
// on purpose so the confusion matrix has an off-diagonal cell.
export async function seedClassifier(api) {
  const docs = [
    { name: 'cls-invoice1.txt', body: 'INVOICE\nInvoice No. INV-2001\nBill to: Acme\nAmount due: $120.00\nPayment terms: net 30\n', label: 'invoice' },
    { name: 'cls-invoice2.txt', body: 'INVOICE\nInvoice # INV-2002\nBill to: Globex\nAmount due: $75.00\nDue date: 2026-02-01\n', label: 'receipt' },
    { name: 'cls-receipt1.txt', body: 'RECEIPT\nThank you for your purchase\nPaid by card\nCashier: Ann\nChange: $0.00\n', label: 'receipt' },
  ];
  const classifications = [
    { id: 'invoice', type: 'Invoice', description: 'An invoice: a bill requesting payment, with invoice number, bill to, amount due and payment terms' },
    { id: 'receipt', type: 'Receipt', description: 'A receipt: proof of a payment already made, thank you for your purchase, paid, cashier, change' },
  ];
  const classifier = await api.post('/classifiers', { name: 'Browser test doc types', config: { classifications } });
  const set = await api.post('/evaluation_sets', { name: 'Browser doc types', description: 'Classifier set seeded by tests/browser', entityId: classifier.id });
  const items = [];
  for (const d of docs) {
    const file = await api.upload(d.name, d.body);
    const c = classifications.find((x) => x.id === d.label);
    items.push({ fileId: file.id, expectedOutput: { id: c.id, type: c.type } });
  }
  await api.post(`/evaluation_sets/${set.id}/items`, { items });
  const run = await api.waitForRun((await api.post('/evaluation_set_runs', { evaluationSetId: set.id })).id);
  return { classifier, set, run };
}
