#include "workloads/convex/firmware.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "models/arith/neuron_datapath.h"
#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"
#include "workloads/job/forward_pass.h"

namespace nmsim::convex {

namespace {

// A 64-bit value from two 32-bit registers (low word unsigned).
int64_t join_words(int32_t low, int32_t high) {
  return static_cast<int64_t>(high) * (int64_t{1} << 32) + static_cast<uint32_t>(low);
}

}  // namespace

LeaderCost leader_cost(uint64_t received_values, bool loss) {
  const uint64_t c = kClasses;
  LeaderCost cost{received_values + c + (c - 1), received_values + c + (c - 1), 0};
  if (loss) {
    cost.cycles += c;
    cost.adds += 2 * c;
    cost.multiplies += c;
  }
  return cost;
}

ConvexCoreProgram::ConvexCoreProgram(const ConvexSchedule& schedule)
    : m_schedule(schedule),
      m_encoder(schedule.options.encoder, schedule.options.seed, schedule.options.time_steps) {}

void ConvexCoreProgram::run(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  const ConvexOptions& o = m_schedule.options;
  // Layer-1 cores of two hidden layers behave as fan-in group cores: forward pass only.
  m_owner = layout.owns_neurons() && layout.layer == m_schedule.layers;
  m_leader = layout.first_neuron == 0 && m_owner;
  m_features.resize(layout.neuron_count * o.time_steps);
  const auto n = static_cast<uint32_t>(m_schedule.train_set.size());
  const arith::GroupNorm norm = group_norm_of(o.group_norm);
  if (m_schedule.beta_pass) {
    for (uint32_t s = 0; s < n; ++s) sample(core, Pass::kBeta);
    core.barrier(Phase::kUpdate);
    if (m_owner) m_dual_norm = core.readout_dual_norm(norm);
    core.barrier(Phase::kHostIo);  // the host reads the dual norms
  }
  for (uint32_t epoch = 0; epoch < m_schedule.max_epochs; ++epoch) {
    const uint32_t batch = m_schedule.batch_size[epoch];
    for (uint32_t k = 0; k < n; k += batch) {
      const uint32_t b = std::min(batch, n - k);
      for (uint32_t s = 0; s < b; ++s) sample(core, Pass::kTrain);
      core.barrier(Phase::kUpdate);  // the step's threshold is in the registers
      if (m_owner) {
        const int64_t tau =
            join_words(core.host_register(HostRegister::kTauLow), core.host_register(HostRegister::kTauHigh));
        core.readout_step(static_cast<int>(m_schedule.eta_shift[epoch]), tau, norm);
      }
      core.barrier(Phase::kHostIo);
    }
    m_loss = 0;
    for (uint32_t s = 0; s < n; ++s) sample(core, Pass::kObjective);
    core.barrier(Phase::kForward);
    if (m_owner) m_group_norms = core.readout_group_norms(norm);
    core.barrier(Phase::kHostIo);  // the host reads L and the norms, and decides
    core.barrier(Phase::kHostIo);  // the verdict is in the registers
    if (core.host_register(HostRegister::kContinue) == 0) break;
  }
  for (std::size_t s = 0; s < m_schedule.test_indices.size(); ++s) sample(core, Pass::kTest);
}

void ConvexCoreProgram::forward(core::NeuronCore& core, Phase after) {
  const uint64_t encoder_index = static_cast<uint64_t>(
      join_words(core.host_register(HostRegister::kEncoderIndexLow), core.host_register(HostRegister::kEncoderIndexHigh)));
  m_features.clear();
  // Captures two pointers: std::function keeps them inline (no allocation per sample).
  const std::function<void(uint32_t)> record = [this, &core](uint32_t t) {
    for (uint32_t j : core.fired()) m_features.set(j * m_schedule.options.time_steps + t);
  };
  job::run_forward_pass(core, m_encoder, m_input_spikes, encoder_index, m_schedule.options.time_steps,
                        m_schedule.layers, after, m_owner ? record : std::function<void(uint32_t)>{});
}

void ConvexCoreProgram::sample(core::NeuronCore& core, Pass pass) {
  core.barrier(Phase::kForward);  // pixels, encoder index and label are loaded
  if (!m_owner) {
    // A fan-in group core (or a layer-1 core of two hidden layers): its partial sums (spikes)
    // go to the owner (layer 2) in the forward pass; it holds no readout, so it only keeps step
    // with the others' barriers.
    forward(core, pass == Pass::kBeta ? Phase::kUpdate : Phase::kForward);
    if (pass == Pass::kTrain) {
      core.barrier(Phase::kBackward);
      core.barrier(Phase::kUpdate);
    } else if (pass != Pass::kBeta) {
      core.barrier(Phase::kForward);
    }
    core.barrier(Phase::kHostIo);
    return;
  }
  if (pass == Pass::kBeta) {
    forward(core, Phase::kUpdate);
    const auto label = static_cast<uint32_t>(core.host_register(HostRegister::kLabel));
    for (uint32_t k = 0; k < kClasses; ++k) m_residuals[k] = k == label ? 1 : 0;
    core.readout_accumulate(m_features, m_residuals.data());  // H^T Y in counts
    core.barrier(Phase::kHostIo);
    return;
  }
  forward(core, Phase::kForward);
  m_outputs.fill(0);
  core.readout_forward(m_features, m_outputs.data());
  send_partial_outputs(core);
  const bool training = pass == Pass::kTrain;
  core.barrier(training ? Phase::kBackward : Phase::kForward);  // the partial outputs are at the leader
  if (m_leader) leader_step(core, pass == Pass::kObjective);
  if (training && m_leader && m_schedule.has_followers) {
    for (uint32_t k = 0; k < kClasses; ++k)
      if (m_residuals[k] != 0) core.send_value(m_schedule.residual_tree, k, m_residuals[k]);
  }
  if (training) {
    core.barrier(Phase::kUpdate);  // the residuals are at every core
    if (!m_leader) {
      m_residuals.fill(0);  // a residual of 0 is not sent
      for (const auto& v : core.received_values()) m_residuals[v.index] = v.value;
      core.clear_received_values();
    }
    core.readout_accumulate(m_features, m_residuals.data());
  }
  core.barrier(Phase::kHostIo);
}

void ConvexCoreProgram::send_partial_outputs(core::NeuronCore& core) {
  if (m_leader) return;  // the leader adds the others' to its own
  for (uint32_t k = 0; k < kClasses; ++k) {
    const int64_t v = m_outputs[k];
    if (v == 0) continue;
    const auto low = static_cast<uint32_t>(static_cast<uint64_t>(v));
    const int64_t high = (v - low) / (int64_t{1} << 32);
    core.send_value_to(m_schedule.leader_node, m_schedule.leader_core_in_node, kPartialLow + k,
                       static_cast<int32_t>(low));
    core.send_value_to(m_schedule.leader_node, m_schedule.leader_core_in_node, kPartialHigh + k,
                       static_cast<int32_t>(high));
  }
}

void ConvexCoreProgram::leader_step(core::NeuronCore& core, bool loss) {
  const auto& received = core.received_values();
  for (const auto& v : received) {
    if (v.index >= kPartialHigh) m_outputs[v.index - kPartialHigh] += int64_t{v.value} * (int64_t{1} << 32);
    else m_outputs[v.index - kPartialLow] += static_cast<uint32_t>(v.value);
  }
  const uint64_t received_count = received.size();
  core.clear_received_values();
  m_prediction = argmax(m_outputs.data());
  const auto label = static_cast<uint32_t>(core.host_register(HostRegister::kLabel));
  const uint32_t q = m_schedule.options.readout_fraction_bits;
  for (uint32_t k = 0; k < kClasses; ++k) {
    const int64_t y = k == label ? int64_t{1} << q : 0;
    m_residuals[k] = arith::saturate(m_outputs[k] - y, 32);
    if (loss) {
      const int64_t e = m_residuals[k];
      m_loss += static_cast<uint64_t>(workloads::round_shift(e * e, static_cast<int>(q)));
    }
  }
  const LeaderCost cost = leader_cost(received_count, loss);
  core.controller_compute(cost.cycles, cost.adds, cost.multiplies);
}

// ---- host ----

ConvexHostProgram::ConvexHostProgram(const ConvexSchedule& schedule, chip::Chip& chip, const ConvexCoreProgram* leader,
                                     std::vector<const ConvexCoreProgram*> cores,
                                     std::function<void(uint64_t)> progress, std::function<void()> training_done)
    : m_schedule(schedule),
      m_chip(chip),
      m_leader(leader),
      m_cores(std::move(cores)),
      m_progress(std::move(progress)),
      m_training_done(std::move(training_done)) {}

void ConvexHostProgram::load_sample(host::HostLink& link, const uint8_t* pixels, uint64_t encoder_index,
                                    int32_t label, bool label_everywhere) {
  const auto& layers = m_chip.mapping().layers;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const bool readout_layer = l + 1 == layers.size();
    for (const auto& slot : layers[l]) {
      core::NeuronCore& core = m_chip.core(slot.core_index);
      uint64_t bytes = 0;
      if (l == 0) {
        auto& buffer = core.input_pixels();
        std::memcpy(buffer.data(), pixels + slot.first_axon, buffer.size());  // its fan-in group's pixels
        core.host_register(HostRegister::kEncoderIndexLow) = static_cast<int32_t>(static_cast<uint32_t>(encoder_index));
        core.host_register(HostRegister::kEncoderIndexHigh) = static_cast<int32_t>(encoder_index >> 32);
        bytes += buffer.size() + 2 * sizeof(int32_t);
      }
      const bool labelled = readout_layer && ((label_everywhere && slot.owns_neurons()) ||
                                              slot.core_index == m_schedule.leader_core_index);
      if (labelled) core.host_register(HostRegister::kLabel) = label;
      bytes += labelled ? sizeof(int32_t) : 0;
      if (bytes > 0) link.transfer_to_chip(bytes);
    }
  }
}

uint32_t ConvexHostProgram::read_prediction(host::HostLink& link) {
  link.transfer_from_chip(sizeof(int32_t));
  return m_leader->prediction();
}

void ConvexHostProgram::run(host::HostLink& link) {
  const ConvexOptions& o = m_schedule.options;
  const auto n = static_cast<uint32_t>(m_schedule.train_set.size());
  const workloads::Dataset& data = *m_schedule.data;
  const auto forward_barriers = [&](Phase last) {
    link.barrier(Phase::kForward);  // the sample is loaded
    const uint32_t steps = o.time_steps * m_schedule.layers;  // a barrier per step and layer
    for (uint32_t t = 1; t <= steps; ++t) link.barrier(t == steps ? last : Phase::kForward);
  };
  const auto set_everywhere = [&](HostRegister name, int32_t value) {
    uint64_t cores = 0;
    for (const auto& layer : m_chip.mapping().layers)
      for (const auto& slot : layer) {
        m_chip.core(slot.core_index).host_register(name) = value;
        ++cores;
      }
    link.transfer_to_chip(sizeof(int32_t) * cores);
  };

  ConvexReadout plan(o);  // the host's arithmetic: thresholds and the objective
  if (m_schedule.beta_pass) {
    for (uint32_t s = 0; s < n; ++s) {
      const uint32_t d = m_schedule.train_set[s];
      load_sample(link, data.sample(d), d, data.labels[d], true);
      forward_barriers(Phase::kUpdate);
      link.barrier(Phase::kHostIo);
      if (m_progress) m_progress(++m_done);
    }
    link.barrier(Phase::kUpdate);
    link.barrier(Phase::kHostIo);
    for (const ConvexCoreProgram* core : m_cores) {
      link.transfer_from_chip(sizeof(uint64_t));
      m_beta_max = std::max(m_beta_max, core->dual_norm());
    }
  }
  plan.set_beta_max(m_beta_max, n);

  double previous = plan.initial_objective();
  std::vector<uint32_t> visit;
  for (uint32_t epoch = 0; epoch < m_schedule.max_epochs; ++epoch) {
    EpochOutcome& outcome = m_epochs.emplace_back();
    workloads::training_order(visit, n, o.seed, epoch, m_schedule.shuffle);
    const uint32_t batch = m_schedule.batch_size[epoch];
    for (uint32_t k = 0; k < n; k += batch) {
      const uint32_t b = std::min(batch, n - k);
      for (uint32_t s = 0; s < b; ++s) {
        const uint32_t d = m_schedule.train_set[visit[k + s]];
        load_sample(link, data.sample(d), d, data.labels[d], false);
        forward_barriers(Phase::kForward);
        link.barrier(Phase::kBackward);
        link.barrier(Phase::kUpdate);
        link.barrier(Phase::kHostIo);
        outcome.predictions.push_back(read_prediction(link));
        outcome.labels.push_back(data.labels[d]);
        if (m_progress) m_progress(++m_done);
      }
      const int64_t tau = plan.next_threshold(b, epoch);
      const auto low = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(tau)));
      const auto high = static_cast<int32_t>(tau >> 32);
      uint64_t owners = 0;  // the thresholds go to the cores that hold a readout
      for (const auto& slot : m_chip.mapping().layers.back()) {
        if (!slot.owns_neurons()) continue;
        core::NeuronCore& core = m_chip.core(slot.core_index);
        core.host_register(HostRegister::kTauLow) = low;
        core.host_register(HostRegister::kTauHigh) = high;
        ++owners;
      }
      link.transfer_to_chip(2 * sizeof(int32_t) * owners);
      link.barrier(Phase::kUpdate);
      link.barrier(Phase::kHostIo);
    }
    for (uint32_t s = 0; s < n; ++s) {
      const uint32_t d = m_schedule.train_set[s];
      load_sample(link, data.sample(d), d, data.labels[d], false);
      forward_barriers(Phase::kForward);
      link.barrier(Phase::kForward);
      link.barrier(Phase::kHostIo);
      outcome.objective_correct += read_prediction(link) == data.labels[d];
      if (m_progress) m_progress(++m_done);
    }
    link.barrier(Phase::kForward);
    link.barrier(Phase::kHostIo);
    outcome.loss = m_leader->loss();
    link.transfer_from_chip(sizeof(uint64_t));
    for (const ConvexCoreProgram* core : m_cores) {
      outcome.group_norms += core->group_norms();
      link.transfer_from_chip(sizeof(int64_t));
    }
    outcome.objective = plan.objective_value(outcome.loss, outcome.group_norms);
    outcome.relative_change = previous > 0 ? std::abs(previous - outcome.objective) / previous : 0;
    previous = outcome.objective;
    m_converged = o.tolerance > 0 && outcome.relative_change < o.tolerance;
    const bool last = m_converged || epoch + 1 == m_schedule.max_epochs;
    set_everywhere(HostRegister::kContinue, last ? 0 : 1);
    link.barrier(Phase::kHostIo);
    if (last) break;
  }
  if (m_training_done) m_training_done();
  const workloads::Dataset& test = *m_schedule.test_data;
  for (uint32_t i : m_schedule.test_indices) {
    load_sample(link, test.sample(i), workloads::kTestSampleIndexBase + i, test.labels[i], false);
    forward_barriers(Phase::kForward);
    link.barrier(Phase::kForward);
    link.barrier(Phase::kHostIo);
    m_test_predictions.push_back(read_prediction(link));
    if (m_progress) m_progress(++m_done);
  }
}

}  // namespace nmsim::convex
