#!/usr/bin/env python3
"""Writes the gate fixtures: 40 invoices, their expected outputs, a baseline and a
candidate processor output with planted differences (run once; the files are committed).

  baseline:  vendor.name wrong when i % 4 == 1 (10 items); total wrong when i % 10 == 3 (4)
  candidate: vendor.name right everywhere (10 improved); total wrong when i % 10 == 3 or
             i % 5 == 0 (8 more: regressed); date wrong for i == 7; inv40 a failed run
             (left out of the comparison: 39 paired items)
"""
import json, os

def expected(i):
    return {"value": {"invoice_number": f"INV-{1000 + i}", "vendor": {"name": f"Vendor {chr(64 + (i % 26) + 1)} Ltd"},
                      "total": round(100 + i * 7.25, 2), "date": f"2024-03-{1 + i % 28:02d}"}}

def spoil(v, fields):
    v = json.loads(json.dumps(v))
    if "vendor" in fields: v["value"]["vendor"]["name"] = "Nobody Inc"
    if "total" in fields: v["value"]["total"] += 1
    if "date" in fields: v["value"]["date"] = "1999-01-01"
    return v

os.makedirs("expected", exist_ok=True); os.makedirs("baseline", exist_ok=True); os.makedirs("actual", exist_ok=True)
for i in range(1, 41):
    name = f"inv{i:02d}.json"
    e = expected(i)
    base = [f for f, wrong in (("vendor", i % 4 == 1), ("total", i % 10 == 3)) if wrong]
    cand = [f for f, wrong in (("total", i % 10 == 3 or i % 5 == 0), ("date", i == 7)) if wrong]
    with open(f"expected/{name}", "w") as f: json.dump(e, f, indent=1); f.write("\n")
    with open(f"baseline/{name}", "w") as f: json.dump({"value": spoil(e, base)["value"], "metadata": {}}, f, indent=1); f.write("\n")
    out = {"id": "exr_failed", "status": "FAILED", "output": None} if i == 40 else {"value": spoil(e, cand)["value"], "metadata": {}}
    with open(f"actual/{name}", "w") as f: json.dump(out, f, indent=1); f.write("\n")
with open("config.json", "w") as f:
    json.dump({"schema": {"type": "object", "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "vendor": {"type": ["object", "null"], "properties": {"name": {"type": ["string", "null"]}}},
        "total": {"type": ["number", "null"]},
        "date": {"type": ["string", "null"], "format": "date"}}}}, f, indent=1)
    f.write("\n")
