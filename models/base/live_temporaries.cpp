#include "models/base/live_temporaries.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "models/base/errors.h"

namespace nmsim {

namespace {

static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "the signal handler reads the list without locks");

// Each slot: a heap copy of a temporary's path, or null. A handler interrupts the thread that
// changes the list, never runs beside it, so an atomic swap per change is enough.
constexpr std::size_t kSlots = 256;
std::array<std::atomic<char*>, kSlots> g_temporaries{};

}  // namespace

int remember_temporary(const std::string& path) {
  char* copy = strdup(path.c_str());
  if (copy == nullptr) throw Error("out of memory listing the temporary " + path);
  for (std::size_t i = 0; i < kSlots; ++i) {
    char* expected = nullptr;
    if (g_temporaries[i].compare_exchange_strong(expected, copy)) return static_cast<int>(i);
  }
  std::free(copy);
  throw Error("too many output files open at once (" + std::to_string(kSlots) + ")");
}

void forget_temporary(int slot) {
  NMSIM_ASSERT(slot >= 0 && static_cast<std::size_t>(slot) < kSlots, "forget_temporary: no such slot");
  std::free(g_temporaries[static_cast<std::size_t>(slot)].exchange(nullptr));
}

void remove_live_temporaries() {
  for (auto& slot : g_temporaries) {
    const char* path = slot.load();
    if (path != nullptr) unlink(path);
  }
}

HeldStopSignals::HeldStopSignals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP);
  sigprocmask(SIG_BLOCK, &stop, &m_previous);
}

HeldStopSignals::~HeldStopSignals() { sigprocmask(SIG_SETMASK, &m_previous, nullptr); }

}  // namespace nmsim
