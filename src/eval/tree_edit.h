// Tree-edit accuracy of whole JSON outputs (Donut: Kim et al., 2022, "OCR-free Document
// Understanding Transformer", §3.3; reference clovaai/donut donut/util.py
// JSONParseEvaluator): nTED accuracy = max(0, 1 - TED(pred, gt) / TED(empty, gt)), with
// Zhang-Shasha's ordered tree edit distance (1989), and the field-level F1 beside it.
//
// Both sides are first normalised as the reference does: falsy values (null, false, 0,
// "", [], {}) vanish; object keys sorted by (length, key); scalars become Python str()
// stripped; arrays of objects keep their non-empty objects, other arrays their string
// and number items. The tree: "<root>", one node per key, "<subtree>" per object of an
// array, a leaf per string. Costs: insert/delete a leaf = its length, another node 1;
// update leaf/leaf = Levenshtein of the texts, leaf/other = 1 + the leaf's length,
// other/other = 0 if the labels are equal else 1.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/json.h"

namespace goldset::eval {

struct TreeEditScore {
  double accuracy = 0;  // nTED accuracy; 1 when the ground truth tree is empty and so is pred
  // Field-level counts (the reference's cal_f1, micro-averaged by the caller): (path,
  // value) pairs of the flattened normalised outputs, matched as multisets.
  int64_t true_positives = 0, pred_fields = 0, gt_fields = 0;
};

// nullopt when the trees' node counts multiply to more than `max_cells` (the distance
// table's size). `cells`, when given, receives that product either way (the work the
// distance costs, or would have cost).
std::optional<TreeEditScore> TreeEditAccuracy(const json::value& gt, const json::value& pred,
                                              uint64_t max_cells = 4'000'000, uint64_t* cells = nullptr);

}  // namespace goldset::eval
