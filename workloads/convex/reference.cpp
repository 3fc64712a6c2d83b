#include "workloads/convex/reference.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "models/arith/accumulate_row.h"
#include "models/base/errors.h"
#include "workloads/common/network.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/prng.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::convex {
namespace {

constexpr int64_t kUniformSumMean = 131070;  // 4 * 65535 / 2
constexpr int64_t kSqrt3Q16 = 113512;        // round(sqrt(3) * 2^16)
constexpr uint32_t kMaxEtaShift = 62;        // round_shift's limit

uint32_t words_for(uint64_t bits) { return static_cast<uint32_t>((bits + 63) / 64); }

// Spike count of bits [start, start + len).
uint32_t count_range(const uint64_t* bits, uint64_t start, uint32_t len) {
  uint32_t n = 0;
  while (len > 0) {
    const uint32_t offset = static_cast<uint32_t>(start & 63);
    const uint32_t take = std::min<uint32_t>(len, 64 - offset);
    const uint64_t mask = take == 64 ? ~uint64_t{0} : ((uint64_t{1} << take) - 1);
    n += static_cast<uint32_t>(__builtin_popcountll((bits[start >> 6] >> offset) & mask));
    start += take;
    len -= take;
  }
  return n;
}

// Calls f(feature, value) for every nonzero feature of a sample, ascending.
template <typename F>
void for_each_feature(const ConvexOptions& o, const uint64_t* bits, uint32_t units, F&& f) {
  const uint32_t t_steps = o.time_steps;
  if (o.features == CONVEX_FEATURES_SPIKE_TRAIN) {
    const uint32_t words = words_for(uint64_t{units} * t_steps);
    for (uint32_t w = 0; w < words; ++w) {
      uint64_t word = bits[w];
      while (word) {
        f(w * 64 + static_cast<uint32_t>(__builtin_ctzll(word)), 1);
        word &= word - 1;
      }
    }
    return;
  }
  for (uint32_t j = 0; j < units; ++j) {
    const uint32_t a = count_range(bits, uint64_t{j} * t_steps, t_steps);
    if (a) f(j, static_cast<int32_t>(a));
  }
}

int32_t saturate32(int64_t v) { return arith::saturate(v, 32); }

// ConfigError if the largest weight of a sigma (3.47 sigma) does not fit the weight width.
void check_sigma(const char* field, uint32_t sigma, uint32_t weight_width_bits) {
  if (sigma < 1) throw ConfigError(std::string("run.convex.") + field + ": must be >= 1");
  const int64_t largest = arith::round_shift(kUniformSumMean * sigma * kSqrt3Q16, 32);
  const int64_t max_weight = (int64_t{1} << (weight_width_bits - 1)) - 1;
  if (largest > max_weight)
    throw ConfigError(std::string("run.convex.") + field + " = " + std::to_string(sigma) +
                      ": the largest witness weight, " + std::to_string(largest) +
                      " (3.47 sigma), must fit chip.core.weight_width_bits = " +
                      std::to_string(weight_width_bits) + " (<= " + std::to_string(max_weight) + ")");
}

// Step 1's Gaussian from one hash.
int32_t gaussian_weight(uint64_t seed, workloads::Stream stream, uint32_t sigma, uint64_t index) {
  const uint64_t r = workloads::prng_u64(seed, static_cast<uint64_t>(stream), index);
  int64_t s = 0;
  for (int k = 0; k < 4; ++k) s += static_cast<int64_t>((r >> (16 * k)) & 0xFFFF);
  return static_cast<int32_t>(arith::round_shift((s - kUniformSumMean) * sigma * kSqrt3Q16, 32));
}

// One layer's integration of an input line's row into n units (step 2): saturating, masked
// units skipped.
void integrate_row(const int32_t* row, uint32_t n, int32_t* u, const uint8_t* refractory, bool masked,
                   uint32_t width) {
  if (!masked) {
    arith::accumulate_row(u, row, n, width);
    return;
  }
  for (uint32_t j = 0; j < n; ++j)
    if (refractory[j] == 0) u[j] = arith::accumulate(u[j], row[j], width);
}

}  // namespace

void check_options(const ConvexOptions& o) {
  const std::string units_field = two_layers(o) ? "run.network.hidden_sizes[1]: P2" : "run.network.hidden_sizes[0]: P";
  if (o.units == 0) throw ConfigError(units_field + " must be >= 1 unit");
  if (o.time_steps == 0 || o.time_steps > 255) throw ConfigError("run.time_steps: must be 1..255");
  if (o.neuron.state_width_bits < 2 || o.neuron.state_width_bits > 32)
    throw ConfigError("chip.core.state_width_bits: must be 2..32");
  const int64_t max_state = (int64_t{1} << (o.neuron.state_width_bits - 1)) - 1;
  if (o.neuron.threshold < 1 || o.neuron.threshold > max_state)
    throw ConfigError("run.network.neuron.threshold: must be 1.." + std::to_string(max_state));
  if (o.neuron.refractory_steps > 255)
    throw ConfigError("run.network.neuron.refractory_steps: must fit 8 bits");
  if (o.weight_width_bits < 2 || o.weight_width_bits > 16)
    throw ConfigError("chip.core.weight_width_bits: convex needs 2..16");
  check_sigma("witness_sigma", o.witness_sigma, o.weight_width_bits);
  if (two_layers(o)) check_sigma("witness2_sigma", o.witness2_sigma, o.weight_width_bits);
  if (o.features != CONVEX_FEATURES_SPIKE_TRAIN && o.features != CONVEX_FEATURES_COUNT)
    throw ConfigError("run.convex.features: must be CONVEX_FEATURES_SPIKE_TRAIN or CONVEX_FEATURES_COUNT");
  if (o.group_norm != CONVEX_GROUP_NORM_L1 && o.group_norm != CONVEX_GROUP_NORM_LINF)
    throw ConfigError("run.convex.group_norm: must be CONVEX_GROUP_NORM_L1 or CONVEX_GROUP_NORM_LINF");
  if (o.eta_shift > 40) throw ConfigError("run.convex.eta_shift = " + std::to_string(o.eta_shift) + ": must be 0..40");
  if (o.batch_size < 1 || o.batch_size > 65536)
    throw ConfigError("run.convex.batch_size = " + std::to_string(o.batch_size) + ": must be 1..65536");
  if (!(o.beta_fraction >= 0 && o.beta_fraction <= 1))
    throw ConfigError("run.convex.beta_fraction = " + std::to_string(o.beta_fraction) + ": must be in [0, 1]");
  if (!(o.tolerance >= 0 && o.tolerance <= 1))
    throw ConfigError("run.convex.tolerance = " + std::to_string(o.tolerance) + ": must be in [0, 1]");
  if (o.readout_fraction_bits < 8 || o.readout_fraction_bits > 24)
    throw ConfigError("run.convex.readout_fraction_bits = " + std::to_string(o.readout_fraction_bits) +
                      ": must be 8..24");
  // Readout rows are indexed in 32 bits.
  if (uint64_t{o.units} * o.time_steps * kClasses > (uint64_t{1} << 31))
    throw ConfigError(std::string(two_layers(o) ? "run.network.hidden_sizes[1]" : "run.network.hidden_sizes[0]") +
                      " = " + std::to_string(o.units) + ": P * T * 10 readout weights must be < 2^31");
}

int32_t witness_weight(uint64_t seed, uint32_t sigma, uint32_t unit, uint32_t input) {
  return gaussian_weight(seed, workloads::Stream::kWitness, sigma, uint64_t{unit} * kInputs + input);
}

int32_t witness2_weight(uint64_t seed, uint32_t sigma, uint32_t layer1_units, uint32_t unit2, uint32_t unit1) {
  return gaussian_weight(seed, workloads::Stream::kWitness2, sigma, uint64_t{unit2} * layer1_units + unit1);
}

uint64_t hidden_sops(const ConvexOptions& o, uint64_t input_spikes, uint64_t layer1_spikes, uint64_t units) {
  return two_layers(o) ? input_spikes * o.layer1_units + layer1_spikes * units : input_spikes * units;
}

arith::GroupNorm group_norm_of(ConvexGroupNorm norm) {
  return norm == CONVEX_GROUP_NORM_L1 ? arith::GroupNorm::kL1 : arith::GroupNorm::kLinf;
}

uint32_t features_per_unit(const ConvexOptions& o) {
  return o.features == CONVEX_FEATURES_SPIKE_TRAIN ? o.time_steps : 1;
}

// ---- Hidden units ----

HiddenUnits::HiddenUnits(const ConvexOptions& o, std::vector<uint32_t> ids)
    : m_options(o),
      m_ids(std::move(ids)),
      m_words(words_for(uint64_t{m_ids.size()} * o.time_steps)),
      m_encoder(o.encoder, o.seed, o.time_steps) {
  check_options(o);
  const size_t k = m_ids.size();
  const bool two = two_layers(o);
  // The readout layer's input lines: the pixels, or layer 1's units.
  const uint32_t lines = two ? o.layer1_units : kInputs;
  m_weights.resize(size_t{lines} * k);
  for (size_t u = 0; u < k; ++u) {
    NMSIM_ASSERT(m_ids[u] < o.units, "HiddenUnits: unit id out of range");
    for (uint32_t i = 0; i < lines; ++i)
      m_weights[i * k + u] = two ? witness2_weight(o.seed, o.witness2_sigma, o.layer1_units, m_ids[u], i)
                                 : witness_weight(o.seed, o.witness_sigma, m_ids[u], i);
  }
  m_potentials.resize(k);
  m_refractory.resize(k);
  m_input.resize(kInputs);
  if (two) {
    const uint32_t p1 = o.layer1_units;
    m_weights1.resize(size_t{kInputs} * p1);
    for (uint32_t j = 0; j < p1; ++j)
      for (uint32_t i = 0; i < kInputs; ++i) m_weights1[size_t{i} * p1 + j] = witness_weight(o.seed, o.witness_sigma, j, i);
    m_potentials1.resize(p1);
    m_refractory1.resize(p1);
    m_layer1.resize(p1);
  }
}

void HiddenUnits::run(const uint8_t* pixels, uint64_t sample_index, SpikeTrains& out) {
  const uint32_t k = size();
  const uint32_t t_steps = m_options.time_steps;
  const uint32_t width = m_options.neuron.state_width_bits;
  const bool masked = m_options.neuron.refractory_steps > 0;
  const bool two = two_layers(m_options);
  const uint32_t p1 = m_options.layer1_units;
  out.bits.assign(m_words, 0);
  out.input_spikes = 0;
  out.layer1_spikes = 0;
  std::fill(m_potentials.begin(), m_potentials.end(), 0);
  std::fill(m_refractory.begin(), m_refractory.end(), 0);
  std::fill(m_potentials1.begin(), m_potentials1.end(), 0);
  std::fill(m_refractory1.begin(), m_refractory1.end(), 0);
  m_encoder.start(pixels, kInputs, sample_index);
  for (uint32_t t = 0; t < t_steps; ++t) {
    m_encoder.step(t, m_input);
    if (two) {
      m_input.for_each([&](uint32_t i) {
        ++out.input_spikes;
        integrate_row(m_weights1.data() + size_t{i} * p1, p1, m_potentials1.data(), m_refractory1.data(), masked, width);
      });
      m_layer1.clear();
      for (uint32_t j = 0; j < p1; ++j)
        if (arith::fire_step(m_potentials1[j], m_refractory1[j], m_options.neuron)) m_layer1.set(j);
      m_layer1.for_each([&](uint32_t j1) {
        ++out.layer1_spikes;
        integrate_row(m_weights.data() + size_t{j1} * k, k, m_potentials.data(), m_refractory.data(), masked, width);
      });
    } else {
      m_input.for_each([&](uint32_t i) {
        ++out.input_spikes;
        integrate_row(m_weights.data() + size_t{i} * k, k, m_potentials.data(), m_refractory.data(), masked, width);
      });
    }
    for (uint32_t j = 0; j < k; ++j) {
      if (arith::fire_step(m_potentials[j], m_refractory[j], m_options.neuron)) {
        const uint64_t bit = uint64_t{j} * t_steps + t;
        out.bits[bit >> 6] |= uint64_t{1} << (bit & 63);
      }
    }
  }
  out.hidden_sops = hidden_sops(m_options, out.input_spikes, out.layer1_spikes, k);
}

FeatureStore compute_features(HiddenUnits& hidden, const workloads::Dataset& split,
                              const std::vector<uint32_t>& samples, uint64_t index_base) {
  FeatureStore store;
  store.words = hidden.words();
  store.bits.resize(size_t{store.words} * samples.size());
  store.input_spikes.resize(samples.size());
  store.layer1_spikes.resize(samples.size());
  SpikeTrains trains;
  for (size_t s = 0; s < samples.size(); ++s) {
    hidden.run(split.sample(samples[s]), index_base + samples[s], trains);
    std::copy(trains.bits.begin(), trains.bits.end(), store.bits.begin() + s * store.words);
    store.input_spikes[s] = static_cast<uint32_t>(trains.input_spikes);
    store.layer1_spikes[s] = static_cast<uint32_t>(trains.layer1_spikes);
  }
  return store;
}

// ---- Readout ----

uint64_t readout_outputs(const ConvexOptions& o, const uint64_t* bits, uint32_t units,
                         const int32_t* v, int64_t out[kClasses]) {
  for (uint32_t k = 0; k < kClasses; ++k) out[k] = 0;
  uint64_t active = 0;
  for_each_feature(o, bits, units, [&](uint32_t f, int32_t x) {
    ++active;
    const int32_t* row = v + size_t{f} * kClasses;
    for (uint32_t k = 0; k < kClasses; ++k) out[k] += int64_t{x} * row[k];
  });
  return active * kClasses;
}

uint32_t argmax(const int64_t out[kClasses]) {
  uint32_t best = 0;
  for (uint32_t k = 1; k < kClasses; ++k)
    if (out[k] > out[best]) best = k;
  return best;
}

ConvexReadout::ConvexReadout(const ConvexOptions& o)
    : m_options(o),
      m_group_rows(features_per_unit(o)),
      m_group_size(features_per_unit(o) * kClasses) {
  check_options(o);
  m_v.assign(size_t{o.units} * m_group_size, 0);
  m_gradient.assign(m_v.size(), 0);
}

void ConvexReadout::set_training_set(const FeatureStore& store, const std::vector<uint8_t>& labels,
                                     const std::vector<uint32_t>& set) {
  if (set.empty()) throw ConfigError("run.training.train_samples: the training set is empty");
  // C = H^T Y in counts: per feature row, per class.
  std::vector<uint64_t> c(m_v.size(), 0);
  for (uint32_t s : set) {
    const uint32_t label = labels[s];
    for_each_feature(m_options, store.sample(s), m_options.units,
                     [&](uint32_t f, int32_t x) { c[size_t{f} * kClasses + label] += x; });
  }
  const arith::GroupNorm norm = group_norm_of(m_options.group_norm);
  uint64_t beta_max = 0;
  for (uint32_t j = 0; j < m_options.units; ++j) {
    const uint64_t* g = c.data() + size_t{j} * m_group_size;
    uint64_t dual = 0;
    for (uint32_t n = 0; n < m_group_size; ++n) dual = arith::dual_norm_add(dual, g[n], norm);
    beta_max = std::max(beta_max, dual);
  }
  set_beta_max(beta_max, static_cast<uint32_t>(set.size()));
}

void ConvexReadout::set_beta_max(uint64_t beta_max, uint32_t training_samples) {
  m_beta_max = beta_max;
  m_beta_q = static_cast<int64_t>(std::floor(
      m_options.beta_fraction * static_cast<double>(m_beta_max) *
          static_cast<double>(int64_t{1} << m_options.readout_fraction_bits) + 0.5));
  m_training_samples = training_samples;
}

int64_t ConvexReadout::next_threshold(uint32_t b, uint32_t epoch) {
  const uint64_t before = static_cast<uint64_t>(m_tau_accumulator >> 16);
  m_tau_accumulator += tau_fine(b, epoch);
  return static_cast<int64_t>(static_cast<uint64_t>(m_tau_accumulator >> 16) - before);
}

double ConvexReadout::objective_value(uint64_t loss, int64_t group_norms) const {
  const int q = static_cast<int>(m_options.readout_fraction_bits);
  const __int128 penalty = static_cast<__int128>(m_beta_q) * group_norms;
  return static_cast<double>(loss) / std::ldexp(1.0, q + 1) + static_cast<double>(penalty) / std::ldexp(1.0, 2 * q);
}

double ConvexReadout::beta() const {
  return static_cast<double>(m_beta_q) / static_cast<double>(int64_t{1} << m_options.readout_fraction_bits);
}

uint32_t ConvexReadout::batch_size(uint32_t epoch) const {
  NMSIM_ASSERT(m_training_samples > 0, "ConvexReadout: set_training_set first");
  uint64_t b = m_options.batch_size;
  const uint32_t doublings = m_options.batch_growth_epochs ? epoch / m_options.batch_growth_epochs : 0;
  for (uint32_t d = 0; d < doublings && b < m_training_samples; ++d) b *= 2;
  return static_cast<uint32_t>(std::min<uint64_t>(b, m_training_samples));
}

uint32_t ConvexReadout::eta_shift(uint32_t epoch) const {
  const uint32_t decay = m_options.eta_decay_epochs ? epoch / m_options.eta_decay_epochs : 0;
  uint32_t growth = 0;
  if (m_training_samples > 0)
    while ((uint64_t{m_options.batch_size} << growth) < batch_size(epoch)) ++growth;
  return std::min(kMaxEtaShift, m_options.eta_shift + decay + growth);
}

uint64_t ConvexReadout::tau_fine(uint32_t b, uint32_t epoch) const {
  NMSIM_ASSERT(m_training_samples > 0, "ConvexReadout: set_training_set first");
  using u128 = unsigned __int128;
  const u128 d = u128{m_training_samples} << eta_shift(epoch);
  const u128 num = (u128{static_cast<uint64_t>(m_beta_q)} * b << 16) + d / 2;
  const u128 tau = num / d;
  NMSIM_ASSERT(tau < (u128{1} << 62), "ConvexReadout: threshold out of range");
  return static_cast<uint64_t>(tau);
}

uint32_t ConvexReadout::predict(const uint64_t* bits, int64_t out[kClasses], uint64_t* additions) const {
  if (m_support.empty()) {
    const uint64_t adds = readout_outputs(m_options, bits, m_options.units, m_v.data(), out);
    if (additions) *additions += adds;
    return argmax(out);
  }
  // Restricted (step 8): the pruned network's readout, kept units' features only.
  for (uint32_t k = 0; k < kClasses; ++k) out[k] = 0;
  uint64_t active = 0;
  for_each_feature(m_options, bits, m_options.units, [&](uint32_t f, int32_t x) {
    if (!m_support[f / m_group_rows]) return;
    ++active;
    const int32_t* row = m_v.data() + size_t{f} * kClasses;
    for (uint32_t k = 0; k < kClasses; ++k) out[k] += int64_t{x} * row[k];
  });
  if (additions) *additions += active * kClasses;
  return argmax(out);
}

void ConvexReadout::restrict_to(const std::vector<uint32_t>& kept) {
  m_support.assign(m_options.units, 0);
  for (uint32_t j : kept) {
    NMSIM_ASSERT(j < m_options.units, "restrict_to: unit id out of range");
    m_support[j] = 1;
  }
  for (uint32_t j = 0; j < m_options.units; ++j)
    if (!m_support[j])
      std::fill(m_v.begin() + size_t{j} * m_group_size, m_v.begin() + size_t{j + 1} * m_group_size, 0);
  m_beta_q = 0;
}

StepCounts ConvexReadout::step(const FeatureStore& store, const std::vector<uint8_t>& labels,
                               const uint32_t* batch, uint32_t b, uint32_t epoch,
                               uint32_t* predictions) {
  NMSIM_ASSERT(m_training_samples > 0, "ConvexReadout: set_training_set first");
  StepCounts counts;
  const int64_t target = int64_t{1} << m_options.readout_fraction_bits;
  std::fill(m_gradient.begin(), m_gradient.end(), 0);
  for (uint32_t s = 0; s < b; ++s) {
    const uint64_t* bits = store.sample(batch[s]);
    int64_t out[kClasses];
    predictions[s] = predict(bits, out, &counts.readout_additions);
    int32_t e[kClasses];
    for (uint32_t k = 0; k < kClasses; ++k)
      e[k] = saturate32(out[k] - (k == labels[batch[s]] ? target : 0));
    for_each_feature(m_options, bits, m_options.units, [&](uint32_t f, int32_t x) {
      if (!m_support.empty() && !m_support[f / m_group_rows]) return;
      int64_t* g = m_gradient.data() + size_t{f} * kClasses;
      for (uint32_t k = 0; k < kClasses; ++k) g[k] += int64_t{x} * e[k];
      counts.gradient_additions += kClasses;
    });
  }
  m_before = m_v;
  const int shift = static_cast<int>(eta_shift(epoch));
  for (size_t n = 0; n < m_v.size(); ++n) arith::gradient_step(m_v[n], m_gradient[n], shift);
  const int64_t tau = next_threshold(b, epoch);
  const arith::GroupNorm norm = group_norm_of(m_options.group_norm);
  for (uint32_t j = 0; j < m_options.units; ++j) arith::prox(m_v.data() + size_t{j} * m_group_size, m_group_size, tau, norm);
  for (size_t n = 0; n < m_v.size(); ++n) counts.weights_written += m_v[n] != m_before[n];
  return counts;
}

Objective ConvexReadout::objective(const FeatureStore& store, const std::vector<uint8_t>& labels,
                                   const std::vector<uint32_t>& set) const {
  Objective r;
  const arith::GroupNorm norm = group_norm_of(m_options.group_norm);
  const uint32_t q = m_options.readout_fraction_bits;
  const int64_t target = int64_t{1} << q;
  for (uint32_t s : set) {
    int64_t out[kClasses];
    const uint32_t predicted = predict(store.sample(s), out, &r.additions);
    r.correct += predicted == labels[s];
    for (uint32_t k = 0; k < kClasses; ++k) {
      const int64_t e = saturate32(out[k] - (k == labels[s] ? target : 0));
      r.loss += static_cast<uint64_t>(arith::round_shift(e * e, static_cast<int>(q)));
    }
  }
  for (uint32_t j = 0; j < m_options.units; ++j)
    r.group_norms += arith::group_norm(m_v.data() + size_t{j} * m_group_size, m_group_size, norm);
  r.value = objective_value(r.loss, r.group_norms);
  return r;
}

void ConvexReadout::save_state(ReferenceState& state) const {
  job::add_state_values(state, "readout", m_v);
  job::add_state_values(state, "tau_accumulator",
                        std::vector<uint64_t>{static_cast<uint64_t>(m_tau_accumulator),
                                              static_cast<uint64_t>(m_tau_accumulator >> 64)});
  job::add_state_values(state, "refit_units", m_support);
}

void ConvexReadout::restore_state(const ReferenceState& state) {
  job::read_state_values(state, 0, "readout", m_v);
  std::vector<uint64_t> tau(2);
  job::read_state_values(state, 1, "tau_accumulator", tau);
  m_tau_accumulator = (static_cast<unsigned __int128>(tau[1]) << 64) | tau[0];
  // Empty before the refit, a flag per unit during it.
  const std::vector<int64_t> support = job::state_array(state, 2, "refit_units");
  if (support.empty()) return;
  job::check_state_size("refit_units", support.size(), m_options.units);
  std::vector<uint32_t> kept;
  for (uint32_t j = 0; j < m_options.units; ++j) {
    job::check_state_value("refit_units", support[j] == 0 || support[j] == 1);
    if (support[j]) kept.push_back(j);
  }
  restrict_to(kept);
}

std::vector<uint32_t> ConvexReadout::kept_units() const {
  std::vector<uint32_t> kept;
  for (uint32_t j = 0; j < m_options.units; ++j) {
    const int32_t* group = m_v.data() + size_t{j} * m_group_size;
    if (std::any_of(group, group + m_group_size, [](int32_t x) { return x != 0; })) kept.push_back(j);
  }
  return kept;
}

PrunedNetwork ConvexReadout::reconstruct() const {
  std::vector<uint32_t> kept = kept_units();
  std::vector<int32_t> rows;
  rows.reserve(kept.size() * m_group_size);
  for (uint32_t j : kept) {
    const int32_t* group = m_v.data() + size_t{j} * m_group_size;
    rows.insert(rows.end(), group, group + m_group_size);
  }
  return PrunedNetwork(m_options, std::move(kept), std::move(rows));
}

uint64_t ConvexReadout::kept_active_features(const uint64_t* bits,
                                             const std::vector<uint8_t>& kept_mask) const {
  uint64_t n = 0;
  for_each_feature(m_options, bits, m_options.units,
                   [&](uint32_t f, int32_t) { n += kept_mask[f / m_group_rows]; });
  return n;
}

// ---- Pruned network ----

PrunedNetwork::PrunedNetwork(const ConvexOptions& o, std::vector<uint32_t> kept,
                             std::vector<int32_t> readout)
    : m_options(o), m_hidden(o, std::move(kept)), m_readout(std::move(readout)) {
  NMSIM_ASSERT(m_readout.size() == size_t{m_hidden.size()} * features_per_unit(o) * kClasses,
               "PrunedNetwork: readout rows do not match the kept units");
}

uint64_t PrunedNetwork::outputs(const uint8_t* pixels, uint64_t sample_index, int64_t out[kClasses]) {
  m_hidden.run(pixels, sample_index, m_trains);
  return m_trains.hidden_sops +
         readout_outputs(m_options, m_trains.bits.data(), m_hidden.size(), m_readout.data(), out);
}

}  // namespace nmsim::convex
