#include "workloads/ff/firmware.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/softmax.h"
#include "workloads/ff/class_window.h"
#include "workloads/job/forward_pass.h"
#include "workloads/job/group_factors.h"

namespace nmsim::ff {

namespace {

constexpr uint64_t kDividerCycles = 32;
constexpr int32_t kOneQ8 = 256;
// Host registers of a leader.
enum class HostRegister : uint8_t { kLabel, kAlpha };

}  // namespace

ScalarCost goodness_cost(uint32_t neurons, bool potentials) {
  const uint64_t n = neurons;
  return {potentials ? 2 * n : n, potentials ? 2 * n : n, n};
}

ScalarCost leader_cost(uint64_t received_values, bool training, bool adaptation) {
  const uint64_t c = kClasses;
  ScalarCost cost{received_values + c, received_values + c, c};  // sums, logits
  if (!training) return cost;
  cost.cycles += 3 * c + kDividerCycles + c + c;  // softmax steps, reciprocal, probabilities, error
  cost.adds += 3 * c + c + c;
  cost.multiplies += c;
  if (adaptation) {
    cost.cycles += c;
    cost.adds += c;
    cost.multiplies += c;
  }
  return cost;
}

ScalarCost neuron_error_cost(uint32_t neurons) { return {neurons, neurons, neurons}; }

FfCoreProgram::FfCoreProgram(const FfSchedule& schedule, std::optional<uint32_t> factor_tree)
    : m_schedule(schedule), m_factor_tree(factor_tree), m_encoder(schedule.encoder, schedule.seed, schedule.time_steps) {}

void FfCoreProgram::plan_groups(const core::CoreLayout& layout) {
  const FfLayerPlan& plan = m_schedule.layers[layout.layer - 1];
  m_leader = layout.first_neuron == 0 && layout.owns_neurons();
  m_groups.clear();
  m_class_of.assign(layout.neuron_count, 0);
  const uint32_t first = layout.first_neuron, last = first + layout.neuron_count;
  for (uint32_t c = 0; c < kClasses; ++c) {
    const uint32_t begin = std::max(first, plan.group_start[c]);
    const uint32_t end = std::min(last, plan.group_start[c] + plan.group_size[c]);
    if (begin >= end) continue;
    m_groups.push_back({c, begin - first, end - first});
    for (uint32_t j = begin; j < end; ++j) m_class_of[j - first] = static_cast<uint8_t>(c);
  }
  // |sum of n potentials| <= n 2^(w-1): one signed 32-bit word when that is <= 2^31.
  const uint64_t bound = uint64_t{layout.neuron_count} << (m_schedule.state_width_bits - 1);
  m_two_word_potentials = bound > (uint64_t{1} << 31);
}

void FfCoreProgram::run(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  plan_groups(layout);
  m_factors.assign(layout.neuron_count, 0);
  const bool owner = layout.owns_neurons();
  const auto layers = static_cast<uint32_t>(m_schedule.layers.size());
  const uint32_t steps = m_schedule.time_steps;
  if (m_leader) m_records.reserve(m_schedule.sample_indices.size() + m_schedule.test_indices.size());
  for (std::size_t s = 0; s < m_schedule.sample_indices.size(); ++s) {
    core.barrier(Phase::kForward);  // pixels, label (and alpha) are loaded
    job::run_forward_pass(core, m_encoder, m_input_spikes, m_schedule.encoder_indices[s], steps, layers,
                          Phase::kBackward);
    if (owner) send_partial_sums(core);
    core.barrier(Phase::kBackward);  // the sums are at the leaders
    if (m_leader) leader_step(core, true);
    core.barrier(Phase::kBackward);  // the class errors are at the layer's owners
    bool any = owner && neuron_errors(core);
    if (any && m_factor_tree) job::send_group_factors(core, *m_factor_tree, m_factors);
    core.barrier(Phase::kUpdate);  // the factors are at the fan-in group cores
    if (!owner) any = job::receive_group_factors(core, m_factors);
    if (any) update(core);
    core.barrier(Phase::kHostIo);
  }
  for (std::size_t k = 0; k < m_schedule.test_indices.size(); ++k) {
    core.barrier(Phase::kForward);  // pixels are loaded
    job::run_forward_pass(core, m_encoder, m_input_spikes, m_schedule.test_encoder_indices[k], steps, layers,
                          Phase::kForward);
    if (owner) send_partial_sums(core);
    core.barrier(Phase::kForward);  // the sums are at the leaders
    if (m_leader) leader_step(core, false);
    core.barrier(Phase::kHostIo);
  }
}

void FfCoreProgram::send_partial_sums(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  const bool last = layout.last_layer;
  const uint8_t* a = core.spike_counts().data();
  const int32_t* u = core.potentials().data();
  m_goodness.fill(0);
  m_potential.fill(0);
  for (const LocalGroup& g : m_groups) {
    int64_t sum = 0, potential = 0;
    for (uint32_t j = g.begin; j < g.end; ++j) sum += int64_t{a[j]} * a[j];
    if (last) {
      for (uint32_t j = g.begin; j < g.end; ++j) potential += u[j];
    }
    m_goodness[g.c] = sum;
    m_potential[g.c] = potential;
  }
  const ScalarCost cost = goodness_cost(layout.neuron_count, last);
  core.controller_compute(cost.cycles, cost.adds, cost.multiplies);
  if (m_leader) return;  // the leader adds the others' sums to its own
  const FfLayerPlan& plan = m_schedule.layers[layout.layer - 1];
  const auto send = [&](uint32_t index, int32_t value) {
    core.send_value_to(plan.leader_node, plan.leader_core_in_node, index, value);
  };
  for (const LocalGroup& g : m_groups) {
    const int64_t sum = m_goodness[g.c];
    NMSIM_ASSERT(sum <= std::numeric_limits<int32_t>::max(), "ff: a goodness partial sum exceeds a graded value");
    if (sum != 0) send(g.c, static_cast<int32_t>(sum));
    const int64_t potential = m_potential[g.c];
    if (!last || potential == 0) continue;
    if (!m_two_word_potentials) {
      send(kPotentialIndex + g.c, static_cast<int32_t>(potential));
    } else {
      send(kPotentialLowIndex + g.c, static_cast<int32_t>(static_cast<uint32_t>(potential)));
      send(kPotentialHighIndex + g.c, static_cast<int32_t>((potential - static_cast<uint32_t>(potential)) / (int64_t{1} << 32)));
    }
  }
}

void FfCoreProgram::leader_step(core::NeuronCore& core, bool training) {
  const FfLayerPlan& plan = m_schedule.layers[core.layout().layer - 1];
  const auto& received = core.received_values();
  for (const auto& v : received) {
    if (v.index < kClasses) {
      m_goodness[v.index] += v.value;
    } else if (v.index < kPotentialLowIndex) {
      m_potential[v.index - kPotentialIndex] += v.value;
    } else if (v.index < kPotentialHighIndex) {
      m_potential[v.index - kPotentialLowIndex] += static_cast<uint32_t>(v.value);
    } else {
      m_potential[v.index - kPotentialHighIndex] += int64_t{v.value} * (int64_t{1} << 32);
    }
  }
  const uint64_t received_count = received.size();
  core.clear_received_values();

  LeaderRecord& r = m_records.emplace_back();
  r.goodness = m_goodness;
  r.potential = m_potential;
  for (uint32_t c = 0; c < kClasses; ++c) {
    r.logits[c] = static_cast<int32_t>((static_cast<uint64_t>(m_goodness[c]) * plan.logit_scale[c] +
                                        (uint64_t{1} << 15)) >> 16);
  }
  if (training) {
    std::array<int32_t, kClasses> probabilities{};
    workloads::softmax_q8(r.logits.data(), kClasses, probabilities.data());
    const auto label = static_cast<uint32_t>(core.host_register(HostRegister::kLabel));
    const int64_t alpha = core.host_register(HostRegister::kAlpha);
    for (uint32_t c = 0; c < kClasses; ++c) {
      int64_t err = probabilities[c] - (c == label ? kOneQ8 : 0);
      if (m_schedule.class_adaptation) err = workloads::round_shift(err * alpha, 8);
      r.class_error[c] = static_cast<int32_t>(err);
    }
    m_class_error = r.class_error;
  }
  const ScalarCost cost = leader_cost(received_count, training, m_schedule.class_adaptation);
  core.controller_compute(cost.cycles, cost.adds, cost.multiplies);
  if (!training || !plan.has_followers) return;
  for (uint32_t c = 0; c < kClasses; ++c) {
    if (m_class_error[c] != 0) core.send_value(plan.error_tree, c, m_class_error[c]);
  }
}

bool FfCoreProgram::neuron_errors(core::NeuronCore& core) {
  if (!m_leader) {
    m_class_error.fill(0);  // classes whose error is 0 were not sent
    for (const auto& v : core.received_values()) m_class_error[v.index] = v.value;
    core.clear_received_values();
  }
  bool any_class = false;
  for (const LocalGroup& g : m_groups) any_class = any_class || m_class_error[g.c] != 0;
  if (!any_class) return false;  // every e_j is 0: nothing to compute or update
  const uint32_t n = core.layout().neuron_count;
  const uint8_t* a = core.spike_counts().data();
  const uint32_t steps = m_schedule.time_steps;
  bool any = false;
  for (uint32_t j = 0; j < n; ++j) {
    int64_t e = int64_t{m_class_error[m_class_of[j]]} * a[j];
    if (m_schedule.gate && a[j] == steps && e < 0) e = 0;
    m_factors[j] = static_cast<int32_t>(-e);  // the update subtracts eta e_j x_i
    any = any || e != 0;
  }
  const ScalarCost cost = neuron_error_cost(n);
  core.controller_compute(cost.cycles, cost.adds, cost.multiplies);
  return any;
}

void FfCoreProgram::update(core::NeuronCore& core) {
  const std::vector<uint8_t>& x = core.axon_counts();
  const uint32_t fan_in = core.layout().fan_in;
  for (uint32_t i = 0; i < fan_in; ++i) {
    if (x[i] != 0) core.update_weights_scaled(i, m_factors.data(), x[i], m_schedule.lr_shift);
  }
}

FfHostProgram::FfHostProgram(const FfSchedule& schedule, chip::Chip& chip, std::vector<const FfCoreProgram*> leaders,
                             std::function<void(uint32_t)> progress, std::function<void()> training_done)
    : m_schedule(schedule),
      m_chip(chip),
      m_leaders(std::move(leaders)),
      m_progress(std::move(progress)),
      m_training_done(std::move(training_done)) {
  NMSIM_ASSERT(m_leaders.size() == schedule.layers.size(), "ff host: one leader per layer");
}

void FfHostProgram::load_pixels(host::HostLink& link, const uint8_t* pixels) {
  for (const auto& slot : m_chip.mapping().layers.front()) {
    auto& buffer = m_chip.core(slot.core_index).input_pixels();
    std::memcpy(buffer.data(), pixels + slot.first_axon, buffer.size());  // its fan-in group's pixels
    link.transfer_to_chip(buffer.size() + sizeof(uint32_t));  // pixels + encoder index register
  }
}

void FfHostProgram::load_label(host::HostLink& link, uint32_t label, uint32_t alpha) {
  for (const FfLayerPlan& plan : m_schedule.layers) {
    core::NeuronCore& leader = m_chip.core(plan.leader_core_index);
    leader.host_register(HostRegister::kLabel) = static_cast<int32_t>(label);
    if (!m_schedule.class_adaptation) {
      link.transfer_to_chip(sizeof(int32_t));
      continue;
    }
    leader.host_register(HostRegister::kAlpha) = static_cast<int32_t>(alpha);
    link.transfer_to_chip(2 * sizeof(int32_t));
  }
}

uint32_t FfHostProgram::read_prediction(host::HostLink& link) {
  const std::size_t layers = m_leaders.size();
  int64_t total[kClasses] = {};
  for (std::size_t l = 0; l < layers; ++l) {
    if (m_schedule.predict_last_layer && l + 1 != layers) continue;
    const LeaderRecord& r = m_leaders[l]->records().back();
    for (uint32_t c = 0; c < kClasses; ++c) total[c] += r.logits[c];
    link.transfer_from_chip(kClasses * sizeof(int32_t));
  }
  const LeaderRecord& last = m_leaders.back()->records().back();
  link.transfer_from_chip(kClasses * sizeof(int64_t));  // the potential sums
  // argmax; ties to the larger potential sum, then to the lower class (reference.h step 7).
  uint32_t best = 0;
  for (uint32_t c = 1; c < kClasses; ++c) {
    if (total[c] > total[best] || (total[c] == total[best] && last.potential[c] > last.potential[best])) best = c;
  }
  return best;
}

void FfHostProgram::run(host::HostLink& link) {
  for (std::size_t l = 0; l < m_schedule.layers.size(); ++l) {
    link.transfer_to_chip(kClasses * sizeof(uint64_t));  // K_c into each leader, once per run
  }
  ClassWindow window(std::max(1u, m_schedule.adaptation_window), std::max(1u, m_schedule.adaptation_interval));
  const uint32_t forward_barriers = m_schedule.time_steps * static_cast<uint32_t>(m_schedule.layers.size());
  uint32_t done = 0;
  for (uint32_t d : m_schedule.sample_indices) {
    const uint32_t label = m_schedule.data->labels[d];
    load_pixels(link, m_schedule.data->sample(d));
    load_label(link, label, window.alpha(label));
    link.barrier(Phase::kForward);
    for (uint32_t b = 1; b <= forward_barriers; ++b) {
      link.barrier(b == forward_barriers ? Phase::kBackward : Phase::kForward);
    }
    link.barrier(Phase::kBackward);  // sums at the leaders
    link.barrier(Phase::kBackward);  // errors at the cores
    link.barrier(Phase::kUpdate);
    link.barrier(Phase::kHostIo);
    // The leaders' z are those of the forward pass: the update does not touch them.
    const uint32_t predicted = read_prediction(link);
    m_outcomes.push_back({label, predicted});
    if (m_schedule.class_adaptation) window.record(label, predicted != label);
    if (m_progress) m_progress(++done);
  }
  if (m_training_done) m_training_done();
  for (uint32_t index : m_schedule.test_indices) {
    load_pixels(link, m_schedule.test_data->sample(index));
    link.barrier(Phase::kForward);
    for (uint32_t b = 1; b <= forward_barriers; ++b) link.barrier(Phase::kForward);
    link.barrier(Phase::kForward);  // sums at the leaders
    link.barrier(Phase::kHostIo);
    m_test_outcomes.push_back({m_schedule.test_data->labels[index], read_prediction(link)});
    if (m_progress) m_progress(++done);
  }
}

}  // namespace nmsim::ff
