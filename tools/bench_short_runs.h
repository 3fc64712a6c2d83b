// `nmsim bench --short-runs`: the synthetic-traffic mode's speed as a sweep sees it. A sweep runs
// many short jobs, so what it waits for is the whole process: start-up, simulation, report and
// exit. Each of the four runs (`nmsim traffic` with its defaults on 8 x 8 and 16 x 16 meshes at
// 0.02 and 0.1 flits/node/cycle) is timed as a process, `rounds` times; with another build
// (`against`, e.g. one of an older commit) the two alternate run by run, so a change in the
// machine's load falls on both, and the table gives the speed ratio.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace nmsim::tools {

struct ShortRunsOptions {
  std::string binary;   // this build
  std::string against;  // another build, or empty
  uint32_t rounds = 5;
};

void print_short_runs(const ShortRunsOptions& options, std::ostream& out);

}  // namespace nmsim::tools
