// Rank correlations of graded human labels against evaluator scores (SPEC "calibration.json":
// `spearman`, `kendall_tau_b`). Both handle ties, which graded rubrics (1-5 scales) are full of.
#pragma once

#include <optional>
#include <vector>

namespace arbiter {

// Ranks 1..n with tied values given the average of the ranks they span.
std::vector<double> AverageRanks(const std::vector<double>& values);

// Spearman's rho: Pearson's correlation of the average ranks. nullopt when the inputs differ in
// length, have fewer than two values, or either side is constant.
std::optional<double> SpearmanRho(const std::vector<double>& x, const std::vector<double>& y);

// Kendall's tau-b (ties corrected in both variables). Same nullopt cases as SpearmanRho.
// O(n^2): label sets hold tens to hundreds of rows.
std::optional<double> KendallTauB(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace arbiter
