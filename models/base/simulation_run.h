// Running the SystemC kernel. Every caller of sc_start() in nmsim goes through run_simulation().
#pragma once

namespace nmsim {

// sc_core::sc_start() to the end of the simulation; then, in an AddressSanitizer build, tells
// the sanitizer the thread is back on its own stack.
//
// Why: Debian's SystemC 2.3.4 announces its QuickThreads coroutine switches to the sanitizer
// (__sanitizer_start_switch_fiber) but not all of them: a thread process that ends switches
// away unannounced (sc_cor_pkg_qt::abort), and the main coroutine is announced as an empty
// stack. After sc_start() returns, the sanitizer still believes the thread runs on a
// coroutine's stack, so the __asan_handle_no_return of every later throw cannot find the stack
// and skips unpoisoning the frames the exception abandons; the next call into the sanitizer's
// runtime from those addresses (its own sigaltstack() at the following landing pad) then
// reports a false stack-use-after-scope. Errors inside the simulation are stored and rethrown
// after sc_start() returns (models/noc/mesh.h), so no throw happens while the kernel runs.
void run_simulation();

}  // namespace nmsim
