// Shared by the core's .cpp files only (neuron_core.cpp, neuron_core_couples.cpp): the activity
// codes of the traced signal and the one-fetch-per-sender pipeline both integrate passes use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/core/neuron_core.h"

namespace nmsim::core {

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Activity codes of the traced `activity` signal.
enum Activity : uint64_t { kIdle = 0, kReset, kEncode, kIntegrate, kFire, kSend, kBarrierWait };
// Their names in the trace, in code order.
inline const std::vector<std::string> kActivityNames = {"idle", "reset", "encode", "integrate",
                                                         "fire", "send",  "barrier_wait"};

template <typename Fetch, typename Accumulate>
Cycle NeuronCore::sender_pipeline(const SpikeBitmap& lines, Cycle start, Fetch&& fetch,
                                  Accumulate&& accumulate, uint64_t* senders, uint32_t receivers) {
  // A pass over `receivers` accumulators (0: the neurons the core sweeps).
  const uint64_t accumulate_cycles =
      ceil_div(receivers == 0 ? swept_neurons() : receivers, m_lanes) * cycles_per_state_word();
  Cycle accumulator_free = start;
  std::array<Cycle, 2> buffer_free = {start, start};
  uint64_t rows = 0;
  lines.for_each([&](uint32_t line) {
    const std::size_t buffer = rows & 1;
    const Cycle found = start + (line / m_scan_bits + 1);
    const Cycle request = max(found, buffer_free[buffer]);
    const Cycle ready = fetch(line, buffer, request);
    // Single port: the first cycle of a word reads its state, the weights are needed in
    // the second (neuron_core.h), so the pass may start a cycle before the data is ready.
    const Cycle needed_by = m_state_ports == 1 ? Cycle(ready.value() - 1) : ready;
    const Cycle accumulate_start = max(needed_by, accumulator_free);
    accumulate(line, buffer);
    accumulator_free = accumulate_start + accumulate_cycles;
    buffer_free[buffer] = accumulator_free;
    ++rows;
  });
  *senders = rows;
  return accumulator_free;
}

}  // namespace nmsim::core
