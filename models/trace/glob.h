// Glob patterns over trace signal names: the --trace filter, and the nearest names offered when
// a pattern matches none.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nmsim::trace {

// '*' any run, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text);
// Edits (insert, delete, substitute a character) that make `text` match `pattern`, where '*'
// and '?' match as in glob_match at no cost: 0 exactly when glob_match.
std::size_t glob_distance(const std::string& pattern, const std::string& text);
// The `count` names nearest to `pattern` by glob_distance (ties in the order given).
std::vector<std::string> nearest_names(const std::string& pattern, const std::vector<std::string>& names,
                                       std::size_t count);

}  // namespace nmsim::trace
