#!/usr/bin/env python3
"""Writes tests/cases/tree_edit/reference_donut.json: tree-edit accuracy cases whose
expected values come from the reference implementation (clovaai/donut, donut/util.py,
JSONParseEvaluator.cal_acc and the counts behind cal_f1), on generated receipt-like JSON.

Usage: DONUT_SRC=<donut checkout> PYTHONPATH=<dir holding the zss package> \
       /usr/bin/python3 tree_edit_reference.py
Needs zss (Zhang-Shasha; PyPI `zss`) and nltk (Debian's python3-nltk) and numpy. util.py
imports torch, datasets and transformers for its other classes; only the
JSONParseEvaluator class is taken from it (by parsing the file), so they are not needed.
"""
import ast
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tree_edit", "reference_donut.json")


def load_evaluator():
    path = os.path.join(os.environ["DONUT_SRC"], "donut", "util.py")
    tree = ast.parse(open(path, encoding="utf-8").read())
    cls = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "JSONParseEvaluator"]
    ns = {}
    exec("import zss\nfrom zss import Node\nfrom nltk import edit_distance\n"
         "from typing import Any, Dict, List, Tuple, Union\nfrom collections import defaultdict\n", ns)
    exec(compile(ast.Module(body=cls, type_ignores=[]), path, "exec"), ns)
    return ns["JSONParseEvaluator"]()


WORDS = ["cake", "coffee", "tea", "latte", "bagel", "Total", "12.50", "3", "x", "INV-001", "ACME Ltd",
         "2024-01-05", "", "Ünïcode", "ß", "a b", "10", "10.0"]
KEYS = ["nm", "cnt", "price", "total", "sub", "menu", "tax", "date", "a", "bb", "id"]


def leaf(rng):
    r = rng.random()
    if r < 0.6:
        return rng.choice(WORDS)
    if r < 0.75:
        return rng.randint(0, 200)
    if r < 0.85:
        return round(rng.uniform(0, 100), rng.choice([0, 1, 2]))
    if r < 0.9:
        return rng.choice([True, False])
    return None


def value(rng, depth):
    r = rng.random()
    if depth <= 0 or r < 0.55:
        return leaf(rng)
    if r < 0.75:
        return obj(rng, depth - 1)
    if r < 0.9:  # a table: list of objects with the same keys
        keys = rng.sample(KEYS, rng.randint(1, 3))
        return [{k: leaf(rng) for k in keys} for _ in range(rng.randint(0, 4))]
    return [leaf(rng) for _ in range(rng.randint(0, 3))]


def obj(rng, depth):
    return {k: value(rng, depth) for k in rng.sample(KEYS, rng.randint(1, 4))}


def mutate(rng, v):
    """A prediction: the ground truth with typos, drops, additions and type changes."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if rng.random() < 0.15:
                continue
            out[k] = mutate(rng, x)
        if rng.random() < 0.2:
            out[rng.choice(KEYS)] = leaf(rng)
        return out
    if isinstance(v, list):
        out = [mutate(rng, x) for x in v if rng.random() > 0.15]
        if rng.random() < 0.2 and out:
            out.insert(rng.randrange(len(out) + 1), out[0])
        if rng.random() < 0.2:
            rng.shuffle(out)
        return out
    r = rng.random()
    if r < 0.6:
        return v
    if r < 0.8 and isinstance(v, str) and v:
        i = rng.randrange(len(v))
        return v[:i] + rng.choice("abcxyz0 ") + v[i + 1:]
    if r < 0.9:
        return str(v) if v is not None else "None"
    return leaf(rng)


def main():
    e = load_evaluator()
    rng = random.Random(20261204)
    cases = []
    while len(cases) < 300:
        gt = obj(rng, 3)
        pred = mutate(rng, gt) if rng.random() < 0.9 else obj(rng, 2)
        g, p = e.flatten(e.normalize_dict(gt)), e.flatten(e.normalize_dict(pred))
        if not g:  # the reference divides by zero on an empty ground truth
            continue
        acc = e.cal_acc(pred, gt)
        tp = 0
        left = list(g)
        for field in p:
            if field in left:
                tp += 1
                left.remove(field)
        cases.append({"gt": gt, "pred": pred, "accuracy": float(acc), "truePositives": tp,
                      "predFields": len(p), "gtFields": len(g)})
    doc = {"description": "nTED accuracy and field counts from the reference (clovaai/donut "
                          "JSONParseEvaluator with zss and nltk), written by ../tree_edit_reference.py",
           "kind": "ted", "cases": cases}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
