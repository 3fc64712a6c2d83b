// What every model of one chip shares besides its own config: the clock, the phase
// register, the tracer and the spike and membrane recorder. Owned by the chip (or a test
// bench), passed by reference; never global.
#pragma once

#include "models/base/cycle.h"
#include "models/base/phase.h"

namespace nmsim {

namespace trace {
class Tracer;
class NeuronRecorder;
}  // namespace trace

struct SimContext {
  explicit SimContext(double clock_mhz) : clock(clock_mhz) {}
  Clock clock;
  PhaseRegister phase;
  trace::Tracer* tracer = nullptr;  // null: tracing off
  trace::NeuronRecorder* neurons = nullptr;  // spike and membrane CSV exports; null: off
};

}  // namespace nmsim
