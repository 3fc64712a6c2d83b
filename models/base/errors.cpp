#include "models/base/errors.h"

#include <cstdio>
#include <cstdlib>

namespace nmsim {

void assertion_failed(const char* expression, const char* file, int line,
                      const std::string& message) {
  std::fprintf(stderr, "nmsim internal error: %s:%d: assertion '%s' failed: %s\n", file, line,
               expression, message.c_str());
  std::abort();
}

}  // namespace nmsim
