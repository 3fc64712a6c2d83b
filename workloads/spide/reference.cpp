#include "workloads/spide/reference.h"

#include <algorithm>
#include <string>
#include <utility>

#include "models/arith/neuron_datapath.h"
#include "models/base/errors.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/softmax.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::spide {
namespace {

constexpr int32_t kOneQ8 = 256;

void check_matrix(const workloads::LayerWeightsData& m, uint32_t rows, uint32_t columns,
                  uint32_t weight_bits, const char* name) {
  if (m.inputs != rows || m.outputs != columns || m.w.size() != uint64_t{rows} * columns)
    throw ConfigError(std::string("spide: matrix ") + name + " is " + std::to_string(m.inputs) + "x" +
                      std::to_string(m.outputs) + ", expected " + std::to_string(rows) + "x" +
                      std::to_string(columns));
  const int32_t hi = (1 << (weight_bits - 1)) - 1;
  for (int32_t v : m.w)
    if (v > hi || v < -hi - 1)
      throw ConfigError(std::string("spide: a weight of ") + name + " (" + std::to_string(v) +
                        ") does not fit chip.core.weight_width_bits = " + std::to_string(weight_bits));
}

const SpideOptions& checked(const SpideOptions& o, const SpideMatrices& m) {
  check_options(o);
  if (o.feedforward > 0)
    check_matrix(m.feedforward, o.inputs, o.feedforward, o.weight_width_bits, "V (feedforward)");
  check_matrix(m.input, o.recurrent_inputs(), o.hidden, o.weight_width_bits, "F (input)");
  check_matrix(m.recurrent, o.hidden, o.hidden, o.weight_width_bits, "W (recurrent)");
  check_matrix(m.readout, o.hidden, o.classes, o.weight_width_bits, "O (readout)");
  return o;
}

// The integrate lanes: u_j = sat(u_j + sign * row_j) for j < n. For state widths up to 30
// bits the int32 sum cannot overflow (|u| < 2^29, |w| <= 2^15), so a clamp equals
// arith::accumulate and vectorises.
template <int Sign>
void add_row(int32_t* u, const int32_t* row, uint32_t n, uint32_t width) {
  if (width > 30) {
    for (uint32_t j = 0; j < n; ++j) u[j] = arith::accumulate(u[j], Sign * row[j], width);
    return;
  }
  const int32_t hi = (int32_t{1} << (width - 1)) - 1;
  const int32_t lo = -hi - 1;
  for (uint32_t j = 0; j < n; ++j) {
    const int32_t v = u[j] + Sign * row[j];
    u[j] = v < lo ? lo : (v > hi ? hi : v);
  }
}

}  // namespace

SampleCounts& SampleCounts::operator+=(const SampleCounts& o) {
  input_spikes += o.input_spikes;
  forward_spikes += o.forward_spikes;
  backward_spikes += o.backward_spikes;
  sops_input += o.sops_input;
  sops_recurrent += o.sops_recurrent;
  sops_readout += o.sops_readout;
  sops_gradient += o.sops_gradient;
  sops_backward += o.sops_backward;
  active_neurons += o.active_neurons;
  gradient_clamped += o.gradient_clamped;
  update_ops += o.update_ops;
  weights_written += o.weights_written;
  hidden_weights_written += o.hidden_weights_written;
  rows_written += o.rows_written;
  feedforward_spikes += o.feedforward_spikes;
  sops_feedforward += o.sops_feedforward;
  feedforward_active += o.feedforward_active;
  sops_feedforward_backward += o.sops_feedforward_backward;
  return *this;
}

SpideReference::SpideReference(SpideOptions options, SpideMatrices initial)
    : m_options(checked(options, initial)),
      m_weights(std::move(initial)),
      m_encoder(options.encoder, options.seed, options.forward_steps) {
  const uint32_t n = m_options.hidden, classes = m_options.classes;
  const uint32_t h = m_options.feedforward;
  transpose_matrices();
  m_input_spikes.resize(m_options.inputs);
  m_feedforward_spikes.resize(h);
  m_pixels.assign(h > 0 ? m_options.inputs : 0, 0);
  m_q.assign(h, 0);
  m_e.assign(h, 0);
  m_feedforward_mask.assign(h, 0);
  m_feedforward_delta.assign(h, 0);
  m_spikes.resize(n);
  m_previous.resize(n);
  m_x.assign(m_options.recurrent_inputs(), 0);
  m_a.assign(n, 0);
  m_u.assign(n, 0);
  m_o.assign(classes, 0);
  m_z.assign(classes, 0);
  m_p.assign(classes, 0);
  m_err.assign(classes, 0);
  m_g.assign(n, 0);
  m_v.assign(n, 0);
  m_beta.assign(n, 0);
  m_delta.assign(n, 0);
  m_mask.assign(n, 0);
  m_b.assign(n, 0);
  m_b_previous.assign(n, 0);
  m_active.reserve(n);
  m_senders.reserve(n);
  m_nonzero.reserve(std::max({n, classes, h}));
}

void SpideReference::feedforward_step() {
  const uint32_t h = m_options.feedforward;
  const uint32_t width = m_options.state_width_bits;
  const int32_t theta = m_options.threshold;
  int32_t* const q = m_q.data();
  uint64_t pixels = 0;
  m_input_spikes.for_each([&](uint32_t k) {
    ++pixels;
    ++m_pixels[k];
    add_row<1>(q, m_weights.feedforward.row(k), h, width);
  });
  m_counts.input_spikes += pixels;
  m_counts.sops_feedforward += pixels * h;
  m_feedforward_spikes.clear();
  for (uint32_t j = 0; j < h; ++j) {
    if (q[j] >= theta) {
      q[j] -= theta;
      m_feedforward_spikes.set(j);
    }
  }
}

uint32_t SpideReference::forward(const uint8_t* pixels, uint64_t sample_index) {
  const uint32_t n = m_options.hidden, classes = m_options.classes;
  const uint32_t width = m_options.state_width_bits;
  const int32_t theta = m_options.threshold;
  m_counts = SampleCounts{};
  std::fill(m_x.begin(), m_x.end(), 0u);
  std::fill(m_a.begin(), m_a.end(), 0u);
  std::fill(m_u.begin(), m_u.end(), 0);
  std::fill(m_o.begin(), m_o.end(), 0);
  std::fill(m_pixels.begin(), m_pixels.end(), 0u);
  std::fill(m_q.begin(), m_q.end(), 0);
  m_previous.clear();
  const bool feedforward = m_options.feedforward > 0;
  // The lines F's rows belong to: the pixels, or layer H's spikes of the same step.
  const SpikeBitmap& lines = feedforward ? m_feedforward_spikes : m_input_spikes;
  m_encoder.start(pixels, m_options.inputs, sample_index);
  int32_t* const u = m_u.data();
  uint32_t* const x = m_x.data();
  uint32_t* const a = m_a.data();
  uint64_t previous_count = 0;
  for (uint32_t t = 0; t < m_options.forward_steps; ++t) {
    m_encoder.step(t, m_input_spikes);
    if (feedforward) feedforward_step();
    uint64_t inputs = 0;
    lines.for_each([&](uint32_t i) {  // 1a
      ++inputs;
      ++x[i];
      add_row<1>(u, m_weights.input.row(i), n, width);
    });
    if (feedforward) {
      m_counts.feedforward_spikes += inputs;
    } else {
      m_counts.input_spikes += inputs;
    }
    m_counts.sops_input += inputs * n;
    m_previous.for_each([&](uint32_t i) { add_row<1>(u, m_weights.recurrent.row(i), n, width); });  // 1b
    m_counts.sops_recurrent += previous_count * n;
    m_spikes.clear();
    uint64_t fired = 0;
    for (uint32_t j = 0; j < n; ++j) {  // 1c
      if (u[j] >= theta) {
        u[j] -= theta;
        m_spikes.set(j);
        ++a[j];
        ++fired;
      }
    }
    m_spikes.for_each([&](uint32_t j) { add_row<1>(m_o.data(), m_weights.readout.row(j), classes, width); });  // 1d
    m_counts.forward_spikes += fired;
    std::swap(m_previous, m_spikes);
    previous_count = fired;
  }
  m_counts.sops_readout = m_counts.forward_spikes * classes;
  for (uint32_t j = 0; j < n; ++j) m_mask[j] = a[j] > 0 && a[j] < m_options.forward_steps;
  for (uint32_t j = 0; j < m_options.feedforward; ++j) {
    m_feedforward_mask[j] = x[j] > 0 && x[j] < m_options.forward_steps;
    m_counts.feedforward_active += m_feedforward_mask[j];
  }
  uint32_t best = 0;
  for (uint32_t k = 1; k < classes; ++k)
    if (m_o[k] > m_o[best]) best = k;
  return best;
}

uint32_t SpideReference::predict(const uint8_t* pixels, uint64_t sample_index) {
  return forward(pixels, sample_index);
}

void SpideReference::compute_error(uint32_t label) {
  const uint32_t n = m_options.hidden, classes = m_options.classes;
  for (uint32_t k = 0; k < classes; ++k)
    m_z[k] = static_cast<int32_t>(workloads::round_shift(m_o[k], static_cast<int>(m_options.logit_shift)));
  if (m_options.loss == Loss::kSoftmaxCrossEntropy) {
    workloads::softmax_q8(m_z.data(), classes, m_p.data());
    for (uint32_t k = 0; k < classes; ++k) m_err[k] = m_p[k] - (k == label ? kOneQ8 : 0);
  } else {
    std::fill(m_p.begin(), m_p.end(), 0);
    for (uint32_t k = 0; k < classes; ++k) m_err[k] = int64_t{m_z[k]} - (k == label ? kOneQ8 : 0);
  }
  m_nonzero.clear();
  for (uint32_t k = 0; k < classes; ++k)
    if (m_err[k] != 0) m_nonzero.push_back(k);
  m_counts.sops_gradient = uint64_t{n} * m_nonzero.size();
  const int64_t limit = int64_t{m_options.threshold} - 1;
  for (uint32_t i = 0; i < n; ++i) {
    const int32_t* const row = m_weights.readout.row(i);
    int64_t sum = 0;
    for (uint32_t k : m_nonzero) sum += int64_t{row[k]} * m_err[k];
    const int64_t g = workloads::round_shift(sum, static_cast<int>(m_options.gradient_shift));
    const int64_t clamped = std::clamp(g, -limit, limit);
    m_counts.gradient_clamped += clamped != g;
    m_g[i] = static_cast<int32_t>(clamped);
  }
}

void SpideReference::backward() {
  const uint32_t n = m_options.hidden;
  const uint32_t width = m_options.state_width_bits;
  const int32_t theta_b = m_options.threshold / 2;
  m_active.clear();
  for (uint32_t i = 0; i < n; ++i)
    if (m_mask[i]) m_active.push_back(i);
  m_counts.active_neurons = m_active.size();
  std::fill(m_v.begin(), m_v.end(), 0);
  std::fill(m_beta.begin(), m_beta.end(), 0);
  std::fill(m_b_previous.begin(), m_b_previous.end(), 0);
  std::fill(m_e.begin(), m_e.end(), 0);
  const uint32_t h = m_options.feedforward;
  m_senders.clear();  // couples with b[t-1] != 0, ascending
  int32_t* const v = m_v.data();
  for (uint32_t t = 0; t < m_options.backward_steps; ++t) {
    for (uint32_t i : m_active) v[i] = arith::accumulate(v[i], m_g[i], width);  // 3a
    // 3b: the whole mirrored row is accumulated; only the running couples' lanes count
    // (the others are never read), so the result equals accumulating those lanes alone.
    for (uint32_t j : m_senders) {
      const int32_t* const column = m_recurrent_transposed.data() + size_t{j} * n;
      if (m_b_previous[j] > 0) {
        add_row<1>(v, column, n, width);
      } else {
        add_row<-1>(v, column, n, width);
      }
    }
    m_counts.sops_backward += uint64_t{m_senders.size()} * m_active.size();
    m_senders.clear();
    for (uint32_t i : m_active) {  // 3c
      int8_t b = 0;
      if (v[i] >= theta_b) {
        b = 1;
        v[i] -= 2 * theta_b;
      } else if (v[i] <= -theta_b) {
        b = -1;
        v[i] += 2 * theta_b;
      }
      m_b[i] = b;
      if (b != 0) {
        m_beta[i] += b;
        m_senders.push_back(i);
      }
    }
    m_counts.backward_spikes += m_senders.size();
    for (uint32_t i : m_active) m_b_previous[i] = m_b[i];
    for (uint32_t j : m_senders) {  // F delta = sum_t F b[t], through F's columns
      const int32_t* const column = m_input_transposed.data() + size_t{j} * h;
      if (m_b[j] > 0) {
        add_row<1>(m_e.data(), column, h, width);
      } else {
        add_row<-1>(m_e.data(), column, h, width);
      }
    }
    m_counts.sops_feedforward_backward += uint64_t{m_senders.size()} * h;
  }
}

uint64_t SpideReference::update_matrix(workloads::LayerWeightsData& m, const uint32_t* pre,
                                       const int64_t* post, int32_t shift, int32_t* mirror) {
  m_nonzero.clear();
  for (uint32_t j = 0; j < m.outputs; ++j)
    if (post[j] != 0) m_nonzero.push_back(j);
  if (m_nonzero.empty()) return 0;
  const int32_t hi = (1 << (m_options.weight_width_bits - 1)) - 1;
  const int32_t lo = -hi - 1;
  const uint32_t n = m.outputs;
  uint64_t written = 0;
  for (uint32_t i = 0; i < m.inputs; ++i) {
    if (pre[i] == 0) continue;
    const int64_t count = pre[i];
    int32_t* const row = m.w.data() + size_t{i} * n;
    bool touched = false;
    for (uint32_t j : m_nonzero) {
      const int64_t d = workloads::round_shift(-(post[j] * count), shift);
      if (d == 0) continue;
      touched = true;
      const int64_t value = row[j] + d;
      const int32_t next = static_cast<int32_t>(value < lo ? lo : (value > hi ? hi : value));
      if (next == row[j]) continue;
      row[j] = next;
      ++written;
      if (mirror != nullptr) mirror[size_t{j} * m.inputs + i] = next;
    }
    m_counts.update_ops += m_nonzero.size();
    if (touched) ++m_counts.rows_written;
  }
  return written;
}

void SpideReference::update() {
  const uint32_t n = m_options.hidden;
  for (uint32_t i = 0; i < n; ++i) m_delta[i] = m_mask[i] ? m_beta[i] : 0;
  const bool feedforward = m_options.feedforward > 0;
  uint64_t v = 0;
  if (feedforward) {
    const int shift = static_cast<int>(m_options.feedforward_delta_shift);
    for (uint32_t j = 0; j < m_options.feedforward; ++j)
      m_feedforward_delta[j] = m_feedforward_mask[j] ? workloads::round_shift(int64_t{m_e[j]}, shift) : 0;
    v = update_matrix(m_weights.feedforward, m_pixels.data(), m_feedforward_delta.data(),
                      m_options.feedforward_lr_shift + m_extra_shift, nullptr);
  }
  const uint64_t f = update_matrix(m_weights.input, m_x.data(), m_delta.data(),
                                   m_options.input_lr_shift + m_extra_shift,
                                   feedforward ? m_input_transposed.data() : nullptr);
  const uint64_t w = update_matrix(m_weights.recurrent, m_a.data(), m_delta.data(),
                                   m_options.recurrent_lr_shift + m_extra_shift, m_recurrent_transposed.data());
  const uint64_t o = update_matrix(m_weights.readout, m_a.data(), m_err.data(),
                                   m_options.readout_lr_shift + m_extra_shift, nullptr);
  m_counts.hidden_weights_written = v + f + w;
  m_counts.weights_written = v + f + w + o;
}

uint32_t SpideReference::train(const uint8_t* pixels, uint32_t label, uint64_t sample_index) {
  NMSIM_ASSERT(label < m_options.classes, "spide: label out of range");
  const uint32_t predicted = forward(pixels, sample_index);
  compute_error(label);
  backward();
  update();
  return predicted;
}

void SpideReference::save_state(ReferenceState& state) const {
  job::add_state_values(state, "input", m_weights.input.w);
  job::add_state_values(state, "recurrent", m_weights.recurrent.w);
  job::add_state_values(state, "readout", m_weights.readout.w);
  if (m_options.feedforward > 0) job::add_state_values(state, "feedforward", m_weights.feedforward.w);
}

void SpideReference::restore_state(const ReferenceState& state) {
  job::read_state_values(state, 0, "input", m_weights.input.w);
  job::read_state_values(state, 1, "recurrent", m_weights.recurrent.w);
  job::read_state_values(state, 2, "readout", m_weights.readout.w);
  if (m_options.feedforward > 0) job::read_state_values(state, 3, "feedforward", m_weights.feedforward.w);
  transpose_matrices();
}

void SpideReference::transpose_matrices() {
  const uint32_t n = m_options.hidden;
  m_recurrent_transposed.resize(size_t{n} * n);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t j = 0; j < n; ++j) m_recurrent_transposed[size_t{j} * n + i] = m_weights.recurrent.at(i, j);
  const uint32_t h = m_options.feedforward;
  m_input_transposed.resize(size_t{h} * n);
  for (uint32_t i = 0; i < h; ++i)
    for (uint32_t j = 0; j < n; ++j) m_input_transposed[size_t{j} * h + i] = m_weights.input.at(i, j);
}

}  // namespace nmsim::spide
