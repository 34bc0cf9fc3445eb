# pip install extend_ai   then:   GOLDSET_API_KEY=sk_… python3 quickstart.py
import os
import time

from extend_ai import Extend

base_url = os.environ.get("GOLDSET_URL", "http://127.0.0.1:8080")
client = Extend(token=os.environ["GOLDSET_API_KEY"], base_url=base_url)

# 1. An extractor: Extend's JSON Schema config (the built-in rules engine reads labelled fields).
extractor = client.extractors.create(
    name="Quick start invoices",
    config={
        "schema": {
            "type": "object",
            "properties": {
                "invoice_number": {"type": ["string", "null"], "description": "The invoice number"},
                "total": {"type": ["number", "null"], "description": "The total amount due"},
            },
        }
    },
)

# 2. Ground truth: three documents and what should be read from each.
items = []
for number, total in [("INV-1", 120.5), ("INV-2", 99), ("INV-3", 10.25)]:
    text = f"INVOICE\nInvoice Number: {number}\nTotal: {total:.2f}\n"
    file = client.files.upload(file=(f"{number}.txt", text.encode(), "text/plain"))
    items.append({"file_id": file.id, "expected_output": {"value": {"invoice_number": number, "total": total}}})
evaluation_set = client.evaluation_sets.create(name="Quick start", description="", entity_id=extractor.id)
client.evaluation_set_items.create(evaluation_set.id, items=items)

# 3. Run the extractor over the set and wait for the result.
run = client.evaluation_set_runs.create(evaluation_set_id=evaluation_set.id)
while run.status in ("PENDING", "PROCESSING"):
    time.sleep(0.5)
    run = client.evaluation_set_runs.retrieve(run.id)
print(f"{run.status}: accuracy {run.metrics.accuracy}")
print(f"Open {base_url}/#/runs/{run.id}")
