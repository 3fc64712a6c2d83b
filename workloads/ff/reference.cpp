#include "workloads/ff/reference.h"

#include <algorithm>
#include <string>
#include <utility>

#include "models/arith/accumulate_row.h"
#include "models/base/errors.h"
#include "workloads/common/dataset.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/network.h"
#include "workloads/common/softmax.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::ff {
namespace {

constexpr int32_t kOneQ8 = 256;

const FfOptions& checked(const FfOptions& o, const workloads::NetworkWeights& w) {
  const auto& sizes = o.layer_sizes;
  if (sizes.size() < 2) throw ConfigError("run.network.hidden_sizes: FF needs at least one layer");
  if (sizes[0] == 0) throw ConfigError("ff: no inputs");
  for (size_t l = 1; l < sizes.size(); ++l) {
    if (sizes[l] < kClasses)
      throw ConfigError("run.network.hidden_sizes: layer " + std::to_string(l) + " has " +
                        std::to_string(sizes[l]) + " neurons, FF needs >= 10 (one group per class)");
    if (!o.group_sizes.empty()) {
      uint64_t sum = 0;
      for (uint32_t n : o.group_sizes) sum += n;
      if (sum != sizes[l])
        throw ConfigError("run.ff.group_sizes: sum " + std::to_string(sum) + " != layer " +
                          std::to_string(l) + "'s " + std::to_string(sizes[l]) + " neurons");
    }
  }
  if (!o.group_sizes.empty()) {
    if (o.group_sizes.size() != kClasses)
      throw ConfigError("run.ff.group_sizes: needs 10 entries (one per class) or none");
    for (uint32_t n : o.group_sizes)
      if (n == 0) throw ConfigError("run.ff.group_sizes: a group is empty");
  }
  if (o.time_steps == 0 || o.time_steps > 255) throw ConfigError("run.time_steps: must be 1..255");
  if (o.neuron.state_width_bits < 8 || o.neuron.state_width_bits > 32)
    throw ConfigError("chip.core.state_width_bits: must be 8..32");
  const int64_t max_state = (int64_t{1} << (o.neuron.state_width_bits - 1)) - 1;
  if (o.neuron.threshold < 1 || o.neuron.threshold > max_state)
    throw ConfigError("run.network.neuron.threshold: must be 1.." + std::to_string(max_state));
  if (o.neuron.refractory_steps > 255)
    throw ConfigError("run.network.neuron.refractory_steps: must fit 8 bits");
  if (o.weight_width_bits < 2 || o.weight_width_bits > 16)
    throw ConfigError("chip.core.weight_width_bits: FF needs 2..16");
  if (o.lr_shift < -16 || o.lr_shift > 40) throw ConfigError("run.ff.lr_shift: must be -16..40");
  if (o.tau_divisor < 1 || o.tau_divisor > 1024) throw ConfigError("run.ff.tau_divisor: must be 1..1024");
  if (o.adaptation_window < 1) throw ConfigError("run.ff.adaptation_window: must be >= 1");
  if (o.adaptation_interval < 1) throw ConfigError("run.ff.adaptation_interval: must be >= 1");
  if (w.layers.size() != sizes.size() - 1)
    throw ConfigError("ff: " + std::to_string(w.layers.size()) + " weight layers for " +
                      std::to_string(sizes.size() - 1) + " layers");
  const int32_t limit = 1 << (o.weight_width_bits - 1);
  for (size_t k = 0; k < w.layers.size(); ++k) {
    const workloads::LayerWeightsData& lw = w.layers[k];
    if (lw.inputs != sizes[k] || lw.outputs != sizes[k + 1] ||
        lw.w.size() != uint64_t{lw.inputs} * lw.outputs)
      throw ConfigError("ff: weights of layer " + std::to_string(k + 1) + " are " +
                        std::to_string(lw.inputs) + "x" + std::to_string(lw.outputs) +
                        ", expected " + std::to_string(sizes[k]) + "x" + std::to_string(sizes[k + 1]));
    for (int32_t v : lw.w)
      if (v < -limit || v >= limit)
        throw ConfigError("ff: initial weight " + std::to_string(v) + " does not fit " +
                          "chip.core.weight_width_bits = " + std::to_string(o.weight_width_bits));
  }
  return o;
}

}  // namespace

FfReference::FfReference(FfOptions options, const workloads::NetworkWeights& initial_weights)
    : m_options(checked(options, initial_weights)),
      m_weights(initial_weights),
      m_encoder(options.encoder, options.seed, options.time_steps),
      m_lr_shift(options.lr_shift) {
  const auto& sizes = m_options.layer_sizes;
  const size_t layers = sizes.size() - 1;
  const uint64_t t2 = uint64_t{m_options.time_steps} * m_options.time_steps;
  m_group_start.resize(layers);
  m_group_size.resize(layers);
  m_group_of.resize(layers);
  m_logit_scale.resize(layers);
  m_layers.resize(layers);
  m_refractory.resize(layers);
  m_spikes.resize(layers + 1);
  for (size_t l = 0; l <= layers; ++l) m_spikes[l].resize(sizes[l]);
  for (size_t k = 0; k < layers; ++k) {
    const uint32_t h = sizes[k + 1];
    uint32_t start = 0;
    for (uint32_t c = 0; c < kClasses; ++c) {
      const uint32_t n = m_options.group_sizes.empty() ? h / kClasses + (c < h % kClasses ? 1 : 0)
                                                       : m_options.group_sizes[c];
      m_group_start[k].push_back(start);
      m_group_size[k].push_back(n);
      for (uint32_t j = 0; j < n; ++j) m_group_of[k].push_back(c);
      const uint64_t denominator = uint64_t{n} * t2;
      m_logit_scale[k].push_back(((uint64_t{1} << 24) * m_options.tau_divisor + denominator / 2) /
                                 denominator);
      start += n;
    }
    LayerState& s = m_layers[k];
    s.x.assign(sizes[k], 0);
    s.a.assign(h, 0);
    s.potentials.assign(h, 0);
    s.neuron_error.assign(h, 0);
    m_refractory[k].assign(h, 0);
  }
  m_active.reserve(*std::max_element(sizes.begin() + 1, sizes.end()));
  m_alpha.assign(kClasses, kOneQ8);
  if (m_options.class_adaptation) m_window.assign(m_options.adaptation_window, 0);
}

uint32_t FfReference::forward(const uint8_t* pixels, uint64_t sample_index) {
  const auto& sizes = m_options.layer_sizes;
  const size_t layers = sizes.size() - 1;
  const uint32_t width = m_options.neuron.state_width_bits;
  const bool masked = m_options.neuron.refractory_steps > 0;
  m_counts = SampleCounts{};
  for (size_t k = 0; k < layers; ++k) {
    LayerState& s = m_layers[k];
    std::fill(s.x.begin(), s.x.end(), 0u);
    std::fill(s.a.begin(), s.a.end(), 0u);
    std::fill(s.potentials.begin(), s.potentials.end(), 0);
    std::fill(s.neuron_error.begin(), s.neuron_error.end(), 0);
    std::fill(m_refractory[k].begin(), m_refractory[k].end(), 0);
  }
  m_encoder.start(pixels, sizes[0], sample_index);

  for (uint32_t t = 0; t < m_options.time_steps; ++t) {
    m_encoder.step(t, m_spikes[0]);
    for (size_t l = 1; l <= layers; ++l) {
      LayerState& s = m_layers[l - 1];
      const workloads::LayerWeightsData& w = m_weights.layers[l - 1];
      int32_t* const u = s.potentials.data();
      uint8_t* const refractory = m_refractory[l - 1].data();
      const uint32_t n = sizes[l];
      uint64_t rows = 0;
      uint32_t* const x = s.x.data();
      m_spikes[l - 1].for_each([&](uint32_t i) {
        ++rows;
        ++x[i];
        const int32_t* row = w.row(i);
        if (!masked) {
          arith::accumulate_row(u, row, n, width);
        } else {
          for (uint32_t j = 0; j < n; ++j)
            if (refractory[j] == 0) u[j] = arith::accumulate(u[j], row[j], width);
        }
      });
      if (l == 1) m_counts.input_spikes += rows;
      m_counts.sops_forward += rows * n;
      SpikeBitmap& out = m_spikes[l];
      out.clear();
      uint32_t* const a = s.a.data();
      for (uint32_t j = 0; j < n; ++j) {
        if (arith::fire_step(u[j], refractory[j], m_options.neuron)) {
          out.set(j);
          ++a[j];
        }
      }
    }
  }

  // Goodness, logits, probabilities per layer; the prediction from their sum.
  int64_t total[kClasses] = {};
  for (size_t k = 0; k < layers; ++k) {
    LayerState& s = m_layers[k];
    for (uint32_t c = 0; c < kClasses; ++c) {
      int64_t sum = 0;
      const uint32_t begin = m_group_start[k][c], end = begin + m_group_size[k][c];
      for (uint32_t j = begin; j < end; ++j) sum += int64_t{s.a[j]} * s.a[j];
      s.goodness_sum[c] = sum;
      s.logits[c] = static_cast<int32_t>((static_cast<uint64_t>(sum) * m_logit_scale[k][c] +
                                          (uint64_t{1} << 15)) >> 16);
      s.class_error[c] = 0;
    }
    workloads::softmax_q8(s.logits, kClasses, s.probabilities);
    if (!m_options.predict_last_layer || k + 1 == layers)
      for (uint32_t c = 0; c < kClasses; ++c) total[c] += s.logits[c];
  }
  const LayerState& last = m_layers[layers - 1];
  uint32_t best = 0;
  int64_t best_potential = 0;
  for (uint32_t c = 0; c < kClasses; ++c) {
    int64_t potential = 0;
    const uint32_t begin = m_group_start[layers - 1][c], end = begin + m_group_size[layers - 1][c];
    for (uint32_t j = begin; j < end; ++j) potential += last.potentials[j];
    if (c == 0 || total[c] > total[best] || (total[c] == total[best] && potential > best_potential)) {
      best = c;
      best_potential = potential;
    }
  }
  return best;
}

void FfReference::set_lr_shift(int32_t shift) {
  if (shift < -16 || shift > 40) throw ConfigError("run.ff.lr_shift: must be -16..40 in every epoch");
  m_lr_shift = shift;
}

uint32_t FfReference::predict(const uint8_t* pixels, uint64_t sample_index) {
  return forward(pixels, sample_index);
}

void FfReference::compute_errors(uint32_t label) {
  const int64_t time_steps = m_options.time_steps;
  for (size_t k = 0; k < m_layers.size(); ++k) {
    LayerState& s = m_layers[k];
    for (uint32_t c = 0; c < kClasses; ++c) {
      int64_t err = s.probabilities[c] - (c == label ? kOneQ8 : 0);
      if (m_options.class_adaptation) err = workloads::round_shift(err * m_alpha[label], 8);
      s.class_error[c] = static_cast<int32_t>(err);
    }
    const uint32_t n = static_cast<uint32_t>(s.a.size());
    const uint32_t* group = m_group_of[k].data();
    for (uint32_t j = 0; j < n; ++j) {
      int64_t e = int64_t{s.class_error[group[j]]} * s.a[j];
      if (m_options.gate && s.a[j] == time_steps && e < 0) e = 0;
      s.neuron_error[j] = e;
    }
  }
}

void FfReference::update_layer(uint32_t l) {
  LayerState& s = m_layers[l - 1];
  workloads::LayerWeightsData& w = m_weights.layers[l - 1];
  const uint32_t n = w.outputs;
  m_active.clear();
  for (uint32_t j = 0; j < n; ++j)
    if (s.neuron_error[j] != 0) m_active.push_back(j);
  if (m_active.empty()) return;
  const int shift = m_lr_shift;
  const int32_t hi = (int32_t{1} << (m_options.weight_width_bits - 1)) - 1;
  const int32_t lo = -hi - 1;
  const int64_t* const e = s.neuron_error.data();
  for (uint32_t i = 0; i < w.inputs; ++i) {
    const int64_t xi = s.x[i];
    if (xi == 0) continue;
    int32_t* const row = w.w.data() + size_t{i} * n;
    bool touched = false;
    for (uint32_t j : m_active) {
      const int64_t d = workloads::round_shift(-(e[j] * xi), shift);
      if (d == 0) continue;
      touched = true;
      const int64_t v = row[j] + d;
      const int32_t nv = static_cast<int32_t>(v < lo ? lo : (v > hi ? hi : v));
      if (nv != row[j]) {
        row[j] = nv;
        ++m_counts.weights_written;
      }
    }
    m_counts.update_ops += m_active.size();
    if (touched) ++m_counts.rows_written;
  }
}

void FfReference::record_for_adaptation(uint32_t label, bool wrong) {
  ++m_trained;
  if (!m_options.class_adaptation) return;
  const uint32_t window = m_options.adaptation_window;
  if (m_window_fill == window) {  // the oldest entry leaves
    const uint8_t old = m_window[m_window_next];
    --m_window_count[old & 0x7F];
    if (old & 0x80) --m_window_wrong[old & 0x7F];
  } else {
    ++m_window_fill;
  }
  m_window[m_window_next] = static_cast<uint8_t>(label | (wrong ? 0x80 : 0));
  m_window_next = m_window_next + 1 == window ? 0 : m_window_next + 1;
  ++m_window_count[label];
  if (wrong) ++m_window_wrong[label];
  if (m_trained % m_options.adaptation_interval != 0) return;

  uint64_t rate[kClasses];
  uint64_t rate_sum = 0;
  for (uint32_t c = 0; c < kClasses; ++c) {
    rate[c] = m_window_count[c] > 0 ? (uint64_t{m_window_wrong[c]} << 16) / m_window_count[c] : 0;
    rate_sum += rate[c];
  }
  if (rate_sum == 0) {
    std::fill(m_alpha.begin(), m_alpha.end(), static_cast<uint32_t>(kOneQ8));
    return;
  }
  uint64_t clamped[kClasses];
  uint64_t clamped_sum = 0;
  for (uint32_t c = 0; c < kClasses; ++c) {
    const uint64_t a = (rate[c] * kClasses * kOneQ8 + rate_sum / 2) / rate_sum;
    clamped[c] = std::clamp<uint64_t>(a, kOneQ8 / 2, kOneQ8 * 2);
    clamped_sum += clamped[c];
  }
  for (uint32_t c = 0; c < kClasses; ++c)
    m_alpha[c] = static_cast<uint32_t>((clamped[c] * kClasses * kOneQ8 + clamped_sum / 2) / clamped_sum);
}

uint32_t FfReference::train(const uint8_t* pixels, uint32_t label, uint64_t sample_index) {
  NMSIM_ASSERT(label < kClasses, "ff: label out of range");
  const uint32_t predicted = forward(pixels, sample_index);
  compute_errors(label);
  for (uint32_t l = 1; l <= m_layers.size(); ++l) update_layer(l);
  record_for_adaptation(label, predicted != label);
  return predicted;
}

void FfReference::save_state(ReferenceState& state) const {
  for (const auto& layer : m_weights.layers) job::add_state_values(state, "weights", layer.w);
  job::add_state_values(state, "alpha", m_alpha);
  job::add_state_values(state, "window", m_window);
  job::add_state_values(state, "window_position",
                        std::vector<uint64_t>{m_window_fill, m_window_next, m_trained});
  job::add_state_values(state, "window_count", std::vector<uint32_t>(m_window_count, m_window_count + kClasses));
  job::add_state_values(state, "window_wrong", std::vector<uint32_t>(m_window_wrong, m_window_wrong + kClasses));
}

void FfReference::restore_state(const ReferenceState& state) {
  int index = 0;
  for (auto& layer : m_weights.layers) job::read_state_values(state, index++, "weights", layer.w);
  job::read_state_values(state, index++, "alpha", m_alpha);
  job::read_state_values(state, index++, "window", m_window);
  std::vector<uint64_t> position(3);
  job::read_state_values(state, index++, "window_position", position);
  const uint64_t window = m_window.size();
  job::check_state_value("window_position", position[0] <= window && position[1] <= window);
  m_window_fill = static_cast<uint32_t>(position[0]);
  m_window_next = static_cast<uint32_t>(position[1]);
  m_trained = position[2];
  std::vector<uint32_t> count(kClasses), wrong(kClasses);
  job::read_state_values(state, index++, "window_count", count);
  job::read_state_values(state, index++, "window_wrong", wrong);
  std::copy(count.begin(), count.end(), m_window_count);
  std::copy(wrong.begin(), wrong.end(), m_window_wrong);
}

}  // namespace nmsim::ff
