// Functional reference of inference: the plain-C++ model the chip firmware must match bit
// for bit (spikes, output counts, final potentials, SOP and spike counts).
//
// Per sample: every potential u and refractory counter starts at 0. For t = 0..T-1:
//   s_0 = encoder.step(t)
//   for each layer l = 1..L in order:
//     integrate: for each presynaptic line i with s_{l-1}[i] set, ascending, for each neuron
//       j of layer l ascending: if refractory[j] == 0: u[j] = accumulate(u[j], W_l[i][j],
//       state_width_bits) (saturating, models/arith/neuron_datapath.h)
//     fire scan: for each j: s_l[j] = fire_step(u[j], refractory[j], params)
//   so layer l + 1 sees s_l of the same step.
// SOPs of layer l = sum over steps of popcount(s_{l-1}) * size_l: a masked (refractory)
// neuron's weight is still fetched and processed, so it counts.
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "models/base/spike_bitmap.h"
#include "proto/run.pb.h"
#include "workloads/common/encoder.h"
#include "workloads/common/weights.h"

namespace nmsim::inference {

struct SampleResult {
  std::vector<uint32_t> output_counts;     // last layer's spikes per neuron, 0..T
  std::vector<int32_t> final_potentials;   // last layer's potentials after step T-1
  uint32_t predicted = 0;                  // workloads::predict(output_counts, final_potentials)
  std::vector<uint64_t> sops_per_layer;    // [l - 1] for layers l = 1..L
  std::vector<uint64_t> spikes_per_layer;  // [l - 1] for layers l = 1..L
  uint64_t input_spikes = 0;               // spikes of s_0 over all steps
  std::vector<std::vector<SpikeBitmap>> spikes;  // [step][layer 0..L], only if recorded
  // [step][layer - 1] for layers 1..L: the potentials after the step's fire scan, only if recorded.
  std::vector<std::vector<std::vector<int32_t>>> potentials;
};

class InferenceReference {
 public:
  // layer_sizes = [inputs, hidden..., outputs]. ConfigError if the weights do not match the
  // sizes, there are fewer than two layers, T == 0, the encoder is unknown, or the
  // threshold is < 1 or does not fit state_width_bits (2..32).
  InferenceReference(std::vector<uint32_t> layer_sizes, const workloads::NetworkWeights& weights,
                     arith::NeuronParams params, uint32_t time_steps, ::nmsim::Encoder encoder,
                     uint64_t seed);

  // One sample of layer_sizes[0] pixels; sample_index selects the Bernoulli encoder's draws.
  // record_spikes: keep every step's spikes and potentials too.
  SampleResult run(const uint8_t* pixels, uint64_t sample_index, bool record_spikes = false);

  const std::vector<uint32_t>& layer_sizes() const { return m_layer_sizes; }
  uint32_t time_steps() const { return m_time_steps; }

 private:
  const std::vector<uint32_t> m_layer_sizes;
  const workloads::NetworkWeights m_weights;
  const arith::NeuronParams m_params;
  const uint32_t m_time_steps;
  workloads::RateEncoder m_encoder;
  // Per layer 1..L at [l - 1]; spikes per layer 0..L at [l]. Reused across samples.
  std::vector<std::vector<int32_t>> m_potentials;
  std::vector<std::vector<uint8_t>> m_refractory;
  std::vector<SpikeBitmap> m_spikes;
};

}  // namespace nmsim::inference
