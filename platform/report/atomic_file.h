// Output files appear whole or not at all: a failed run leaves no half-written report.
#pragma once

#include <string>

namespace nmsim::report {

// Writes `content` to `path` through a unique temporary renamed into place (a device or FIFO
// is written into, a symlink's target replaced): models/base/output_file.h. DataError naming
// the path and the OS's reason; the temporary is removed.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace nmsim::report
