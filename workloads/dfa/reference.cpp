#include "workloads/dfa/reference.h"

#include <algorithm>
#include <string>

#include "models/arith/stochastic_rounding.h"
#include "models/base/errors.h"
#include "workloads/common/dataset.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/metrics.h"
#include "workloads/common/prng.h"
#include "workloads/common/softmax.h"
#include "workloads/dfa/rule.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::dfa {
namespace {

const std::vector<uint32_t>& checked_sizes(const std::vector<uint32_t>& sizes,
                                           const workloads::NetworkWeights& weights,
                                           const arith::NeuronParams& neuron,
                                           const DfaParams& params, uint32_t time_steps) {
  workloads::check_network(sizes, weights, neuron);
  // No hidden layer is allowed: the output layer alone learns by the delta rule (odin_like).
  if (sizes.back() > 255) throw ConfigError("network: at most 255 classes");
  if (params.weight_width_bits < 2 || params.weight_width_bits > 16)
    throw ConfigError("core.weight_width_bits: DFA needs 2..16");
  const int32_t wmax = (1 << (params.weight_width_bits - 1)) - 1;
  for (size_t k = 0; k < weights.layers.size(); ++k) {
    for (int32_t v : weights.layers[k].w)
      if (v > wmax || v < -wmax - 1)
        throw ConfigError("network: a weight of layer " + std::to_string(k + 1) +
                          " does not fit core.weight_width_bits = " +
                          std::to_string(params.weight_width_bits));
  }
  if (time_steps == 0 || time_steps > 255) throw ConfigError("time_steps: must be 1..255");
  return sizes;
}


}  // namespace

SampleCounts& SampleCounts::operator+=(const SampleCounts& o) {
  sops_forward += o.sops_forward;
  sops_feedback += o.sops_feedback;
  update_ops += o.update_ops;
  rows_written += o.rows_written;
  weights_written += o.weights_written;
  hidden_weights_written += o.hidden_weights_written;
  if (rounding_draws.size() < o.rounding_draws.size()) rounding_draws.resize(o.rounding_draws.size(), 0);
  for (std::size_t l = 0; l < o.rounding_draws.size(); ++l) rounding_draws[l] += o.rounding_draws[l];
  return *this;
}



DfaReference::DfaReference(std::vector<uint32_t> layer_sizes, workloads::NetworkWeights weights,
                           arith::NeuronParams neuron, DfaParams params, uint32_t time_steps,
                           ::nmsim::Encoder encoder, uint64_t seed)
    : m_sizes(checked_sizes(layer_sizes, weights, neuron, params, time_steps)),
      m_weights(std::move(weights)),
      m_neuron(neuron),
      m_params(params),
      m_time_steps(time_steps),
      m_encoder(encoder, seed, time_steps) {
  const size_t layers = m_sizes.size() - 1;
  const uint32_t classes = m_sizes.back();
  m_potentials.resize(layers);
  m_refractory.resize(layers);
  m_spikes.resize(layers + 1);
  m_counts.resize(layers + 1);
  uint32_t widest = 0;
  for (size_t l = 0; l <= layers; ++l) {
    m_spikes[l].resize(m_sizes[l]);
    m_counts[l].assign(m_sizes[l], 0);
    widest = std::max(widest, m_sizes[l]);
  }
  for (size_t l = 1; l <= layers; ++l) {
    m_potentials[l - 1].assign(m_sizes[l], 0);
    m_refractory[l - 1].assign(m_sizes[l], 0);
  }
  m_logits.assign(classes, 0);
  m_probabilities.assign(classes, 0);
  m_error.assign(classes, 0);
  m_nonzero.reserve(widest);

  const size_t hidden = layers - 1;
  m_feedback.resize(hidden);
  m_delta.resize(hidden);
  for (size_t h = 0; h < hidden; ++h) {
    m_delta[h].assign(m_sizes[h + 1], 0);
    m_feedback[h] = make_feedback(m_params, seed, static_cast<uint32_t>(h), m_sizes[h + 1], classes);
  }
  if (m_params.stochastic_rounding) {
    m_rounding.resize(layers);
    for (size_t l = 1; l <= layers; ++l)
      for (uint32_t j = 0; j < m_sizes[l]; ++j)
        m_rounding[l - 1].push_back(rounding_seed(seed, static_cast<uint32_t>(l), j));
  }
}

uint32_t DfaReference::forward(const uint8_t* pixels, uint64_t sample_index,
                               SampleCounts& counts) {
  const size_t layers = m_sizes.size() - 1;
  const uint32_t width = m_neuron.state_width_bits;
  // Fast path: no refractory masking and no int32 overflow of u + w before saturation
  // (|u| < 2^29, |w| < 2^15), so the clamp below equals arith::accumulate exactly.
  const bool fast = m_neuron.refractory_steps == 0 && width <= 30;
  const int32_t state_hi = static_cast<int32_t>((int64_t{1} << (width - 1)) - 1);
  const int32_t state_lo = static_cast<int32_t>(-(int64_t{1} << (width - 1)));
  for (size_t l = 0; l < layers; ++l) {
    std::fill(m_potentials[l].begin(), m_potentials[l].end(), 0);
    std::fill(m_refractory[l].begin(), m_refractory[l].end(), 0);
  }
  for (auto& c : m_counts) std::fill(c.begin(), c.end(), 0);
  m_encoder.start(pixels, m_sizes[0], sample_index);

  for (uint32_t t = 0; t < m_time_steps; ++t) {
    m_encoder.step(t, m_spikes[0]);
    uint32_t* const c0 = m_counts[0].data();
    m_spikes[0].for_each([&](uint32_t i) { ++c0[i]; });
    for (size_t l = 1; l <= layers; ++l) {
      const workloads::LayerWeightsData& w = m_weights.layers[l - 1];
      int32_t* const u = m_potentials[l - 1].data();
      uint8_t* const refractory = m_refractory[l - 1].data();
      const uint32_t n = m_sizes[l];
      uint64_t rows = 0;
      m_spikes[l - 1].for_each([&](uint32_t i) {
        ++rows;
        const int32_t* const row = w.row(i);
        if (fast) {
          for (uint32_t j = 0; j < n; ++j) {
            const int32_t v = u[j] + row[j];
            u[j] = v > state_hi ? state_hi : (v < state_lo ? state_lo : v);
          }
        } else {
          for (uint32_t j = 0; j < n; ++j)
            if (refractory[j] == 0) u[j] = arith::accumulate(u[j], row[j], width);
        }
      });
      counts.sops_forward += rows * n;
      SpikeBitmap& out = m_spikes[l];
      out.clear();
      uint32_t* const c = m_counts[l].data();
      for (uint32_t j = 0; j < n; ++j) {
        if (arith::fire_step(u[j], refractory[j], m_neuron)) {
          out.set(j);
          ++c[j];
        }
      }
    }
  }
  return workloads::predict(m_counts[layers], m_potentials[layers - 1]);
}

uint32_t DfaReference::infer(const uint8_t* pixels, uint64_t sample_index, SampleCounts* counts) {
  SampleCounts local;
  const uint32_t predicted = forward(pixels, sample_index, local);
  if (counts) *counts += local;
  return predicted;
}

void DfaReference::compute_error(uint32_t label) {
  dfa::output_error(m_params, m_neuron, m_time_steps, m_counts.back().data(), m_potentials.back().data(),
               m_sizes.back(), label, m_logits.data(), m_probabilities.data(), m_error.data());
}

void DfaReference::compute_deltas(SampleCounts& counts) {
  for (size_t h = 0; h < m_delta.size(); ++h) {
    const size_t l = h + 1;
    counts.sops_feedback += dfa::hidden_deltas(m_params, m_feedback[h], m_error.data(), m_time_steps, 0,
                                          m_sizes[l], m_counts[l].data(), m_potentials[l - 1].data(),
                                          m_delta[h].data());
  }
}

void DfaReference::update_layer(size_t l, const int32_t* post, int32_t shift,
                                SampleCounts& counts) {
  const uint32_t n = m_sizes[l];
  m_nonzero.clear();
  for (uint32_t j = 0; j < n; ++j)
    if (post[j] != 0) m_nonzero.push_back(j);
  if (m_nonzero.empty()) return;
  const uint32_t bits = m_params.weight_width_bits;
  const int32_t w_hi = (1 << (bits - 1)) - 1;
  const int32_t w_lo = -(1 << (bits - 1));
  const bool hidden = l + 1 < m_sizes.size();
  const uint32_t* const x = m_counts[l - 1].data();
  workloads::LayerWeightsData& w = m_weights.layers[l - 1];
  uint64_t changed = 0;
  if (m_params.stochastic_rounding && counts.rounding_draws.size() < m_sizes.size() - 1)
    counts.rounding_draws.resize(m_sizes.size() - 1, 0);
  for (uint32_t i = 0; i < m_sizes[l - 1]; ++i) {
    if (x[i] == 0) continue;
    if (m_params.stochastic_rounding) counts.rounding_draws[l - 1] += m_nonzero.size();
    int32_t* const row = w.w.data() + size_t{i} * n;
    bool touched = false;
    for (uint32_t j : m_nonzero) {
      const int64_t v = int64_t{post[j]} * x[i];
      int64_t d;
      if (m_params.stochastic_rounding) {
        uint32_t& r = m_rounding[l - 1][j];
        r = arith::xorshift32(r);
        d = arith::stochastic_shift(v, shift, r);
      } else {
        d = workloads::round_shift(v, shift);
      }
      if (d == 0) continue;
      touched = true;
      const int64_t sum = int64_t{row[j]} + d;
      const int32_t next = static_cast<int32_t>(sum > w_hi ? w_hi : (sum < w_lo ? w_lo : sum));
      changed += next != row[j];
      row[j] = next;
    }
    if (touched) {
      ++counts.rows_written;
      counts.update_ops += n;
    }
  }
  counts.weights_written += changed;
  if (hidden) counts.hidden_weights_written += changed;
}

uint32_t DfaReference::train(const uint8_t* pixels, uint32_t label, uint64_t sample_index,
                             SampleCounts& counts) {
  NMSIM_ASSERT(label < m_sizes.back(), "dfa: label out of range");
  const uint32_t predicted = forward(pixels, sample_index, counts);
  compute_error(label);
  compute_deltas(counts);
  const size_t layers = m_sizes.size() - 1;
  for (size_t l = 1; l < layers; ++l)
    update_layer(l, m_delta[l - 1].data(), m_params.hidden_lr_shift + m_extra_shift, counts);
  update_layer(layers, m_error.data(), m_params.output_lr_shift + m_extra_shift, counts);
  return predicted;
}

void DfaReference::save_state(ReferenceState& state) const {
  for (const auto& layer : m_weights.layers) job::add_state_values(state, "weights", layer.w);
  for (const auto& states : m_rounding) job::add_state_values(state, "rounding", states);
}

void DfaReference::restore_state(const ReferenceState& state) {
  int index = 0;
  for (auto& layer : m_weights.layers) job::read_state_values(state, index++, "weights", layer.w);
  for (auto& states : m_rounding) job::read_state_values(state, index++, "rounding", states);
}

}  // namespace nmsim::dfa
