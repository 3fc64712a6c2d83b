// CSV as RFC 4180 writes it: a field with a comma, quote or line break is quoted, quotes doubled.
#pragma once

#include <string>
#include <vector>

namespace nmsim::sweep {

std::string csv_field(const std::string& text);
// The fields joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace nmsim::sweep
