// The partial-sum unit (child `partials`) of a core in a layer whose fan-in is split over
// several cores (mapper.h, models/core/README.md "Fan-in split"). Exists only on such cores,
// so the reports of unsplit mappings do not change.
// - On a fan-in group core (group > 0): the partial memory, one arith::SaturatingSum (sum,
//   low, high: three state-width values) per neuron, `lanes` neurons a word; the integrate
//   unit accumulates rows into it instead of the potentials (two bound adds per SOP beside
//   the sum's), and the core sends it to the owner, one packet per neuron.
// - On the owner (group 0): the merge buffer, one entry (three values) per neuron of each
//   other group, written as the packets arrive; the merge reads them in group order and
//   applies each to the potential (an add and two compares).
// The core times every call (neuron_core.h); this unit computes and counts.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "models/arith/saturating_sum.h"
#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/noc/packet.h"

namespace nmsim::core {

class PartialSumUnit : public sc_core::sc_object, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  // A core of fan-in group `group` of `groups`, holding n neurons.
  PartialSumUnit(const char* name, SimContext& ctx, uint32_t group, uint32_t groups, uint32_t n,
                 uint32_t lanes, uint32_t state_width_bits);

  // --- group core ---
  void begin_step();                               // every partial is the identity
  void accumulate_row(const int32_t* weights);     // one row of n weights, in line order
  // The same for a packed row of 16-bit (`wide`) or 8-bit weights (weight_row.h).
  void accumulate_packed_row(const uint8_t* row, bool wide);
  void count_row_pass(uint64_t rows);              // the partial words the rows read and wrote
  bool has_partials() const { return m_rows > 0; }  // some row was accumulated this step
  arith::SaturatingSum partial(uint32_t j) const { return {m_sum[j], m_low[j], m_high[j]}; }
  void count_send();                               // reads the partial memory to send it

  // --- owner ---
  // A partial-sum packet has arrived (a partial of one neuron or a group's "none").
  void receive(const noc::Packet& packet, Cycle at);
  bool complete() const { return m_groups_reported + 1 == m_groups; }
  Cycle last_arrival() const { return m_last_arrival; }
  uint32_t groups_with_partials() const;
  // Applies the received partials in group order to the potentials u (refractory neurons,
  // masked when `masked`, are left as they are) and clears the buffer for the next step.
  void merge(int32_t* u, const uint8_t* refractory, bool masked);

  PhaseCounter& merge_cycles() { return m_merge_cycles; }

  // Packet payload of a partial: group << 16 | neuron; kNone as the neuron says "none".
  static constexpr uint32_t kNone = 0xFFFF;
  static uint32_t payload(uint32_t group, uint32_t neuron) { return group << 16 | neuron; }

 private:
  SimContext& m_ctx;
  const uint32_t m_group;
  const uint32_t m_groups;
  const uint32_t m_n;
  const uint32_t m_lanes;
  const uint32_t m_state_width_bits;
  // Group core: this step's partial per neuron, a SaturatingSum kept as three arrays (sum,
  // low, high) so a row's adds vectorise.
  std::vector<int64_t> m_sum;
  std::vector<int32_t> m_low;
  std::vector<int32_t> m_high;
  uint64_t m_rows = 0;
  // Owner: [group - 1][neuron], and per group the packets received this step.
  std::vector<std::vector<arith::SaturatingSum>> m_buffer;
  std::vector<uint32_t> m_received;
  std::vector<bool> m_none;
  uint32_t m_groups_reported = 0;
  Cycle m_last_arrival{};

  PhaseCounter m_partial_reads;
  PhaseCounter m_partial_writes;
  PhaseCounter m_bound_adds;
  PhaseCounter m_partials_received;
  PhaseCounter m_buffer_writes;
  PhaseCounter m_buffer_reads;
  PhaseCounter m_merge_ops;
  PhaseCounter m_merge_cycles;
};

}  // namespace nmsim::core
