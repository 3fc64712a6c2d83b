#include "workloads/replay/replay.h"

#include "models/base/simulation_run.h"
#include "models/core/program.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/network.h"
#include "workloads/job/weights_io.h"

namespace nmsim::replay {

namespace {

// The core's firmware: each event in turn, recorded.
class EventProgram : public core::Program {
 public:
  EventProgram(const Stimulus& stimulus, ReplaySummary& summary) : m_stimulus(stimulus), m_summary(summary) {}
  void run(core::NeuronCore& core) override {
    core.set_aer_receiver_delay(m_stimulus.receiver_delay_cycles());
    for (int i = 0; i < m_stimulus.events_size(); ++i) {
      AerEventRecord& record = *m_summary.add_records();
      record = core.process_event(m_stimulus.events(i));
      record.set_index(static_cast<uint64_t>(i));
      m_summary.set_output_spikes(m_summary.output_spikes() + record.out_size());
      m_summary.set_last_idle(record.idle());
    }
    m_summary.set_events(static_cast<uint64_t>(m_stimulus.events_size()));
  }

 private:
  const Stimulus& m_stimulus;
  ReplaySummary& m_summary;
};

workloads::NetworkWeights stimulus_weights(const Stimulus& stimulus) {
  workloads::LayerWeightsData layer;
  layer.inputs = stimulus.axons();
  layer.outputs = stimulus.neurons();
  layer.w.assign(size_t{layer.inputs} * layer.outputs, 0);
  for (const SynapseBlock& b : stimulus.synapses()) {
    for (uint32_t j = b.first_neuron(); j < b.first_neuron() + b.count(); ++j) {
      layer.w[size_t{b.pre()} * layer.outputs + j] = b.weight();
    }
  }
  return {{layer}};
}

}  // namespace

ReplayRun run_replay(const ChipConfig& chip_config, const Stimulus& stimulus, SimContext& ctx) {
  ReplayRun run;
  run.chip = std::make_unique<chip::Chip>("chip", chip_config, ctx);
  // One layer that fits one core (the stimulus checks said so): the mapper puts it on core 0.
  const mapper::Mapping mapping = mapper::map_network(chip_config, {stimulus.axons(), stimulus.neurons()});
  arith::NeuronParams params = workloads::neuron_params(stimulus.neuron(), chip_config.core().state_width_bits());
  run.chip->configure(mapping, params);
  job::preload_weights(*run.chip, stimulus_weights(stimulus), chip_config.core().weight_width_bits());
  EventProgram program(stimulus, run.summary);
  run.chip->core(0).set_program(&program);
  ctx.phase.set(Phase::kForward, Cycle(0));  // every event counts as forward work
  run_simulation();
  run.chip->finish();
  return run;
}

}  // namespace nmsim::replay
