// A traffic source stepped by the mesh engine inside its own thread: the source's work of a
// cycle (queueing packets, deciding that the run ends) is done in the engine's activation for
// that cycle instead of in a second SystemC thread, so a busy cycle costs one thread switch,
// not two. The engine's order within a cycle is fixed: inject(now), then the nodes' step, then
// finished(now).
#pragma once

#include "models/base/cycle.h"

namespace nmsim::noc {

class CycleSource {
 public:
  virtual ~CycleSource() = default;
  // The next cycle (>= the current one) at which inject() must be called; UINT64_MAX: none.
  virtual Cycle next_injection() const = 0;
  // Called once at each cycle next_injection() named, before the mesh's nodes are stepped in
  // it: queue this cycle's packets with Mesh::inject (at `now`).
  virtual void inject(Cycle now) = 0;
  // Called after every cycle the engine stepped or injected in: true ends the simulation
  // (sc_stop) with that cycle.
  virtual bool finished(Cycle now) = 0;
};

}  // namespace nmsim::noc
