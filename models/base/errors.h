// Two tiers of failure (as gem5's fatal/panic): user errors are exceptions caught once in
// tools/ (message, non-zero exit, no partial output); broken invariants abort with file:line.
#pragma once

#include <stdexcept>
#include <string>

namespace nmsim {

// Base of every error the user can cause and fix.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config file or option is malformed, unknown, out of range or inconsistent.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A data set or weights file is missing or damaged.
class DataError : public Error {
 public:
  using Error::Error;
};

// The network stopped making progress with packets in flight.
class DeadlockError : public Error {
 public:
  using Error::Error;
};

[[noreturn]] void assertion_failed(const char* expression, const char* file, int line,
                                   const std::string& message);

}  // namespace nmsim

// A simulator bug, never a user error.
#define NMSIM_ASSERT(condition, message)                                      \
  do {                                                                        \
    if (!(condition)) {                                                       \
      ::nmsim::assertion_failed(#condition, __FILE__, __LINE__, (message));   \
    }                                                                         \
  } while (false)
