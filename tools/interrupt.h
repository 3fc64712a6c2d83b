// SIGINT, SIGTERM and SIGHUP end a command cleanly: one line on stderr ("nmsim: interrupted
// (SIGINT)"), the signal passed on to the children the command started and those waited for,
// the temporaries of unfinished outputs removed (models/base/live_temporaries.h), and exit
// status 128 + the signal (130, 143, 129). A second signal ends at once: the children are
// killed, not waited for.
//
// The handler ends the process itself, doing only async-signal-safe work (write, kill,
// waitpid, unlink, _exit): nothing else needs closing, because a command puts its outputs in
// place only at its very end (tools/command_outputs.h). So a run stops at once wherever it is
// (inside the SystemC kernel, reading a data set, in the functional reference), with no flag
// to poll and nothing added to the simulation.
#pragma once

#include <sys/types.h>

#include <string>

namespace nmsim::tools {

// At the start of main.
void install_interrupt_handlers();

// A child the handler passes a signal on to: its whole process group when it leads one.
// Fork with HeldStopSignals (models/base/live_temporaries.h) until the child is tracked.
void track_child(pid_t pid, bool own_group);
void untrack_child(pid_t pid);

// In a forked child that shares its parent's terminal: the parent announces the signal.
void interrupt_silently();

// While one lives, a first signal is only recorded (interrupt_signal() returns it) for a loop
// that stops on its own: nmsim sweep stops its points, writes its CSV and says how to resume.
// A second signal still ends at once.
class DeferredInterrupt {
 public:
  DeferredInterrupt();
  ~DeferredInterrupt();
  DeferredInterrupt(const DeferredInterrupt&) = delete;
  DeferredInterrupt& operator=(const DeferredInterrupt&) = delete;
};
// The signal received (0: none).
int interrupt_signal();

// The line the handler prints: "nmsim: interrupted (SIGTERM)".
std::string interrupted_message(int signal);

}  // namespace nmsim::tools
