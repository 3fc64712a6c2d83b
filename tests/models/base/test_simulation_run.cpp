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

[[noreturn]] void fail_after_scoped_locals(const std::string& what) {
  for (int i = 0; i < 2; ++i) {
    const std::string scoped = what + std::to_string(i);  // poisoned when its scope ends
    if (scoped.empty()) break;
  }
  throw nmsim::DataError(what);
}

std::string fail_through_a_cleanup(const std::string& what) {
  const std::string cleanup = "destroyed while the exception passes";  // a landing pad
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
