// Output files appear whole or not at all: a failed run leaves no half-written report.
#pragma once

#include <string>

namespace nmsim::report {

// Writes `content` to "<path>.tmp", then renames it to `path`. DataError naming the
// path (and removing the temporary) if either step fails.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace nmsim::report
