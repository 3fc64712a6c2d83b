// Functional reference of SPIDE (ALGORITHMS.md section 4): the plain-C++, integer-only
// model of a feedback SNN trained by spike-based implicit differentiation, which the chip
// firmware must match bit for bit (spikes, outputs, ternary spikes, weights, counts of
// work). This comment is the specification.
//
// Network: inputs x (n_in = 784 lines) -> one hidden layer of N IF neurons -> 10 classes.
// Three weight matrices, row-major int32 holding signed weight_width_bits values, row =
// presynaptic (the row a spike fetches), column = postsynaptic:
//   F  input     n_in x N   F[i][j]: input line i -> hidden neuron j
//   W  recurrent N x N      W[i][j]: hidden neuron i -> hidden neuron j (the paper's W_ji;
//                           the diagonal is an ordinary weight)
//   O  readout   N x 10     O[j][k]: hidden neuron j -> class k
// Initial weights (matrices.h): F[i][j] = prng_uniform(seed, kWeights, (0 << 40) + i N + j,
// -input_init_range, input_init_range); O[j][k] the same with (1 << 40) + 10 j + k and
// readout_init_range; W[i][j] with (2 << 40) + i N + j and recurrent_init_range (F and O
// equal workloads::random_weights of a 784-N-10 network with one range).
// theta = run.network.neuron.threshold, theta_b = theta / 2 (integer; theta even by
// default). sat(v) = arith::saturate(v, state_width_bits); wsat(v) = saturate to
// weight_width_bits. round_shift = arith::round_shift (to nearest, ties away from zero;
// a negative shift is a left shift).
//
// One sample (online: each sample's update lands before the next sample):
// 1. Forward stage, t = 0..T_f-1 (s[-1] = 0; u, o start at 0; x[t] = encoder.step(t), the
//    shared rate encoder run for T_f steps):
//      a. for each input line i with x_i[t] = 1, ascending: u_j = sat(u_j + F[i][j]), all j;
//      b. for each hidden neuron i with s_i[t-1] = 1, ascending: u_j = sat(u_j + W[i][j]),
//         all j. The recurrence uses the PREVIOUS step's spikes: a spike crosses the
//         network in one step, so every core integrates step t-1's spikes in step t;
//      c. fire scan, j ascending: s_j[t] = u_j >= theta; if so u_j -= theta (IF, no leak,
//         reset by subtraction);
//      d. readout, for each j with s_j[t] = 1, ascending: o_k = sat(o_k + O[j][k]), all k.
//         The 10 output units accumulate and never fire, so o = O^T a (unless saturated).
//    x_i = sum_t x_i[t] (0..T_f), a_j = sum_t s_j[t] (0..T_f): the rates times T_f.
//    Mask m_j = 1 iff 0 < a_j < T_f (the derivative of the equilibrium's clamp to [0, 1]).
//    Prediction (before any update): argmax_k o_k, ties to the lower k.
// 2. Error, Q8 (256 = 1.0):  z_k = round_shift(o_k, logit_shift)   (the logit o / 2^shift)
//      softmax cross entropy: p = workloads::softmax_q8(z); err_k = p_k - 256 [k == y]
//      squared error:         err_k = z_k - 256 [k == y]
//    Gradient drive (no division): g_i = clamp(round_shift(sum_k O[i][k] err_k,
//    gradient_shift), -(theta - 1), theta - 1) for every hidden neuron i (sum in int64):
//    |g| < theta, so a couple's rate stays below one spike per step. O is read before the
//    update. Clamped entries are counted.
// 3. Backward stage, t = 0..T_b-1: neuron i has a ternary couple with potential v_i
//    (start 0) and output b_i[t] in {-1, 0, +1} (b[-1] = 0). Only couples with m_i = 1 run;
//    the others stay at b = 0 and their v is undefined (the chip may leave them idle):
//      a. v_i = sat(v_i + g_i);
//      b. for each couple j with m_j = 1 and b_j[t-1] != 0, ascending j:
//           v_i = sat(v_i + b_j[t-1] W[i][j]) for every running couple i
//         (b_j = -1 subtracts). This is a TRANSPOSED read of W: the sender j needs column j
//         (W[0][j], W[1][j], ...: N words one row apart, stride N), not the row it fetches
//         in the forward stage. The chip models it as column reads (or a transposed copy:
//         an architecture choice); the reference keeps a transposed mirror for speed.
//      c. fire, i ascending: v_i >= theta_b: b_i[t] = +1, v_i -= 2 theta_b;
//                             v_i <= -theta_b: b_i[t] = -1, v_i += 2 theta_b; else 0.
//         Threshold at half the reset step: the count rounds to nearest instead of down.
//    beta_i = sum_t b_i[t] (-T_b..T_b); the rate beta_i / T_b approximates the solution of
//    (I - W^T M / theta) beta = g / theta. delta_i = m_i beta_i (= beta_i: masked couples
//    never fire).
// 4. Updates, all from this sample's counts and the pre-update weights (g and the backward
//    stage used the old W and O), matrices in the order F, W, O, each row by row in
//    ascending presynaptic index, the postsynaptic entries ascending:
//      F[i][j] = wsat(F[i][j] + round_shift(-(delta_j x_i), input_lr_shift))    x_i > 0, delta_j != 0
//      W[i][j] = wsat(W[i][j] + round_shift(-(delta_j a_i), recurrent_lr_shift)) a_i > 0, delta_j != 0
//      O[j][k] = wsat(O[j][k] + round_shift(-(err_k a_j), readout_lr_shift))  a_j > 0, err_k != 0
//    (the paper's F_ji -= eta_F delta_j x_i, W_ji -= eta_W delta_j a_i, O -= eta_O err a^T,
//    rates as counts: the constants 1 / (T_f T_b) and 1 / theta fold into the shifts).
//    The three shifts are increased by set_extra_lr_shift (the study's decay).
//
// Counts per sample (SampleCounts; what the chip's report must show for the same sample):
//   input_spikes      sum_t popcount(x[t])
//   forward_spikes    sum_t popcount(s[t]) = sum_j a_j
//   sops_input        input_spikes * N                         (step 1a)
//   sops_recurrent    sum_{t < T_f - 1} popcount(s[t]) * N       (1b: the last step's
//                     spikes reach only the readout)
//   sops_readout      forward_spikes * 10                        (1d)
//   active_neurons    sum_j m_j (couples that run)
//   sops_gradient     active-independent: N * #{k : err_k != 0}  (2: one readout weight
//                     times one error per neuron and nonzero error)
//   backward_spikes   sum_t #{i : b_i[t] != 0}
//   sops_backward     sum_{t < T_b - 1} #{j : b_j[t] != 0} * active_neurons  (3b: each
//                     ternary spike is accumulated by every running couple)
//   gradient_clamped  #{i : the clamp in step 2 changed g_i}
//   update_ops        pairs (row, column) of step 4 with a nonzero count and delta/err
//                     (one multiply and round each)
//   weights_written   weights whose stored value changed (after saturation);
//   hidden_weights_written  the same for F and W only
//   rows_written      rows with some nonzero rounded update (one read-modify-write each)
//
// A feedforward layer before the recurrent one (784-H-N-10; options.feedforward = H > 0).
// A fourth matrix V (n_in x H, matrix number 3 of the kWeights stream, index k H + h,
// feedforward_init_range); F becomes H x N (its input lines are layer H's neurons, not the
// pixels). Layer H is IF as the recurrent layer (the same theta, reset by subtraction, no
// recurrence), potentials q_h (start 0):
// 1. Forward stage, step t, before 1a: for each pixel k with x_k[t] = 1, ascending:
//      q_h = sat(q_h + V[k][h]), all h; fire scan h ascending: r_h[t] = q_h >= theta, if so
//      q_h -= theta. Steps 1a-1d then run with r[t] in place of x[t] (the recurrent layer
//      integrates layer H's spikes of the SAME step: on the chip, layer H fires and sends
//      before the recurrent layer integrates). p_k = sum_t x_k[t] (pixel counts),
//      c_h = sum_t r_h[t] (layer H's counts; they are the x of steps 1-4). Mask
//      m_h = 1 iff 0 < c_h < T_f, as m.
// 3. Backward stage, after 3c of every step t (all T_b steps: delta = sum_t b[t]):
//      for each couple j with b_j[t] != 0, ascending j: e_h = sat(e_h + b_j[t] F[h][j]),
//      all h (e starts at 0): a TRANSPOSED read of F (column j), as 3b reads W's; so
//      e = F delta unless saturated (delta = beta).
//    delta_h = m_h round_shift(e_h, feedforward_delta_shift) (int64): the chain rule
//    through layer H's rate clamp, as delta = m beta for the recurrent layer.
// 4. Updates, before F:
//      V[k][h] = wsat(V[k][h] + round_shift(-(delta_h p_k), feedforward_lr_shift))  p_k > 0, delta_h != 0
//    (feedforward_lr_shift also grows by set_extra_lr_shift). F's update uses c_h as x.
// Counts: input_spikes = sum_k p_k (the pixels); feedforward_spikes = sum_h c_h;
//   sops_feedforward = input_spikes * H; sops_input = feedforward_spikes * N (F's rows);
//   feedforward_active = sum_h m_h; sops_feedforward_backward = backward_spikes * H (every
//   ternary spike reads F's column; the masked lanes are dropped after the sum);
//   update_ops, weights_written, hidden_weights_written and rows_written include V's.
// Without a feedforward layer these four counts are 0 and everything else is as above.
//
// Inference (predict): step 1 only. Not covered: mini-batches (batch_size 1 only) and
// stochastic rounding.
#pragma once

#include <cstdint>
#include <vector>

#include "models/base/spike_bitmap.h"
#include "proto/checkpoint.pb.h"
#include "workloads/common/encoder.h"
#include "workloads/spide/matrices.h"
#include "workloads/spide/options.h"

namespace nmsim::spide {

struct SampleCounts {
  uint64_t input_spikes = 0;
  uint64_t forward_spikes = 0;
  uint64_t backward_spikes = 0;
  uint64_t sops_input = 0;
  uint64_t sops_recurrent = 0;
  uint64_t sops_readout = 0;
  uint64_t sops_gradient = 0;
  uint64_t sops_backward = 0;
  uint64_t active_neurons = 0;
  uint64_t gradient_clamped = 0;
  uint64_t update_ops = 0;
  uint64_t weights_written = 0;
  uint64_t hidden_weights_written = 0;
  uint64_t rows_written = 0;
  // A feedforward layer before the recurrent one (0 without):
  uint64_t feedforward_spikes = 0;
  uint64_t sops_feedforward = 0;
  uint64_t feedforward_active = 0;
  uint64_t sops_feedforward_backward = 0;

  SampleCounts& operator+=(const SampleCounts& o);
};

class SpideReference {
 public:
  // check_options, and ConfigError if a matrix has the wrong shape or a weight does not
  // fit weight_width_bits.
  SpideReference(SpideOptions options, SpideMatrices initial);

  // Forward stage and prediction (step 1), no update. sample_index selects the Bernoulli
  // encoder's draws.
  uint32_t predict(const uint8_t* pixels, uint64_t sample_index);
  // Steps 1-4; returns the prediction made before the update.
  uint32_t train(const uint8_t* pixels, uint32_t label, uint64_t sample_index);

  // Added to the three learning-rate shifts from now on.
  void set_extra_lr_shift(int32_t shift) { m_extra_shift = shift; }

  const SampleCounts& last_counts() const { return m_counts; }
  const SpideMatrices& weights() const { return m_weights; }
  // What a sample leaves for the next (F, W and O, and V with a feedforward layer), for a study's checkpoint
  // (workloads/job/study_checkpoint.h); restore_state is DataError for a state of another
  // network.
  void save_state(ReferenceState& state) const;
  void restore_state(const ReferenceState& state);
  const SpideOptions& options() const { return m_options; }

  // The last sample's state (for tests and the firmware comparison).
  const std::vector<uint32_t>& input_counts() const { return m_x; }    // x (F's lines: n_in, or c: H)
  // With a feedforward layer (empty without):
  const std::vector<uint32_t>& pixel_counts() const { return m_pixels; }           // p, n_in
  const std::vector<int32_t>& feedforward_potentials() const { return m_q; }       // q after T_f
  const std::vector<uint8_t>& feedforward_mask() const { return m_feedforward_mask; }  // m_h, H
  const std::vector<int32_t>& feedforward_error() const { return m_e; }            // e = F delta, H
  const std::vector<int64_t>& feedforward_delta() const { return m_feedforward_delta; }  // delta_h
  const std::vector<uint32_t>& hidden_counts() const { return m_a; }   // a, N
  const std::vector<int32_t>& potentials() const { return m_u; }       // u after step T_f-1
  const std::vector<int32_t>& outputs() const { return m_o; }          // o, 10
  const std::vector<uint8_t>& mask() const { return m_mask; }          // m, N
  // Valid after train() only:
  const std::vector<int32_t>& logits() const { return m_z; }           // z, Q8
  const std::vector<int32_t>& probabilities() const { return m_p; }    // softmax only, Q8
  const std::vector<int64_t>& error() const { return m_err; }          // err, Q8
  const std::vector<int32_t>& gradient() const { return m_g; }         // g, N
  const std::vector<int32_t>& beta() const { return m_beta; }          // ternary counts, N

 private:
  uint32_t forward(const uint8_t* pixels, uint64_t sample_index);
  void compute_error(uint32_t label);
  void backward();
  void update();
  // Rows of `m` whose presynaptic count is nonzero get round_shift(-(post_j pre_i), shift)
  // on the columns in m_nonzero. Returns the weights written.
  // mirror (if not null) is the transposed copy: mirror[j * m.inputs + i] = m[i][j].
  uint64_t update_matrix(workloads::LayerWeightsData& m, const uint32_t* pre, const int64_t* post,
                         int32_t shift, int32_t* mirror);
  // Layer H's step t: integrates the pixel spikes, fires into m_feedforward_spikes.
  void feedforward_step();

  const SpideOptions m_options;
  SpideMatrices m_weights;
  void transpose_matrices();  // WT from W, FT from F (with a feedforward layer)

  std::vector<int32_t> m_recurrent_transposed;  // WT[j][i] = W[i][j], kept equal to W
  std::vector<int32_t> m_input_transposed;      // FT[j][h] = F[h][j] (feedforward layer only)
  workloads::RateEncoder m_encoder;
  SampleCounts m_counts;
  int32_t m_extra_shift = 0;
  // Per-sample state, reused (no allocation per sample).
  SpikeBitmap m_input_spikes, m_spikes, m_previous, m_feedforward_spikes;
  std::vector<uint32_t> m_x, m_a;
  std::vector<int32_t> m_u, m_o, m_z, m_p, m_g, m_v, m_beta;
  std::vector<int64_t> m_err, m_delta;
  std::vector<uint8_t> m_mask;
  std::vector<uint32_t> m_pixels;
  std::vector<int32_t> m_q, m_e;
  std::vector<uint8_t> m_feedforward_mask;
  std::vector<int64_t> m_feedforward_delta;
  std::vector<int8_t> m_b, m_b_previous;
  std::vector<uint32_t> m_active, m_senders, m_nonzero;
};

}  // namespace nmsim::spide
