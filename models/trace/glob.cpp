#include "models/trace/glob.h"

#include <algorithm>
#include <utility>

namespace nmsim::trace {

bool glob_match(const std::string& pattern, const std::string& text) {
  // Greedy with backtracking to the last '*': linear for one star, no recursion.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::size_t glob_distance(const std::string& pattern, const std::string& text) {
  // Levenshtein's table, one row at a time; a '*' row takes the best of "matches nothing"
  // (the row above) and "matches one more character" (the cell to the left).
  std::vector<std::size_t> above(text.size() + 1), row(text.size() + 1);
  for (std::size_t j = 0; j <= text.size(); ++j) above[j] = j;
  for (const char p : pattern) {
    row[0] = above[0] + (p == '*' ? 0 : 1);
    for (std::size_t j = 1; j <= text.size(); ++j) {
      if (p == '*') {
        row[j] = std::min(above[j], row[j - 1]);
      } else {
        const std::size_t substitute = above[j - 1] + (p == '?' || p == text[j - 1] ? 0 : 1);
        row[j] = std::min({substitute, above[j] + 1, row[j - 1] + 1});
      }
    }
    std::swap(above, row);
  }
  return above[text.size()];
}

std::vector<std::string> nearest_names(const std::string& pattern, const std::vector<std::string>& names,
                                       std::size_t count) {
  std::vector<std::pair<std::size_t, std::size_t>> ranked;  // distance, index
  ranked.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) ranked.emplace_back(glob_distance(pattern, names[i]), i);
  const std::size_t kept = std::min(count, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept), ranked.end());
  std::vector<std::string> nearest;
  for (std::size_t k = 0; k < kept; ++k) nearest.push_back(names[ranked[k].second]);
  return nearest;
}

}  // namespace nmsim::trace
