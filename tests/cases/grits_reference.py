#!/usr/bin/env python3
"""Writes tests/cases/grits/*.json: GriTS-Con cases whose expected values come from the
reference implementation (microsoft/table-transformer, src/grits.py, grits_con).

Usage: GRITS_SRC=<table-transformer>/src /usr/bin/python3 grits_reference.py
Needs numpy (Debian's python3-numpy). grits.py imports PyMuPDF's Rect for its
bounding-box metrics only; grits_con never calls it, so a stand-in module named `fitz`
lets the reference load unchanged without PyMuPDF.
"""
import json
import os
import random
import sys
import types

sys.modules.setdefault("fitz", types.SimpleNamespace(Rect=None))
sys.path.insert(0, os.environ["GRITS_SRC"])
import numpy as np  # noqa: E402
from grits import grits_con, lcs_similarity  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grits")


def case(true, pred, note=""):
    t = np.array(true, dtype=object) if true and true[0] else np.empty((len(true), 0), dtype=object)
    p = np.array(pred, dtype=object) if pred and pred[0] else np.empty((len(pred), 0), dtype=object)
    if t.ndim != 2:
        t = t.reshape((0, 0))
    if p.ndim != 2:
        p = p.reshape((0, 0))
    g, prec, rec, ub = grits_con(t, p)
    c = {"true": true, "pred": pred, "grits": g, "precision": prec, "recall": rec, "upperBound": ub}
    if note:
        c["note"] = note
    return c


def lcs_case(a, b, note=""):
    c = {"a": a, "b": b, "similarity": lcs_similarity(a, b)}
    if note:
        c["note"] = note
    return c


WORDS = ["Acme", "Globex", "Widget", "Gadget", "Bolt", "Nut", "Café", "Müller", "SKU-1042", "SKU-1024", "12.50",
         "125.0", "3", "", "Blue widget", "blue Widget", "Total", "Tax"]


def grid(rng, rows, cols):
    return [[rng.choice(WORDS) for _ in range(cols)] for _ in range(rows)]


def perturb(rng, g):
    out = [list(r) for r in g]
    kind = rng.randrange(7)
    if kind == 0 and out:  # drop a row
        out.pop(rng.randrange(len(out)))
    elif kind == 1:  # add a row
        out.insert(rng.randrange(len(out) + 1), [rng.choice(WORDS) for _ in range(len(out[0]) if out else 3)])
    elif kind == 2 and len(out) > 1:  # swap two rows
        i, j = rng.sample(range(len(out)), 2)
        out[i], out[j] = out[j], out[i]
    elif kind == 3 and out and len(out[0]) > 1:  # drop a column
        c = rng.randrange(len(out[0]))
        out = [r[:c] + r[c + 1:] for r in out]
    elif kind == 4 and out:  # a typo
        r, c = rng.randrange(len(out)), rng.randrange(len(out[0]))
        s = out[r][c]
        out[r][c] = s[:-1] + "x" if s else "x"
    elif kind == 5 and out:  # a different value
        out[rng.randrange(len(out))][rng.randrange(len(out[0]))] = rng.choice(WORDS)
    for _ in range(rng.randrange(3)):  # and a few more changed cells
        if out and out[0]:
            out[rng.randrange(len(out))][rng.randrange(len(out[0]))] = rng.choice(WORDS)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    fixed = [
        case([["a", "b"], ["c", "d"]], [["a", "b"], ["c", "d"]], "identical"),
        case([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "b"]], "rows swapped: only one row aligns"),
        case([["a", "b"], ["c", "d"]], [["a", "b"]], "a dropped row: precision 1"),
        case([["a", "b"]], [["a", "b"], ["c", "d"]], "an extra row: recall 1"),
        case([["a", "b", "c"], ["d", "e", "f"]], [["a", "c"], ["d", "f"]], "a dropped column"),
        case([["Widget", "12.50"]], [["Widgets", "12.5"]], "near misses score partially"),
        case([["", ""]], [["", ""]], "empty texts are equal"),
        case([["x"]], [[""]], "one side empty"),
        case([["abcd"]], [["dcba"]], "SequenceMatcher's blocks, not a true LCS"),
        case([["Item", "Qty", "Price"], ["Bolt", "3", "1.20"], ["Nut", "10", "0.05"], ["Washer", "4", "0.10"]],
             [["Item", "Qty", "Price"], ["Bolt", "3", "1.20"], ["Washer", "4", "0.1"], ["Screw", "2", "0.30"]],
             "an invoice table with a replaced row"),
        case([["Müller GmbH", "Café"]], [["Muller GmbH", "Cafe"]], "non-ASCII code points"),
        case([["a" * 150 + "b" * 150]], [["a" * 150 + "c" + "b" * 149]], "texts of 200+ code points: popular elements"),
        case([["the quick brown fox jumps over the lazy dog " * 6]], [["the quick brown cat jumps over the lazy dog " * 6]],
             "autojunk on a long repetitive text"),
    ]
    lcs = [
        lcs_case("abcd", "dcba"), lcs_case("", ""), lcs_case("a", ""), lcs_case("kitten", "sitting"),
        lcs_case("abxcd", "abcd"), lcs_case("a" * 120 + "xyz" + "a" * 120, "a" * 240 + "xyz", "autojunk drops 'a' from b"),
        lcs_case("qabxcd", "abycdf"), lcs_case("Ünïcödé", "Unicode"),
        lcs_case("x" + "a" * 5 + "yz", "a" * 300 + "yz", "a match extends backwards over popular elements"),
        lcs_case("yz" + "a" * 5 + "x", "yz" + "a" * 300, "and forwards"),
    ]
    rng = random.Random(20261204)
    sweep = []
    for _ in range(200):
        rows, cols = rng.randrange(0, 7), rng.randrange(1, 5)
        t = grid(rng, rows, cols) if rows else []
        p = perturb(rng, t) if t else grid(rng, rng.randrange(0, 3), cols)
        if rng.randrange(10) == 0:
            p = grid(rng, rng.randrange(0, 5), rng.randrange(1, 5))
        sweep.append(case(t, p))
    files = {
        "reference_examples.json": ("GriTS-Con of hand-picked grids; values from the reference's grits_con", fixed),
        "random_grids.json": ("GriTS-Con of 200 seeded random grids (dropped, added, swapped rows, dropped columns, typos);"
                              " values from the reference's grits_con", sweep),
    }
    files["lcs_similarity.json"] = ("the reference's lcs_similarity (difflib.SequenceMatcher blocks)", lcs)
    for name, (desc, cases) in files.items():
        kind = "grits_lcs" if name.startswith("lcs") else "grits"
        with open(os.path.join(OUT, name), "w") as f:  # one case per line
            f.write("{\"description\": %s,\n \"kind\": \"%s\",\n \"cases\": [\n" % (json.dumps(desc), kind))
            f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
            f.write("\n ]}\n")


if __name__ == "__main__":
    main()
