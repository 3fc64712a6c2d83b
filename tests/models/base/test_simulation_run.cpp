// run_simulation(): after the kernel ran (and its last thread ended, which SystemC's coroutines
// do not announce to AddressSanitizer), an exception thrown through frames with scoped locals and
// a cleanup is caught normally. In a sanitizer build (NMSIM_SANITIZE) a wrong idea of the stack
// makes this a stack-use-after-scope report inside the sanitizer's sigaltstack().
#include <catch2/catch.hpp>

#include <string>
#include <systemc>

#include "models/base/errors.h"
#include "models/base/simulation_run.h"

namespace {

struct EndingThread : sc_core::sc_module {
  int steps = 0;
  explicit EndingThread(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
    SC_HAS_PROCESS(EndingThread);
    SC_THREAD(run);
  }
  void run() {
    for (; steps < 3; ++steps) wait(1, sc_core::SC_NS);
  }  // returns: the thread ends and SystemC switches away from its stack
};

// Throws from a frame whose scoped buffer ended (the sanitizer poisons it as use-after-scope);
// the exception abandons the frame, which __asan_handle_no_return must unpoison.
[[noreturn, gnu::noinline]] void fail_after_scoped_locals(const std::string& what) {
  {
    volatile char scoped[4096];
    for (size_t i = 0; i < sizeof scoped; ++i) scoped[i] = static_cast<char>(what.size() + i);
  }
  throw nmsim::DataError(what);
}

[[gnu::noinline]] std::string fail_through_a_cleanup(const std::string& what) {
  // Destroyed while the exception passes: a landing pad, which calls the sanitizer's runtime on
  // the stack below, where the abandoned frame was.
  const std::string cleanup = "cleanup";
  fail_after_scoped_locals(what + cleanup.substr(0, 0));
}

}  // namespace

TEST_CASE("simulation run: an exception after the kernel's threads ended is caught cleanly", "[base]") {
  EndingThread thread("thread");
  nmsim::run_simulation();
  CHECK(thread.steps == 3);
  CHECK(sc_core::sc_time_stamp() == sc_core::sc_time(3, sc_core::SC_NS));
  for (int i = 0; i < 3; ++i) {
    try {
      fail_through_a_cleanup("damaged");
      FAIL("no exception");
    } catch (const nmsim::DataError& e) {
      CHECK(std::string(e.what()) == "damaged");
    }
  }
}
