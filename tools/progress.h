// Progress with an ETA on a terminal; silent when stderr is not a terminal or when quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nmsim::tools {

class Progress {
 public:
  Progress(std::string what, bool quiet);
  void update(uint64_t done, uint64_t total);
  void finish();

 private:
  std::string m_what;
  bool m_enabled;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
};

}  // namespace nmsim::tools
