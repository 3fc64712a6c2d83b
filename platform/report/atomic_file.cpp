#include "platform/report/atomic_file.h"

#include "models/base/output_file.h"

namespace nmsim::report {

void write_file_atomically(const std::string& path, const std::string& content) {
  write_output_file(path, content);
}

}  // namespace nmsim::report
