// CSV as RFC 4180 writes it: a field with a comma, quote or line break is quoted, quotes
// doubled; and read back the same way.
#pragma once

#include <string>
#include <vector>

namespace nmsim::table {

std::string csv_field(const std::string& text);
// The fields joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& fields);

// The records of a CSV text (quoted fields may hold commas, quotes and line breaks; "\r\n"
// ends a record as "\n" does). DataError naming `source` for an unterminated quote.
std::vector<std::vector<std::string>> csv_records(const std::string& text, const std::string& source);

}  // namespace nmsim::table
