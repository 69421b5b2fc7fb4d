// Agreement between an evaluator and human labels, or between two reviewers: the confusion
// matrix of a pass/fail decision and the figures calibration reports from it (SPEC
// "calibration.json"). The positive class is the failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arbiter {

struct ConfusionMatrix {
  uint64_t tp = 0;  // humans say fail, the evaluator fails the trace
  uint64_t fp = 0;  // humans say pass, the evaluator fails it
  uint64_t tn = 0;  // both pass
  uint64_t fn = 0;  // humans say fail, the evaluator passes it

  uint64_t n() const { return tp + fp + tn + fn; }
  void Add(bool human_fail, bool evaluator_fail) {
    if (human_fail) {
      ++(evaluator_fail ? tp : fn);
    } else {
      ++(evaluator_fail ? fp : tn);
    }
  }
};

// Matthews correlation coefficient. 0 when a row or column of the matrix is empty (the
// evaluator or the humans never, or always, say fail): no evidence of agreement beyond chance.
double Mcc(const ConfusionMatrix& m);

// Cohen's kappa of the two pass/fail raters in `m`. 0 when chance agreement is 1 (both raters
// give one class only), the same convention as Mcc.
double CohenKappa(const ConfusionMatrix& m);

// Cohen's kappa for two raters over any nominal categories (reviewer against reviewer), paired
// by position. REQUIRES: a.size() == b.size(). nullopt for no pairs; 0 when chance agreement is 1.
std::optional<double> CohenKappa(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b);

// Precision and recall for the failure class; nullopt when the denominator is 0.
std::optional<double> Precision(const ConfusionMatrix& m);
std::optional<double> Recall(const ConfusionMatrix& m);

// Krippendorff's alpha for nominal data. `units` holds, per unit (a trace and failure mode),
// the values its reviewers gave; units with fewer than two values are not pairable and are
// ignored, so any number of reviewers and missing labels are fine. nullopt when fewer than two
// pairable values exist or every value is the same (expected disagreement 0).
std::optional<double> KrippendorffAlphaNominal(const std::vector<std::vector<std::string>>& units);

}  // namespace arbiter
