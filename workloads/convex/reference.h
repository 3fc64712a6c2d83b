// Functional reference of convex parameter reconstruction (ALGORITHMS.md section 3): the
// plain-C++ integer model that the chip firmware must match bit for bit (witness weights,
// spikes, readout outputs, readout weights after every step, kept units, counts of work).
// This comment is the specification.
//
// Network: 784 inputs -> P parallel integrate-and-fire units with fixed random input
// ("witness") weights -> a linear readout v of F x 10 int32 weights, F = P * T (spike-train
// features) or F = P (count features). Only v is learned; the problem is convex in v.
// Readout numbers are fixed point with Q = readout_fraction_bits fraction bits (Q16 by
// default): 1.0 = 2^Q.
//
// 1. Witness weight of unit j (0..P-1) and input i (0..783), regenerable anywhere:
//      r = prng_u64(seed, Stream::kWitness, j * 784 + i)       (workloads/common/prng.h)
//      S = sum over k = 0..3 of ((r >> 16k) & 0xFFFF)           (four 16-bit uniforms)
//      w = round_shift((S - 131070) * sigma * 113512, 32)       (models/arith/rounding.h)
//    S - 131070 is symmetric around 0 with standard deviation 2^16 / sqrt(3), and
//    113512 = round(sqrt(3) * 2^16), so w is approximately Gaussian with standard deviation
//    sigma (a sum of four uniforms; |w| <= 3.47 sigma, which must fit the weight width).
// 2. Hidden units, per sample, exactly the inference reference's one layer
//    (workloads/inference/reference.h) with layer sizes [784, P]: potentials and refractory
//    counters start at 0; for t = 0..T-1: s_0 = encoder.step(t); for each input i set in
//    s_0, ascending, for each unit j ascending: if refractory[j] == 0:
//    u[j] = accumulate(u[j], w_ji, state_width_bits) (saturating); then for each j:
//    h_j[t] = fire_step(u[j], refractory[j], neuron). Hidden SOPs = input spikes * P.
//    The sample index of the Bernoulli encoder is fixed per sample (the study: the split
//    index for training samples, 2^40 + index for test samples), so the features of a
//    sample, and with them the convex problem, are the same in every epoch.
// 3. Features, the bits x_f of a sample: spike trains (default): f = j * T + t,
//    x_f = h_j[t] in {0, 1}; counts: f = j, x_f = a_j = sum_t h_j[t] in 0..T. Unit j's group
//    is readout rows G_j = {j * T .. j * T + T - 1} (spike trains) or {j}.
// 4. Readout forward: o_k = sum over f with x_f != 0, ascending, of x_f * v[f][k], k = 0..9,
//    accumulated exactly (64 bits; a chip needs 32 + log2(F * T) bits). Spike trains: one
//    addition per active feature and class; counts: one multiply-add. Readout additions =
//    10 * (active features). Prediction: argmax_k o_k, ties to the lower class.
//    Residual e_k = saturate_32(o_k - y_k), y_k = 2^Q for the label, 0 otherwise.
// 5. Training: the problem is
//      min over v of J(v) = 1/2 sum over training samples of ||o - y||^2
//                           + beta * sum over units j of N(v[G_j])
//    with N the group norm: l1 (sum of |v|, default) or l_inf (max |v|). It is solved by
//    proximal mini-batch gradient descent. In epoch e (0-based) the N training samples are
//    visited in batches of b_e = min(batch_size * 2^floor(e / batch_growth_epochs), N)
//    consecutive samples (the last batch of an epoch may be shorter; no growth if
//    batch_growth_epochs = 0). One step over a batch:
//      a. For every sample of the batch, in order, with v as it was before the step: o, the
//         prediction, e (4). Gradient accumulation g[f][k] += x_f * e_k (int64; spike
//         trains: additions only). Gradient additions = 10 * active features per sample.
//      b. Gradient step, every weight: v[f][k] = saturate_32(v[f][k] - round_shift(g[f][k],
//         eta_shift_e)), with eta_shift_e = min(62, eta_shift + floor(e / eta_decay_epochs)
//         + ceil(log2(b_e / batch_size))) (a term is 0 if its period is 0): a doubled batch
//         halves eta, so the step per sample stays while the gradient noise per step falls
//         (ceil: a batch capped at N between two powers of two must not take a larger step
//         per sample; with floor, full-batch steps diverged).
//      c. Proximal step with threshold tau_n (below), per unit group:
//         l1:    v = sign(v) * max(|v| - tau_n, 0) for every weight of the group;
//         l_inf: with A = sum over the group of |v|: if A <= tau_n the group becomes 0;
//                otherwise theta = the largest integer in 0..max|v| with
//                sum over the group of max(|v| - theta, 0) >= tau_n (bisection: lo = 0,
//                hi = max|v|; while lo < hi: mid = lo + (hi - lo + 1) / 2; if the sum at mid
//                >= tau_n then lo = mid else hi = mid - 1), and every v = sign(v) min(|v|,
//                theta) (x - projection of x onto the l1 ball of radius tau_n: the prox of
//                tau_n * max|.|; no divider needed).
//      d. Weights written = weights whose value after c differs from before a.
//    Threshold: the prox of step size eta of the share b / N of the regulariser is
//    eta * beta * b / N in real units. beta is held as beta_q = floor(beta_fraction *
//    beta_max * 2^Q + 1/2) (IEEE double, computed once on the host), and the threshold in
//    readout LSB carries 16 more fraction bits so a small one is not lost to rounding:
//      tau_fine(b, eta_shift_e) = floor((beta_q * b * 2^16 + D / 2) / D),  D = N * 2^eta_shift_e
//    (128-bit integers). An accumulator A_tau (starts at 0 when training starts, never
//    reset) adds tau_fine before each step; tau_n = floor(A_tau / 2^16) after the add minus
//    floor(A_tau / 2^16) before it, so the thresholds applied sum to the exact total.
//    beta_max = the smallest beta for which v = 0 is optimal = max over units j of the dual
//    norm of the gradient at v = 0, C[G_j] with C[f][k] = sum over training samples with
//    label k of x_f (H^T Y in counts, integers): max_{f in G_j, k} C (l1 norm) or the sum
//    of C over the group (l_inf norm). beta_fraction = 1 prunes every unit, 0 none.
// 6. Objective at the end of an epoch, over all N training samples with the final v:
//      L = sum over samples and k of round_shift(e_k^2, Q)   (Q-bit fixed point, uint64)
//      R = sum over units of N(v[G_j])                         (Q-bit fixed point)
//      J = L / 2^(Q+1) + beta_q * R / 2^(2Q)                   (reported as a double)
//    Relative change = |J_prev - J| / J_prev (J_prev of the previous epoch; before the first
//    epoch v = 0, so J_prev = N / 2). Training stops when it is below tolerance, or at the
//    last epoch. Objective additions = 10 * active features per sample (one readout pass).
// 7. Reconstruction: unit j is kept iff some weight of G_j is not 0. The pruned network is
//    the kept units (ascending, with their witness weights, regenerated from j as in 1) and
//    their readout rows. Its outputs o equal the whole network's on every sample, since the
//    units do not interact and a pruned unit's readout rows are 0: the study asserts it.
//    Inference SOPs per sample: input spikes * units + readout additions (4).
// 8. Refit (refit_epochs > 0): after the solve stops, the kept units' readout is solved
//    again without the penalty, as the pruned network would be trained on its own:
//    beta_q = 0 (so every tau_n = 0), and the features of pruned units are skipped in the
//    forward pass and the gradient (their rows are 0 and stay 0; readout and gradient
//    additions count kept features only). The schedule (b_e, eta_shift_e) restarts at
//    epoch 0, the stop rule is the same, with J_prev = J of the solve's final v without the
//    penalty.
// 9. Two hidden layers (network.hidden_sizes = P1, P2; layer1_units = P1, units = P2): layer 1
//    is step 2's P1 units (witness weights of step 1, sigma = witness_sigma); layer 2 is P2
//    more IF units on layer 1's spikes of the same step, with weights of their own stream
//      r = prng_u64(seed, Stream::kWitness2, j2 * P1 + j1)   (unit j2 of layer 2, j1 of layer 1)
//    and step 1's formula with sigma = witness2_sigma. Per step t, as the inference
//    reference's two layers [784, P1, P2]: layer 1 integrates and fires (s_1), then for each
//    j1 set in s_1, ascending, for each j2 ascending: if refractory2[j2] == 0: u2[j2] =
//    accumulate(u2[j2], w2, state_width_bits); then the fire scan of layer 2 gives h_j2[t].
//    The features, and with them steps 3-8, are layer 2's only: the readout, its groups,
//    beta_max, the prox, the objective and the stop rule are those of P = P2 units. Hidden
//    SOPs = input spikes * P1 + layer-1 spikes * P2. Pruning (step 7) removes layer-2 units
//    only: every layer-1 unit feeds every layer-2 unit, so layer 1 stays whole while any
//    layer-2 unit is kept; the pruned network's SOPs are input spikes * P1 + layer-1 spikes
//    * kept + readout additions.
#pragma once

#include <cstdint>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "models/arith/proximal.h"
#include "models/base/spike_bitmap.h"
#include "proto/checkpoint.pb.h"
#include "proto/chip.pb.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/encoder.h"
#include "workloads/convex/options.h"

namespace nmsim::convex {

inline constexpr uint32_t kClasses = 10;
inline constexpr uint32_t kInputs = 784;

// ConfigError naming the field for options out of range.
void check_options(const ConvexOptions& o);

// Step 1: the witness weight of unit j and input i.
int32_t witness_weight(uint64_t seed, uint32_t sigma, uint32_t unit, uint32_t input);
// Step 9: the weight from layer-1 unit j1 to layer-2 unit j2 (P1 = layer1_units).
int32_t witness2_weight(uint64_t seed, uint32_t sigma, uint32_t layer1_units, uint32_t unit2, uint32_t unit1);

// Hidden SOPs of one sample (steps 2 and 9) with `units` units in the readout's layer.
uint64_t hidden_sops(const ConvexOptions& o, uint64_t input_spikes, uint64_t layer1_spikes, uint64_t units);

// The group norm of step 5 in the shared arithmetic's terms (models/arith/proximal.h: the
// gradient step, the prox, the norms of steps 5b, 5c and 6).
arith::GroupNorm group_norm_of(::nmsim::ConvexGroupNorm norm);

// Readout features per unit group: T (spike trains) or 1 (counts).
uint32_t features_per_unit(const ConvexOptions& o);

// Spike trains of one sample: bit j * T + t of `bits` is h_j[t] (P * T bits, packed in
// 64-bit words, unused high bits 0).
struct SpikeTrains {
  std::vector<uint64_t> bits;
  uint64_t input_spikes = 0;
  uint64_t layer1_spikes = 0;  // two hidden layers: layer 1's spikes over the T steps
  uint64_t hidden_sops = 0;
};

// Step 2 (and 9) for a set of units of the readout's layer (all P, or the kept ones of a
// pruned network): unit k of the layer is original unit ids[k], whose witness weights it
// regenerates. With two hidden layers, layer 1 is whole and ids are layer-2 units.
class HiddenUnits {
 public:
  HiddenUnits(const ConvexOptions& o, std::vector<uint32_t> ids);
  // Runs one sample; out.bits has ids.size() * T bits (bit k * T + t).
  void run(const uint8_t* pixels, uint64_t sample_index, SpikeTrains& out);
  uint32_t size() const { return static_cast<uint32_t>(m_ids.size()); }
  uint32_t words() const { return m_words; }
  const std::vector<uint32_t>& ids() const { return m_ids; }

 private:
  const ConvexOptions m_options;
  const std::vector<uint32_t> m_ids;
  const uint32_t m_words;
  std::vector<int32_t> m_weights;  // row per input line: [i * size + k]
  std::vector<int32_t> m_potentials;
  std::vector<uint8_t> m_refractory;
  // Two hidden layers: layer 1 (all P1 units), rows per input [i * P1 + j1]; m_weights are then
  // the rows of layer-1 units.
  std::vector<int32_t> m_weights1;
  std::vector<int32_t> m_potentials1;
  std::vector<uint8_t> m_refractory1;
  SpikeBitmap m_layer1;
  SpikeBitmap m_input;
  workloads::RateEncoder m_encoder;
};

// Step 4 for `units` units: o[k] from spike-train bits and readout rows v (row f holds 10
// weights). Returns the readout additions (10 per active feature).
uint64_t readout_outputs(const ConvexOptions& o, const uint64_t* bits, uint32_t units,
                         const int32_t* v, int64_t out[kClasses]);
uint32_t argmax(const int64_t out[kClasses]);

// A stored set of samples' spike trains (the study computes them once: the hidden units
// are fixed, so every epoch sees the same features).
struct FeatureStore {
  uint32_t words = 0;  // per sample
  std::vector<uint64_t> bits;
  std::vector<uint32_t> input_spikes;
  std::vector<uint32_t> layer1_spikes;  // two hidden layers (0 with one)
  const uint64_t* sample(uint32_t s) const { return bits.data() + size_t{s} * words; }
};

// Runs the hidden units on the listed samples of a split (sample index = index_base + the
// split index) and keeps their spike trains.
FeatureStore compute_features(HiddenUnits& hidden, const workloads::Dataset& split,
                              const std::vector<uint32_t>& samples, uint64_t index_base);

struct Objective {
  uint64_t loss = 0;       // L, Q bits
  int64_t group_norms = 0; // R, Q bits
  double value = 0;        // J
  uint32_t correct = 0;    // training samples predicted right with the final v
  uint64_t additions = 0;
};

struct StepCounts {
  uint64_t readout_additions = 0;
  uint64_t gradient_additions = 0;
  uint64_t weights_written = 0;
};

// The pruned network of step 7: runs samples from pixels on the kept units only.
class PrunedNetwork {
 public:
  PrunedNetwork(const ConvexOptions& o, std::vector<uint32_t> kept, std::vector<int32_t> readout);
  // o of one sample; returns its inference SOPs (input SOPs + readout additions).
  uint64_t outputs(const uint8_t* pixels, uint64_t sample_index, int64_t out[kClasses]);
  uint32_t kept_units() const { return m_hidden.size(); }

 private:
  const ConvexOptions m_options;
  HiddenUnits m_hidden;
  const std::vector<int32_t> m_readout;
  SpikeTrains m_trains;
};

// The readout solver (steps 4-7) over the N training samples of a FeatureStore.
class ConvexReadout {
 public:
  explicit ConvexReadout(const ConvexOptions& o);

  // beta from H^T Y of the training set (step 5): labels[s] of store sample s, for the
  // samples listed in `set` (N = set.size()). Sets beta_max, beta_q and N.
  void set_training_set(const FeatureStore& store, const std::vector<uint8_t>& labels,
                        const std::vector<uint32_t>& set);
  // One step over a batch of samples (indices into the store); writes each sample's
  // prediction (made before the step) to predictions[]. epoch selects eta's decay.
  StepCounts step(const FeatureStore& store, const std::vector<uint8_t>& labels,
                  const uint32_t* batch, uint32_t b, uint32_t epoch, uint32_t* predictions);
  // The host's side of set_training_set when the chip counted H^T Y itself: N and beta_max
  // (beta_q as set_training_set computes it).
  void set_beta_max(uint64_t beta_max, uint32_t training_samples);
  // Step 5's threshold tau_n of the next step over a batch of b in `epoch`, advancing the
  // accumulator (step() calls it; the chip's host calls it for the firmware).
  int64_t next_threshold(uint32_t b, uint32_t epoch);
  // J of step 6 from L and R.
  double objective_value(uint64_t loss, int64_t group_norms) const;
  // Step 6 over the training set.
  Objective objective(const FeatureStore& store, const std::vector<uint8_t>& labels,
                      const std::vector<uint32_t>& set) const;
  // Step 4 with the current v.
  uint32_t predict(const uint64_t* bits, int64_t out[kClasses], uint64_t* additions) const;

  // Step 8: from now on only the listed units learn, without the penalty.
  void restrict_to(const std::vector<uint32_t>& kept);
  bool restricted() const { return !m_support.empty(); }

  // What a step leaves for the next (v, the threshold accumulator A_tau, the refit's units), for
  // a study's checkpoint (workloads/job/study_checkpoint.h), as kStateArrays named arrays;
  // restore_state (after set_training_set) is DataError for a state of another shape.
  static constexpr int kStateArrays = 3;
  void save_state(::nmsim::ReferenceState& state) const;
  void restore_state(const ::nmsim::ReferenceState& state);

  // Step 7.
  std::vector<uint32_t> kept_units() const;
  PrunedNetwork reconstruct() const;
  // Active features of kept units in a sample (readout additions of the pruned network / 10).
  uint64_t kept_active_features(const uint64_t* bits, const std::vector<uint8_t>& kept_mask) const;

  const std::vector<int32_t>& weights() const { return m_v; }  // [f * 10 + k]
  std::vector<int32_t>& mutable_weights() { return m_v; }
  uint64_t beta_max() const { return m_beta_max; }
  int64_t beta_q() const { return m_beta_q; }
  double beta() const;  // real units
  uint64_t tau_fine(uint32_t b, uint32_t epoch) const;
  uint32_t eta_shift(uint32_t epoch) const;
  uint32_t batch_size(uint32_t epoch) const;  // b_e
  // J of v = 0 (every residual is -y): N / 2.
  double initial_objective() const { return 0.5 * m_training_samples; }

 private:
  const ConvexOptions m_options;
  const uint32_t m_group_rows;  // feature rows per unit
  const uint32_t m_group_size;  // weights per unit (rows * 10)
  std::vector<int32_t> m_v;
  std::vector<int64_t> m_gradient;
  std::vector<int32_t> m_before;
  uint64_t m_beta_max = 0;
  int64_t m_beta_q = 0;
  uint32_t m_training_samples = 0;
  unsigned __int128 m_tau_accumulator = 0;
  std::vector<uint8_t> m_support;  // per unit, after restrict_to (empty: all units)
};

}  // namespace nmsim::convex
