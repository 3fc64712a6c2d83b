// Firmware: the program a core's controller runs. A workload implements one per core role;
// it drives the core only through NeuronCore's firmware API, which charges every call the
// cycles and accesses the hardware would spend.
#pragma once

namespace nmsim::core {

class NeuronCore;

class Program {
 public:
  virtual ~Program() = default;
  virtual void run(NeuronCore& core) = 0;
};

}  // namespace nmsim::core
