// Suspect labels: which expected values are most likely wrong, given several runs that
// scored the same items (docs/evaluation.md § Suspect labels).
//
// Method (one-coin Dawid–Skene, leave-one-out reliabilities): for each run r and field f,
// its reliability on item i is p = (correct − [correct on i] + 1) / (labelled − [labelled
// on i] + 2): its accuracy on the rest of the set, Laplace-smoothed, so an item never
// vouches for the run judging it. A run votes for its value (for the expected value when
// its verdict is correct) with weight w = max(0, logit p): under the one-coin model
// (right with probability p, else some other value) that is the log-likelihood a vote
// adds to its value. The label votes for itself with weight logit(label_prior). The
// posterior of a candidate value is the softmax of its summed weights; an entry's score is
// P(true value ≠ expected), its consensus the strongest other value, agreeingRuns the runs
// that voted for it. Only item/field pairs where some run disagrees are listed.
// Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace goldset::eval {

// One run's verdicts: item id -> ScoreItem result ({fields: {path: {expected, actual,
// verdict}}}). Items the caller wants ignored for this run (scored against an expected
// output that is not the item's current one) are simply absent.
struct SuspectRun {
  std::string run_id;
  std::map<std::string, json::object> results;
};

struct Suspect {
  std::string item_id, field_path;
  json::value expected, consensus;
  std::vector<std::string> agreeing_runs;
  double score = 0;  // P(true value != expected), in [0, 1]
};

struct SuspectOptions {
  double label_prior = 0.9;  // prior probability that a label is right
};

// Sorted by score, then more agreeing runs, then item id and field path.
std::vector<Suspect> RankSuspects(const std::vector<SuspectRun>& runs, const SuspectOptions& options = {});

// Per-run, per-field reliabilities over the whole set ({run_id: {field: accuracy}}), for
// the response's explanation.
json::object SuspectReliabilities(const std::vector<SuspectRun>& runs);

}  // namespace goldset::eval
