// A chip job in a child process: SystemC elaborates and simulates one design per process
// (its kernel cannot be reset), so a command that runs several jobs forks once per job. The
// child runs the job and sends back its outcome; a user error in the child is thrown again
// here with its kind (ConfigError, DataError, DeadlockError) and message. A signal that stops
// this process stops the child first (tools/interrupt.h).
#pragma once

#include <functional>
#include <string>

#include "proto/compare.pb.h"

namespace nmsim::tools {

// Runs `job` in a forked child and returns what it returned. `name` labels errors ("spide:
// ..."). The caller must not have started a simulation in this process.
CompareJobOutcome run_in_child_process(const std::string& name, const std::function<CompareJobOutcome()>& job);

}  // namespace nmsim::tools
