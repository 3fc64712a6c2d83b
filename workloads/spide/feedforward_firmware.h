// SPIDE with a feedforward layer before the recurrent one (784-H-N-10; reference.h, "A
// feedforward layer before the recurrent one", is the specification). The mapping has three
// layers: H (fan-in: the pixels), the recurrent layer (fan-in N + H: its own N lines, then
// layer H's, so F is stored as W is, rows N..N+H-1) and the readout. Layer H's cores are the
// pixel cores of split_firmware.h (neuron ranges x fan-in groups over the pixels, group 0
// owning the neurons); the recurrent layer always runs split_firmware.h, on one core or more.
// Per training sample (barriers identical on every participant):
//   forward   layer H runs one step ahead: before step 0 it integrates x[0], fires r[0]
//             (group cores send partial sums, owners merge) and its owners send r[0] to the
//             recurrent cores holding lines N + h (spike address base N); in step t the
//             recurrent layer integrates r[t] and s[t-1] while layer H integrates x[t+1], and
//             both send after the step's first barrier: 2 T_f + 3 barriers after the load,
//             against 2 T_f + 1 without the layer. The recurrent cores drop the last sample's
//             s[T-1] (clear_axon_spikes) at the sample's start: no encoder feeds them.
//   backward  layer H's owners reset their couples (their potentials hold e) and take the
//             mask m_h = 0 < c_h < T_f from their spike counts. In each of the T_b steps every
//             recurrent core's transposed read covers its W and F rows (one block): the F
//             rows' partial sums go to layer H's owners, which merge them in range order
//             (e_h += sum_j b_j[t] F[h][j], saturating exactly as the reference's ascending j).
//             Then each owner forms delta_h = m_h round_shift(e_h, feedforward_delta_shift) on
//             its scalar datapath and sends the non-zero -delta_h to its group cores.
//   update    layer H's cores update V's rows k with p_k > 0 (their axon counts) through the
//             learning engine: V[k][h] += round_shift(-delta_h p_k, feedforward_lr_shift);
//             the recurrent cores update F's rows scaled by their axon counts (c_h) and W's.
// Test samples: the forward stage only.
#pragma once

#include <cstdint>
#include <vector>

#include "models/core/neuron_core.h"
#include "workloads/common/encoder.h"
#include "workloads/spide/firmware.h"

namespace nmsim::spide {

// Lays 784-H-N-10 out: the recurrent layer and the readout as configure_split_chip, layer H's
// owners' spike routes to the recurrent cores of lines N + h, their factor trees and their
// couple merge (one report per recurrent neuron range); fills schedule.feedforward_cores.
void configure_feedforward_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                                SpideSchedule& schedule);

// The program of one of layer H's cores (`index` in schedule.feedforward_cores).
class SpideFeedforwardProgram : public core::Program {
 public:
  SpideFeedforwardProgram(const SpideSchedule& schedule, uint32_t index);
  void run(core::NeuronCore& core) override;
  // Owners only: per training sample, feedforward_spikes and feedforward_active.
  const std::vector<SpideChipRecord>& records() const { return m_records; }

 private:
  void forward(core::NeuronCore& core, uint64_t encoder_index, Phase after);
  void encode(core::NeuronCore& core, uint32_t t);
  void backward(core::NeuronCore& core, SpideChipRecord& record);
  void update(core::NeuronCore& core);

  const SpideSchedule& m_schedule;
  const SpideHiddenCore& m_core;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_pixel_spikes, m_axon_spikes;
  std::vector<int32_t> m_factors;
  std::vector<SpideChipRecord> m_records;
};

}  // namespace nmsim::spide
