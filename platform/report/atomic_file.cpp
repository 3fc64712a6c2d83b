#include "platform/report/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "models/base/errors.h"

namespace nmsim::report {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw DataError("cannot write '" + path + "': " + std::strerror(errno));
  }
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const int saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temporary.c_str());
    throw DataError("cannot write '" + path + "': " + std::strerror(written ? errno : saved_errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(temporary.c_str());
    throw DataError("cannot write '" + path + "': " + std::strerror(rename_errno));
  }
}

}  // namespace nmsim::report
