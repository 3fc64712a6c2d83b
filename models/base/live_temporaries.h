// The temporaries of outputs being written, listed where a signal handler can reach them: a
// run stopped by SIGINT or SIGTERM removes them (remove_live_temporaries is async-signal-safe)
// before it exits, so no half-written file is left behind.
#pragma once

#include <signal.h>

#include <string>

namespace nmsim {

// Lists `path`, a temporary just created; returns its slot for forget_temporary. Error if
// too many temporaries are open at once (a program bug: a run has a handful).
int remember_temporary(const std::string& path);
// Takes the temporary of `slot` off the list (it was renamed into place or removed).
void forget_temporary(int slot);
// Unlinks every listed temporary. Async-signal-safe: only atomic loads and unlink().
void remove_live_temporaries();

// Holds SIGINT, SIGTERM and SIGHUP while it lives (they are delivered when it ends): a
// temporary is listed as soon as it exists, and a group of outputs is renamed into place
// as one step, not half of it.
class HeldStopSignals {
 public:
  HeldStopSignals();
  ~HeldStopSignals();
  HeldStopSignals(const HeldStopSignals&) = delete;
  HeldStopSignals& operator=(const HeldStopSignals&) = delete;

 private:
  sigset_t m_previous;
};

}  // namespace nmsim
