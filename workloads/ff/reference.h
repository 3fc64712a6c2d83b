// Functional reference of Forward-Forward training with class groups (FFGAF-SNN,
// ALGORITHMS.md section 1): the plain-C++ integer model that the chip firmware must match
// bit for bit (spikes, counts, goodness, probabilities, errors, weights, counts of work).
// This comment is the specification.
//
// Network: layer_sizes = [inputs, H_1, ..., H_L]; every layer l = 1..L is a trained
// spiking layer (there is no separate output layer). Layer l's H_l neurons are split into
// 10 contiguous class groups: group c holds neurons [start_c, start_c + n_c), class 0 first;
// equal groups by default (n_c = floor(H / 10), the first H % 10 groups get one more),
// or the sizes given in FfConfig.group_sizes (the same in every layer).
//
// Per sample (online: every sample updates the weights before the next one):
// 1. Forward pass, exactly the inference reference's (workloads/inference/reference.h):
//    potentials and refractory counters start at 0; for t = 0..T-1: s_0 = encoder.step(t);
//    for l = 1..L: for each line i set in s_{l-1}, ascending, for each neuron j ascending,
//    if refractory[j] == 0: u[j] = accumulate(u[j], W_l[i][j], state_width_bits); then
//    s_l[j] = fire_step(u[j], refractory[j], neuron) for each j. x_i (layer 1) = the input
//    line's spike count, a_j = neuron j's spike count, both 0..T; layer l + 1's x is
//    layer l's a. SOPs of layer l = sum over steps of popcount(s_{l-1}) * H_l.
// 2. Goodness, per layer and class: S_c = sum over j in G_c of a_j^2 (integer), and the
//    softmax logit in Q8  z_c = g_c / tau * 256 = S_c * 256 * D / (n_c * T^2)  with
//    tau = T^2 / D (D = tau_divisor, 32 by default: tau = 2 at T = 8), computed as
//       K_c = floor((2^24 * D + (n_c T^2) / 2) / (n_c T^2))   (a per-group constant the
//             host computes once per run: no division per sample on chip)
//       z_c = (S_c * K_c + 2^15) >> 16.
//    z_c <= 256 * D.
// 3. p = softmax_q8(z) (workloads/common/softmax.h: exp table, one reciprocal), Q8.
// 4. Class error in Q8: err_c = p_c - 256 * [c == label]. With class-aware adaptation the
//    sample's loss is weighted by alpha of its label (Q8, see 8):
//       err_c = round_shift(err_c * alpha_label, 8).
// 5. Neuron error e_j = err_{c(j)} * a_j (Q8 x count). Gate (on by default): e_j = 0 where
//    a_j == T and e_j < 0 (the neuron cannot fire more). e_j = 0 where a_j = 0 anyway.
// 6. Update, W_l[i][j] -= eta e_j x_i: for each presynaptic row i with x_i > 0, ascending,
//    for each neuron j with e_j != 0, ascending:
//       d_ij = round_shift(-(e_j * x_i), lr_shift)   (round to nearest, ties away from 0;
//                                                    a negative shift is a left shift;
//                                                    lr_shift as set by set_lr_shift)
//       W_l[i][j] = saturate(W_l[i][j] + d_ij, weight_width_bits)
//    Layers are updated after the whole forward pass, each from its own x and a (nothing
//    crosses layers backward). A row whose d_ij are all 0 is not touched.
//    Counts: update operations = pairs (i, j) with x_i > 0 and e_j != 0 (one multiply and
//    round each); weights written = weights whose stored value changed; rows written = rows
//    with some d_ij != 0 (one read-modify-write of the row each). No feedback SOPs: nothing
//    is sent backward; goodness/softmax/error are per-neuron and per-class work, not
//    synaptic (10 softmax entries and H_l error products per layer).
// 7. Prediction (before the update): argmax_c of Z_c = sum over layers of z_{l,c} (or the
//    last layer's z_{L,c} alone, predict_last_layer). Ties go to the larger sum of the last
//    layer's final potentials over the class's group, then to the lower class.
// 8. Class-aware complexity adaptation (class_adaptation, off by default). A ring buffer of
//    the last W = adaptation_window training samples holds (label, wrong) with wrong =
//    (prediction != label) before the update; per class the counters count_c and wrong_c
//    follow it (chip memory: W entries of 5 bits + 20 counters). The sample is pushed after
//    its update. After every adaptation_interval-th training sample alpha is recomputed
//    (20 divisions on the controller, none per synapse):
//       r_c = count_c > 0 ? (wrong_c << 16) / count_c : 0          (Q16 error rate)
//       R = sum_c r_c; if R == 0: alpha_c = 256 for all c; else
//       a_c = clamp((r_c * 2560 + R / 2) / R, 128, 512)            (d_c / mean d, in [0.5, 2])
//       A = sum_c a_c;  alpha_c = (a_c * 2560 + A / 2) / A          (renormalised to mean 1)
//    Until the first recomputation alpha_c = 256. Divisions are unsigned, truncating.
//
// Random numbers: none beyond the encoder's (Bernoulli option) and the initial weights
// (workloads/common/weights.h); the study's shuffle is in study.h.
// Mini-batch accumulation is not implemented: batch_size must be 1 (online).
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "models/base/spike_bitmap.h"
#include "proto/checkpoint.pb.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/encoder.h"
#include "workloads/common/weights.h"
#include "workloads/ff/options.h"

namespace nmsim::ff {

inline constexpr uint32_t kClasses = 10;

// Work of the last sample (training counts stay 0 for predict()).
struct SampleCounts {
  uint64_t input_spikes = 0;
  uint64_t sops_forward = 0;
  uint64_t update_ops = 0;
  uint64_t weights_written = 0;
  uint64_t rows_written = 0;
};

// Per-layer values of the last sample, kept for tests and for the firmware comparison.
struct LayerState {
  std::vector<uint32_t> x;          // input counts, 0..T
  std::vector<uint32_t> a;          // spike counts, 0..T
  std::vector<int32_t> potentials;  // final potentials
  int64_t goodness_sum[kClasses] = {};  // S_c
  int32_t logits[kClasses] = {};        // z_c, Q8
  int32_t probabilities[kClasses] = {}; // p_c, Q8
  int32_t class_error[kClasses] = {};   // err_c, Q8 (after alpha); 0 for predict()
  std::vector<int64_t> neuron_error;    // e_j after the gate; 0 for predict()
};

class FfReference {
 public:
  // ConfigError for sizes or options out of range (fewer than one trained layer, a layer
  // smaller than 10 neurons, group sizes that do not sum to a layer's size, T == 0, a
  // threshold that does not fit the state, initial weights that do not fit
  // weight_width_bits, ...).
  FfReference(FfOptions options, const workloads::NetworkWeights& initial_weights);

  // Forward pass and prediction, no update.
  uint32_t predict(const uint8_t* pixels, uint64_t sample_index);
  // Forward pass, prediction, update (and the adaptation window). Returns the prediction
  // made before the update.
  uint32_t train(const uint8_t* pixels, uint32_t label, uint64_t sample_index);

  const SampleCounts& last_counts() const { return m_counts; }
  const LayerState& layer(uint32_t l) const { return m_layers.at(l - 1); }  // l = 1..L
  const workloads::NetworkWeights& weights() const { return m_weights; }
  const FfOptions& options() const { return m_options; }
  // What a sample leaves for the next (the weights and the class window), for a study's
  // checkpoint (workloads/job/study_checkpoint.h); restore_state is DataError for a state of
  // another network.
  void save_state(ReferenceState& state) const;
  void restore_state(const ReferenceState& state);
  // The learning-rate shift of the following updates (the study's per-epoch decay).
  // ConfigError outside -16..40.
  void set_lr_shift(int32_t shift);
  int32_t lr_shift() const { return m_lr_shift; }
  // Group of class c in every layer: first neuron and size.
  uint32_t group_start(uint32_t layer, uint32_t c) const { return m_group_start[layer - 1][c]; }
  uint32_t group_size(uint32_t layer, uint32_t c) const { return m_group_size[layer - 1][c]; }
  // K_c of step 2.
  uint64_t logit_scale(uint32_t layer, uint32_t c) const { return m_logit_scale[layer - 1][c]; }
  // alpha_c in Q8 (256 = 1.0) currently in effect.
  const std::vector<uint32_t>& alpha() const { return m_alpha; }

 private:
  uint32_t forward(const uint8_t* pixels, uint64_t sample_index);
  void compute_errors(uint32_t label);
  void update_layer(uint32_t l);
  void record_for_adaptation(uint32_t label, bool wrong);

  const FfOptions m_options;
  workloads::NetworkWeights m_weights;
  workloads::RateEncoder m_encoder;
  std::vector<std::vector<uint32_t>> m_group_start, m_group_size;  // [layer - 1][c]
  std::vector<std::vector<uint32_t>> m_group_of;                    // [layer - 1][j]
  std::vector<std::vector<uint64_t>> m_logit_scale;                 // [layer - 1][c]
  std::vector<LayerState> m_layers;
  std::vector<std::vector<uint8_t>> m_refractory;
  std::vector<SpikeBitmap> m_spikes;           // [0..L]
  std::vector<uint32_t> m_active;              // neurons with e_j != 0 (scratch)
  SampleCounts m_counts;
  int32_t m_lr_shift;
  // Class-aware adaptation.
  std::vector<uint32_t> m_alpha;
  std::vector<uint8_t> m_window;               // label | wrong << 7, ring buffer
  uint32_t m_window_fill = 0, m_window_next = 0;
  uint64_t m_trained = 0;
  uint32_t m_window_count[kClasses] = {};
  uint32_t m_window_wrong[kClasses] = {};
};

}  // namespace nmsim::ff
