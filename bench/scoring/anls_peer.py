#!/usr/bin/python3
"""Times the ANLS* reference implementation (deepopinion/anls_star_metric, anls_score)
on the pairs bench_analysis --data wrote. Prints "key value" lines (CPU time).

usage: PYTHONPATH=<anls_star_metric>/src:<munkres> anls_peer.py PAIRS.json
"""
import json, sys, time

from anls_star import anls_score

pairs = json.load(open(sys.argv[1]))
best, total = 1e9, 0.0
for rep in range(2):
    t0 = time.process_time()
    total = sum(anls_score(gt, pred) for gt, pred in pairs)
    best = min(best, time.process_time() - t0)
print(f"anls_items {len(pairs)}")
print(f"anls_items_per_s {len(pairs) / best:.1f}")
print(f"anls_mean {total / len(pairs):.12f}")
