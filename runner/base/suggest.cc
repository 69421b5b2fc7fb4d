#include "runner/base/suggest.h"

#include <algorithm>

namespace arbiter {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;  // suggest only close names
  for (const std::string& candidate : candidates) {
    // Lengths that differ by the bound or more cannot come closer: skip the quadratic distance
    // (a long missing file name against a folder's every name took 250 ms under ASan).
    size_t length_gap = name.size() > candidate.size() ? name.size() - candidate.size()
                                                       : candidate.size() - name.size();
    if (length_gap >= best_distance) continue;
    size_t d = EditDistance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace arbiter
