// SPIDE with the recurrent layer over several cores (reference.h is the specification; the
// one-core firmware is firmware.h). The mapper splits the hidden layer's N neurons into R
// neuron ranges and its N + 784 input lines (recurrent lines 0..N-1, then the pixels) into G
// fan-in groups; core (c, g) holds the rows of group g's lines for range c's neurons, and
// (c, 0) owns the range's neurons and their couples. The readout's N lines may split into
// fan-in groups too (readout_cores; group 0 is the output core, the owner).
// Per training sample (barriers identical on every participant):
//   forward   reset; every core with pixel lines encodes x[0]; the others clear their axon
//             bitmap through the encoder port (an empty load: the previous sample's last
//             spikes). Step t: each hidden core integrates x[t] and s[t-1]; group cores send
//             their partial sums, owners merge them and fire; cores with pixels encode
//             x[t+1]; the readout cores integrate s[t-1] (split: group cores send their
//             partial sums, the output core merges them); barrier; owners send s[t] (one tree
//             per fan-in group their neurons feed, to every range's core of that group and to
//             the readout core holding their lines); barrier. Then the readout cores
//             integrate s[T-1]; barrier.
//   backward  the output core computes err and g (as firmware.h) and sends each non-zero g_i
//             to the owner of i (readout split: it computes g of its own rows and sends the
//             non-zero err_k to the readout's group cores; barrier; each group core forms and
//             sends g of its rows); each owner sends its neurons' spike counts a_i (non-zero),
//             unicast, to every core holding row i (they need a_i for W's update, and never
//             integrate the last step's spikes); barrier. Owners load the drives and
//             the mask. Step t: owners merge the partial sums of b[t-1] (t > 0), fire the
//             couples with the drive; for t < T_b - 1 they send their masked ternary spikes
//             as +-1 graded values to their group cores with recurrent rows; barrier; every
//             core with recurrent rows forms the partial sums of its block of W^T for its
//             range's senders and sends them to the couples' owners (couple_unit.h).
//   update    owners send their non-zero delta to their group cores; barrier; every core
//             updates its rows: F rows scaled by its axon count x_i, W rows by a_i.
// Test samples: the forward stage only, its last barrier into host_io.
// After a feedforward layer (feedforward_firmware.h) the lines >= N are layer H's spikes, not
// pixels: no encoder (the stale s[T-1] is cleared instead), two more forward barriers for r[0],
// every backward step's spikes read the W and F rows as one block (T_b barriers, not T_b - 1).
// The order of additions is the one-core chip's (recurrent lines before pixels; transposed
// spikes before the drive): the saturating partial sums compose exactly in line order and
// in range order, so any mapping gives the one-core chip's sums.
#pragma once

#include <cstdint>
#include <vector>

#include "models/core/neuron_core.h"
#include "workloads/common/encoder.h"
#include "workloads/spide/firmware.h"

namespace nmsim::spide {

// A mapped core's SpideHiddenCore (its place, neurons and lines), the next of `cores`: an owner
// is appended to `owners` (its index in `cores`), and range is the owners' count - 1.
SpideHiddenCore slot_core(const mapper::CoreSlot& slot, const std::vector<SpideHiddenCore>& cores,
                          std::vector<uint32_t>& owners);

// Lays a split recurrent layer out (the mapping has more than one hidden or readout core): its
// spike trees and routes (cut at the recurrent and the readout groups' boundaries), the couple
// partials' targets, and the schedule's hidden_cores and readout_cores. ConfigError if the
// readout's 10 neurons do not fit one core or, with TRANSPOSED_COPY, a core's block of W does not
// fit its copy array.
void configure_split_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                          SpideSchedule& schedule);

class SpideSplitProgram : public core::Program {
 public:
  // `hidden_index`: the core's index in schedule.hidden_cores, or -1 - r for readout core r
  // (schedule.readout_cores; -1 is the output core, the readout's owner).
  SpideSplitProgram(const SpideSchedule& schedule, int hidden_index);
  void run(core::NeuronCore& core) override;
  const std::vector<SpideChipRecord>& records() const { return m_records; }  // owners only

 private:
  void forward(core::NeuronCore& core, uint64_t encoder_index, Phase after);
  void encode(core::NeuronCore& core, uint32_t t);
  void backward_owner_start(core::NeuronCore& core);
  void read_counts_and_drive(core::NeuronCore& core);
  void backward(core::NeuronCore& core, SpideChipRecord& record);
  void update(core::NeuronCore& core);
  const SpideHiddenCore& readout_core() const;
  void integrate_readout(core::NeuronCore& core);
  void readout_owner_gradient(core::NeuronCore& core);
  void readout_group_gradient(core::NeuronCore& core);
  bool from_readout(uint32_t node, uint32_t core_in_node) const;

  const SpideSchedule& m_schedule;
  const int m_index;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_pixel_spikes, m_axon_spikes, m_plus, m_minus;
  std::vector<int32_t> m_gradient, m_factors, m_line_counts;
  std::vector<SpideChipRecord> m_records;
  SpideCoreProgram m_output;  // the output core's gradient and update (firmware.h)
};

// One record per training sample of the whole layer: the owners' records (in range order)
// concatenated (counts, g, delta) and summed (spikes, senders, running couples).
std::vector<SpideChipRecord> combined_records(const std::vector<const SpideSplitProgram*>& owners);

}  // namespace nmsim::spide
