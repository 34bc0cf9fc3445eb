// Documents and processors for the workbench tests: PDF invoices with a text layer (so
// the rules engine cites word boxes), a schema with every field kind the label form
// supports, a three-page PDF for the splitter, and an http engine that holds its answers.
import { textPdf } from './seed.mjs';
import { startGatedEngine } from '../../integration/gated_engine.mjs';

export const INVOICES = [
  { name: 'wb-inv1.pdf', number: 'INV-1001', vendor: 'Acme Supplies', country: 'US', date: '2026-01-15', paid: 'yes', category: 'goods',
    lines: [['Widgets', 3, 10.5], ['Gadgets', 1, 99]], total: 130.5 },
  { name: 'wb-inv2.pdf', number: 'INV-1002', vendor: 'Globex Corporation', country: 'DE', date: '2026-02-03', paid: 'false', category: 'services',
    lines: [['Consulting', 2, 150]], total: 300 },
  { name: 'wb-inv3.pdf', number: 'INV-1003', vendor: 'Initech', country: 'FR', date: '2026-03-09', paid: 'yes', category: 'goods',
    lines: [['Staplers', 4, 2.25], ['Paper', 10, 4]], total: 49 },
];

export function invoiceLines(inv) {
  return [
    'INVOICE',
    `Vendor: ${inv.vendor}`,
    `Country: ${inv.country}`,
    `Invoice No. ${inv.number}`,
    `Date: ${inv.date}`,
    ...inv.lines.map(([d, q, a]) => `${d} x ${q} at ${a.toFixed(2)}`),
    `Total: USD ${inv.total.toFixed(2)}`,
    `Paid: ${inv.paid}`,
    `Category: ${inv.category}`,
  ];
}

export const invoiceFile = (inv) => ({ name: inv.name, mimeType: 'application/pdf', buffer: Buffer.from(textPdf([invoiceLines(inv)]), 'latin1') });

// Every kind of field the label form generates a control for.
export const RICH_SCHEMA = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], description: 'As printed', 'x-rules': { patterns: ['Invoice No\\. (\\S+)'] } },
    vendor: {
      type: 'object',
      properties: {
        name: { type: ['string', 'null'], 'x-rules': { labels: ['Vendor'] } },
        country: { type: ['string', 'null'], enum: ['US', 'DE', 'FR', null], 'x-rules': { labels: ['Country'] } },
      },
    },
    invoice_date: { type: ['string', 'null'], format: 'date', 'x-rules': { labels: ['Date'] } },
    total: {
      type: 'object',
      'extend:type': 'currency',
      properties: { amount: { type: ['number', 'null'] }, iso_4217_currency_code: { type: ['string', 'null'] } },
      required: ['amount', 'iso_4217_currency_code'],
      'x-rules': { patterns: ['Total: (.+)$'] },
    },
    paid: { type: ['boolean', 'null'], 'x-rules': { labels: ['Paid'] } },
    category: { type: ['string', 'null'], enum: ['goods', 'services', null], 'x-rules': { labels: ['Category'] } },
    line_items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { description: { type: ['string', 'null'] }, qty: { type: ['integer', 'null'] }, amount: { type: ['number', 'null'] } },
      },
      'x-rules': { rowPattern: '^(?P<description>[A-Za-z ]+?) x (?P<qty>\\d+) at (?P<amount>[0-9.]+)$' },
    },
  },
};

// The expected output of an invoice, as a person labelling it would type it.
export function truthOf(inv) {
  return {
    invoice_number: inv.number,
    vendor: { name: inv.vendor, country: inv.country },
    invoice_date: inv.date,
    total: { amount: inv.total, iso_4217_currency_code: 'USD' },
    paid: inv.paid === 'yes', // 'false' for no: the rules engine reads "Paid: no" as a label decoration
    category: inv.category,
    line_items: inv.lines.map(([description, qty, amount]) => ({ description, qty, amount })),
  };
}

export const CLASSES = [
  { id: 'invoice', type: 'Invoice', description: 'A bill: invoice number, amount due' },
  { id: 'receipt', type: 'Receipt', description: 'Proof of payment: thank you, paid, change' },
];

// A three-page document: two pages of invoice, one receipt.
export const SPLIT_DOC = {
  name: 'wb-bundle.pdf',
  pages: [['INVOICE', 'Invoice No. INV-7', 'Amount due: 10.00'], ['INVOICE continued', 'Line 2'], ['RECEIPT', 'Thank you for your purchase', 'Change: 0.00']],
};

// An http engine that holds every request until release(); answers `output`.
export function gatedEngine(output) {
  return startGatedEngine({ output });
}
