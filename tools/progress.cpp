#include "tools/progress.h"

#include <unistd.h>

#include <cstdio>

namespace nmsim::tools {

Progress::Progress(std::string what, bool quiet)
    : m_what(std::move(what)),
      m_enabled(!quiet && isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now()),
      m_last_draw(m_start) {}

void Progress::update(uint64_t done, uint64_t total) {
  if (!m_enabled || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  // Only runs longer than a few seconds show progress, redrawn at most 5 times a second.
  if (elapsed < 2.0 || now - m_last_draw < std::chrono::milliseconds(200)) return;
  m_last_draw = now;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::fprintf(stderr, "\r%s %llu/%llu (%.1f%%) elapsed %.0f s, ETA %.0f s   ", m_what.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               100.0 * fraction, elapsed, eta);
  std::fflush(stderr);
  m_shown = true;
}

void Progress::finish() {
  if (m_shown) std::fprintf(stderr, "\r%*s\r", 78, "");
  m_shown = false;
}

}  // namespace nmsim::tools
