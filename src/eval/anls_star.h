// ANLS* (Peer et al., 2024, "ANLS* -- A Universal Document Processing Metric for
// Generative Large Language Models"), equal to the reference implementation
// (deepopinion/anls_star_metric, anls_score(gt, pred)) within floating-point rounding.
//
//   leaf vs leaf  1 - Levenshtein / max length over the Python str() of each side,
//                 lower-cased, whitespace runs collapsed; below 0.5 counts 0
//   None vs x     1 when x is None, "", [] or {} ("none-ish"), else 0
//   dict vs dict  every key of either side (a missing key is None); a key only the
//                 prediction has, with a none-ish value, adds length but no score
//   list vs list  elements paired by Munkres (munkres.h) on their mean scores
//   one-of-n      the best option (ground truth only; see AnlsStarOptions)
// The score is the sum of leaf scores over the "pairwise length" (leaves of the larger
// side, pair by pair); 1 when that length is 0. Leaves are stringified as Python does
// (10 -> "10", 10.0 -> "10.0", 1e16 -> "1e+16", true -> "True").
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace goldset::eval {

struct AnlsStarOptions {
  // Ground-truth objects of exactly one key "$oneOf" holding a non-empty array are
  // one-of-n options (the reference's Python tuples). Off for scoring runs.
  bool one_of_objects = false;
  // Work allowed: one step per node pair compared, per code point of compared leaves,
  // and rows x cols x max(rows, cols) per list pairing (list pairing compares every
  // element pair, recursively); beyond it the score fails with TooLarge rather than
  // holding a worker.
  uint64_t max_comparisons = 4'000'000;
  // Tables (lists of objects of scalars with the same keys in the same order) paired by
  // their total similarity alone; false pairs them row pair by row pair, as every other
  // list is (the same score: tests compare the two).
  bool tables_by_weight = true;
};

// anls_score(gt, pred). A ground-truth array of strings against a string prediction is
// one-of-n, as in the reference's VQA compatibility mode. Errors: TooLarge (budget),
// InvalidArgument (an empty one-of-n).
StatusOr<double> AnlsStar(const json::value& gt, const json::value& pred, const AnlsStarOptions& options = {});

// AnlsStar plus, when both sides are objects, each key's own score (the reference's
// key score of a top-level key: that key's leaf scores over its pairwise length), for
// the keys of `gt` and the keys only `pred` holds with a value.
struct AnlsStarDetail {
  double score = 1;
  std::vector<std::pair<std::string, double>> keys;
};
StatusOr<AnlsStarDetail> AnlsStarWithKeys(const json::value& gt, const json::value& pred,
                                          const AnlsStarOptions& options = {});

// Python's str() of a JSON scalar: strings as they are, true -> "True", integers in
// decimal, doubles in repr's shortest round-trip form. Exposed for tests.
std::string PythonStr(const json::value& scalar);

}  // namespace goldset::eval
