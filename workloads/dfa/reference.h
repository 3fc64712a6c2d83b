// Functional reference of sparse Direct Feedback Alignment (ALGORITHMS.md section 2): the
// plain-C++, integer-only model that the chip firmware must reproduce bit for bit (weights,
// spikes, outputs, counts). This comment is the specification.
//
// Network: layer_sizes = [784, H_1, ..., H_{L-1}, 10], fully connected, IF/LIF neurons
// (models/arith/neuron_datapath.h). Weights W_l (l = 1..L) are row-major int32 holding
// signed weight_width_bits values: W_l[i][j], i presynaptic (row), j postsynaptic.
//
// One training sample (online, batch_size 1), label y:
// 1. Forward pass, exactly as workloads/inference/reference.h: potentials and refractory
//    counters start at 0; for t = 0..T-1: s_0 = encoder.step(t); for l = 1..L: integrate
//    the rows of the spiking lines of s_{l-1} in ascending i into every neuron j
//    (arith::accumulate, saturating at state_width_bits; refractory neurons masked), then
//    arith::fire_step per neuron. Counts c_l[j] = spikes of neuron j of layer l over the T
//    steps (c_0 = input spikes per pixel, x_i); a_j = c_l[j] for hidden layers, o_k = c_L[k].
//    u_l[j] = the potential after the last step's fire scan. Prediction (before the
//    update): workloads::predict(o, u_L) (argmax, ties by potential, then lower index).
// 2. Output error e_k, k = 0..9:
//    softmax (default): Q8 logits z_k, p = workloads::softmax_q8(z) (Q8),
//      e_k = 256 [k == y] - p_k (Q8, -256..256), with z_k from
//        counts:    z_k = round_shift(256 o_k, softmax_tau_shift)   (o / tau, tau = 2^shift)
//        potential: z_k = saturate(round_shift(o_k theta + u_L[k], softmax_potential_shift), 31 bits)
//      With reset by subtraction and no leak, o_k theta + u_L[k] is exactly the input the
//      output neuron integrated over the T steps (unless it saturated), i.e. the linear
//      readout sum_j V_jk a_j: unlike the counts it does not stop at T, so the error keeps
//      a margin instead of a dead zone. It costs the output core one multiply-add (or a
//      shift when theta is a power of two) per class, no division.
//    integer: e_k = T [k == y] - o_k (spike counts, -T..T).
// 3. Hidden deltas, per hidden layer h = 1..L-1 (its own fixed matrix B_h from the seed):
//    sparse: delta_j = s_j e_{k(j)}, s_j in {+1, -1}, k(j) = j mod 10 (round robin) or drawn;
//    dense:  delta_j = sum_k B_jk e_k, B_jk in {+1, -1}.
//    PRNG (workloads/common/prng.h, Stream::kFeedback), base = h' << 40 with h' = h - 1:
//      s_j   = -1 iff bit 63 of prng_u64(seed, kFeedback, base + 2 j)
//      k(j)  = prng_uniform(seed, kFeedback, base + 2 j + 1, 0, 9)        (random assignment)
//      B_jk  = -1 iff bit 63 of prng_u64(seed, kFeedback, base + 2^39 + 10 j + k)
//    Gate (the spike derivative's stand-in), applied to delta_j:
//      rate boxcar (default): kept iff 0 < a_j < T;
//      potential boxcar: kept iff gate_potential_min <= u_h[j] <= gate_potential_max;
//      none: always kept. A gated-out delta is 0.
// 4. Updates, all computed from the forward pass of this sample (no layer sees another's
//    new weights, so the order between layers is free; the reference goes l = 1..L), each
//    layer row by row in ascending presynaptic i, as the learning engine does:
//      hidden layer l:  d_ij = round_shift(delta_j * c_{l-1}[i], hidden_lr_shift)
//      output layer L:  d_ij = round_shift(e_j     * c_{L-1}[i], output_lr_shift)
//      W_l[i][j] = arith::saturate(W_l[i][j] + d_ij, weight_width_bits)
//    round_shift rounds to nearest, ties away from zero; a negative shift is a left shift.
//    With rounding = STOCHASTIC, d_ij = arith::stochastic_shift(v, shift, r_j) instead, where
//    neuron j of layer l keeps r_j (starting at rounding_seed(seed, l, j), rule.h) and draws
//    r_j = xorshift32(r_j) once per product with a non-zero delta_j (models/core/
//    stochastic_rounding.h): the learning engine's lane of neuron j does the same.
//    Both shifts are increased by set_extra_lr_shift() (the study adds 1 every
//    lr_decay_epochs epochs).
//    A row whose d_ij are all 0 (c_{l-1}[i] = 0, or every delta zero or rounded away) is not
//    touched. Sparse DFA saves writes because delta_j = 0 wherever e_{k(j)} = 0.
//
// Counts per sample (SampleCounts; the firmware's report must show the same numbers):
//   sops_forward   sum over steps and layers of popcount(s_{l-1}) * size_l (as inference).
//   sops_feedback  error values accumulated into hidden neurons, zero errors not sent:
//                  sparse: #{j : e_{k(j)} != 0}; dense: H * #{k : e_k != 0}; per hidden
//                  layer (independent of the gate: the neuron receives, then gates).
//   update_ops     weights read-modify-written: touched rows * row width (size_l), the
//                  learning engine rewrites a whole row.
//   rows_written   touched rows (all layers).
//   weights_written  weights whose value changed (after saturation), all layers;
//   hidden_weights_written  the same, hidden layers only (sparse vs dense comparison).
//
// Inference (infer): step 1 only. Not covered: mini-batches (batch_size must be 1; a batch
// would need a per-weight update accumulator).
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "models/base/spike_bitmap.h"
#include "proto/checkpoint.pb.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/encoder.h"
#include "workloads/common/network.h"
#include "workloads/common/weights.h"
#include "workloads/dfa/options.h"
#include "workloads/dfa/rule.h"

namespace nmsim::dfa {



using workloads::neuron_params;  // run.network.neuron with the chip's state width

using workloads::layer_sizes;  // [784, hidden..., 10]

struct SampleCounts {
  uint64_t sops_forward = 0;
  uint64_t sops_feedback = 0;
  uint64_t update_ops = 0;
  uint64_t rows_written = 0;
  uint64_t weights_written = 0;
  uint64_t hidden_weights_written = 0;
  // [l - 1]: stochastic rounding draws of layer l (a product of a spiking line and a non-zero
  // factor); empty with rounding to nearest.
  std::vector<uint64_t> rounding_draws;

  SampleCounts& operator+=(const SampleCounts& o);
};

class DfaReference {
 public:
  // ConfigError if the weights do not match layer_sizes, there is no hidden layer, T is 0
  // or above 255, the encoder is unknown, the threshold does not fit the state width or a
  // weight does not fit weight_width_bits.
  DfaReference(std::vector<uint32_t> layer_sizes, workloads::NetworkWeights weights,
               arith::NeuronParams neuron, DfaParams params, uint32_t time_steps,
               ::nmsim::Encoder encoder, uint64_t seed);

  // Forward pass only; returns the prediction. sample_index selects Bernoulli draws.
  uint32_t infer(const uint8_t* pixels, uint64_t sample_index, SampleCounts* counts = nullptr);
  // Forward pass, error, deltas, updates; returns the prediction made before the update and
  // adds this sample's counts to `counts`.
  uint32_t train(const uint8_t* pixels, uint32_t label, uint64_t sample_index,
                 SampleCounts& counts);

  // Added to both learning-rate shifts from now on (the study's decay schedule: epoch e
  // trains with lr_decay_epochs ? e / lr_decay_epochs : 0).
  void set_extra_lr_shift(int32_t shift) { m_extra_shift = shift; }

  const workloads::NetworkWeights& weights() const { return m_weights; }
  const std::vector<uint32_t>& layer_sizes() const { return m_sizes; }

  // What a sample leaves for the next (the weights and the stochastic rounding states), for
  // a study's checkpoint (workloads/job/study_checkpoint.h); restore_state is DataError for a
  // state of another network.
  void save_state(ReferenceState& state) const;
  void restore_state(const ReferenceState& state);
  uint32_t time_steps() const { return m_time_steps; }

  // The last sample's state, for tests and the firmware equivalence check.
  // spike_counts(l): c_l, l = 0..L; final_potentials(l): u_l, l = 1..L.
  const std::vector<uint32_t>& spike_counts(size_t l) const { return m_counts[l]; }
  const std::vector<int32_t>& final_potentials(size_t l) const { return m_potentials[l - 1]; }
  const std::vector<int32_t>& output_error() const { return m_error; }
  // Gated deltas of hidden layer l = 1..L-1 (last train() only).
  const std::vector<int32_t>& hidden_delta(size_t l) const { return m_delta[l - 1]; }

  // The fixed feedback of hidden layer l = 1..L-1, neuron j.
  int32_t sparse_sign(size_t l, uint32_t j) const { return m_feedback[l - 1].sparse_sign[j]; }
  uint32_t sparse_class(size_t l, uint32_t j) const { return m_feedback[l - 1].sparse_class[j]; }
  int32_t dense_sign(size_t l, uint32_t j, uint32_t k) const {
    return m_feedback[l - 1].dense_sign[size_t{j} * m_sizes.back() + k];
  }

 private:
  uint32_t forward(const uint8_t* pixels, uint64_t sample_index, SampleCounts& counts);
  void compute_error(uint32_t label);
  void compute_deltas(SampleCounts& counts);
  // Row-wise update of layer l (1..L) with postsynaptic deltas `post` and shift.
  void update_layer(size_t l, const int32_t* post, int32_t shift, SampleCounts& counts);

  const std::vector<uint32_t> m_sizes;
  workloads::NetworkWeights m_weights;
  const arith::NeuronParams m_neuron;
  const DfaParams m_params;
  const uint32_t m_time_steps;
  workloads::RateEncoder m_encoder;
  // Fixed feedback per hidden layer.
  std::vector<FeedbackMatrix> m_feedback;
  // Per-sample state, reused (no allocation per sample).
  std::vector<std::vector<int32_t>> m_potentials;  // [l - 1], l = 1..L
  std::vector<std::vector<uint8_t>> m_refractory;  // [l - 1]
  std::vector<SpikeBitmap> m_spikes;               // [l], l = 0..L
  std::vector<std::vector<uint32_t>> m_counts;     // [l], l = 0..L
  std::vector<int32_t> m_logits, m_probabilities, m_error;
  std::vector<std::vector<int32_t>> m_delta;       // [l - 1], hidden layers
  std::vector<uint32_t> m_nonzero;
  std::vector<std::vector<uint32_t>> m_rounding;   // [l - 1]: stochastic rounding states
  int32_t m_extra_shift = 0;                 // postsynaptic indices with a nonzero delta
};

}  // namespace nmsim::dfa
