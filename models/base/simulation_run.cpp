#include "models/base/simulation_run.h"

#include <systemc>

#if defined(__SANITIZE_ADDRESS__)  // GCC
#define NMSIM_ADDRESS_SANITIZER 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define NMSIM_ADDRESS_SANITIZER 1
#endif
#endif

#ifdef NMSIM_ADDRESS_SANITIZER
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace nmsim {

namespace {

// Announces a switch from the stack the sanitizer believes in to the thread's own stack (as
// the C library knows it), keeping the thread's fake stack (detect_stack_use_after_return).
void announce_thread_stack() {
#ifdef NMSIM_ADDRESS_SANITIZER
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
  void* bottom = nullptr;
  size_t size = 0;
  const bool known = pthread_attr_getstack(&attributes, &bottom, &size) == 0;
  pthread_attr_destroy(&attributes);
  if (!known) return;
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

}  // namespace

void run_simulation() {
  sc_core::sc_start();
  announce_thread_stack();
}

}  // namespace nmsim
