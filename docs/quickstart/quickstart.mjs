// npm install extend-ai   then:   GOLDSET_API_KEY=sk_… node quickstart.mjs
import { ExtendClient } from "extend-ai";

const baseUrl = process.env.GOLDSET_URL ?? "http://127.0.0.1:8080";
const client = new ExtendClient({ token: process.env.GOLDSET_API_KEY, baseUrl });

// 1. An extractor: Extend's JSON Schema config (the built-in rules engine reads labelled fields).
const extractor = await client.extractors.create({
  name: "Quick start invoices",
  config: {
    schema: {
      type: "object",
      properties: {
        invoice_number: { type: ["string", "null"], description: "The invoice number" },
        total: { type: ["number", "null"], description: "The total amount due" },
      },
    },
  },
});

// 2. Ground truth: three documents and what should be read from each.
const items = [];
for (const [number, total] of [["INV-1", 120.5], ["INV-2", 99], ["INV-3", 10.25]]) {
  const text = `INVOICE\nInvoice Number: ${number}\nTotal: ${total.toFixed(2)}\n`;
  const file = await client.files.upload(new File([text], `${number}.txt`, { type: "text/plain" }), {});
  items.push({ fileId: file.id, expectedOutput: { value: { invoice_number: number, total } } });
}
const set = await client.evaluationSets.create({ name: "Quick start", description: "", entityId: extractor.id });
await client.evaluationSetItems.create(set.id, { items });

// 3. Run the extractor over the set and wait for the result.
let run = await client.evaluationSetRuns.create({ evaluationSetId: set.id });
while (["PENDING", "PROCESSING"].includes(run.status)) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  run = await client.evaluationSetRuns.retrieve(run.id);
}
console.log(`${run.status}: accuracy ${run.metrics.accuracy}`);
console.log(`Open ${baseUrl}/#/runs/${run.id}`);
