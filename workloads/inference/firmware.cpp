#include "workloads/inference/firmware.h"

#include <cstring>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/common/metrics.h"
#include "workloads/job/forward_pass.h"

namespace nmsim::inference {

InferenceCoreProgram::InferenceCoreProgram(const InferenceSchedule& schedule, SpikeRecord* record)
    : m_schedule(schedule),
      m_record(record),
      m_encoder(schedule.encoder, schedule.seed, schedule.time_steps) {}

void InferenceCoreProgram::run(core::NeuronCore& core) {
  const core::CoreLayout& layout = core.layout();
  for (std::size_t s = 0; s < m_schedule.sample_indices.size(); ++s) {
    core.barrier(Phase::kForward);  // pixels are loaded
    const auto record = [&](uint32_t t) {
      SpikeBitmap& layer_spikes = (*m_record)[s][t][layout.layer];
      for (uint32_t j : core.fired()) layer_spikes.set(layout.first_neuron + j);
    };
    job::run_forward_pass(core, m_encoder, m_input_spikes, m_schedule.sample_indices[s], m_schedule.time_steps,
                          m_schedule.layers, Phase::kHostIo,
                          m_record != nullptr ? std::function<void(uint32_t)>(record) : nullptr);
  }
}

InferenceHostProgram::InferenceHostProgram(const InferenceSchedule& schedule, chip::Chip& chip,
                                           std::function<void(uint32_t)> progress)
    : m_schedule(schedule), m_chip(chip), m_progress(std::move(progress)) {
  m_outcomes.resize(schedule.sample_indices.size());
}

void InferenceHostProgram::load_inputs(host::HostLink& link, uint32_t sample) {
  const uint8_t* pixels = m_schedule.data->sample(m_schedule.sample_indices[sample]);
  for (const auto& slot : m_chip.mapping().layers.front()) {
    auto& buffer = m_chip.core(slot.core_index).input_pixels();
    std::memcpy(buffer.data(), pixels + slot.first_axon, buffer.size());  // its fan-in group's pixels
    // The pixels plus the sample index register (the Bernoulli encoder's counter).
    link.transfer_to_chip(buffer.size() + sizeof(uint32_t));
  }
}

void InferenceHostProgram::read_outputs(host::HostLink& link, uint32_t sample) {
  ChipSampleOutcome& outcome = m_outcomes[sample];
  outcome.label = m_schedule.data->labels[m_schedule.sample_indices[sample]];
  for (const auto& slot : m_chip.mapping().layers.back()) {
    if (!slot.owns_neurons()) continue;  // a fan-in group core holds partial sums only
    core::NeuronCore& core = m_chip.core(slot.core_index);
    for (uint32_t j = 0; j < slot.neuron_count; ++j) {
      outcome.output_counts.push_back(core.spike_counts()[j]);
      outcome.final_potentials.push_back(core.potentials()[j]);
    }
    // One count byte and one potential word per output neuron.
    link.transfer_from_chip(uint64_t{slot.neuron_count} * (1 + sizeof(int32_t)));
  }
  outcome.predicted = workloads::predict(outcome.output_counts, outcome.final_potentials);
  if (m_progress) m_progress(sample + 1);
}

void InferenceHostProgram::run(host::HostLink& link) {
  const uint32_t samples = static_cast<uint32_t>(m_schedule.sample_indices.size());
  const uint32_t barriers_per_sample = m_schedule.time_steps * m_schedule.layers;
  for (uint32_t s = 0; s < samples; ++s) {
    if (s > 0) read_outputs(link, s - 1);
    load_inputs(link, s);
    link.barrier(Phase::kForward);
    for (uint32_t b = 1; b <= barriers_per_sample; ++b) {
      link.barrier(b == barriers_per_sample ? Phase::kHostIo : Phase::kForward);
    }
  }
  if (samples > 0) read_outputs(link, samples - 1);
}

}  // namespace nmsim::inference
