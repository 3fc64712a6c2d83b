// Inference on the chip (job::ChipWorkload): the layered network mapped and its weights
// preloaded, the firmware runs the test samples; the functional reference runs the same
// samples and is compared bit for bit (outputs, potentials, SOPs and, if recorded, every
// layer's spikes at every step).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/inference/firmware.h"
#include "workloads/inference/reference.h"
#include "workloads/job/workload.h"

namespace nmsim::inference {

class InferenceJob : public job::ChipWorkload {
 public:
  // `spike_record` (tests): the chip's spikes per sample, step and layer, compared too.
  explicit InferenceJob(SpikeRecord* spike_record = nullptr) : m_spike_record(spike_record) {}

  std::string kind() const override { return "inference"; }
  bool splits_fan_in() const override { return true; }  // job::run_forward_pass merges the partial sums
  // [784, run.network.hidden_sizes..., 10], run.network.neuron with the chip's state width.
  void read_options(const ChipConfig& chip, const RunConfig& run) override;
  // The weights drawn from the seed or loaded from run.network.weights_file.
  job::Network network(const workloads::DatasetSplit& data) override;
  // run.samples test samples (and the spike record's shape).
  void schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) override;
  // One program per mapped core, and the host's.
  void load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) override;
  void read_back(chip::Chip& chip) override;
  bool trains() const override { return false; }
  job::Accuracy accuracy() const override;
  // Untrained random weights are said so in the provenance.
  void add_notes(Report& report) const override;
  std::string reference_covers() const override { return "outputs, potentials, SOPs"; }
  std::string check_reference(const job::ChipTotals& chip) override;

  const std::vector<ChipSampleOutcome>& chip_outcomes() const { return m_chip_outcomes; }
  const std::vector<SampleResult>& reference_outcomes() const { return m_reference_outcomes; }

 private:
  SpikeRecord* m_spike_record;
  RunConfig m_run;
  job::Network m_network;
  InferenceSchedule m_schedule;
  std::vector<std::unique_ptr<InferenceCoreProgram>> m_programs;
  std::unique_ptr<InferenceHostProgram> m_host;
  std::vector<ChipSampleOutcome> m_chip_outcomes;
  std::vector<SampleResult> m_reference_outcomes;
};

job::WorkloadDefinition definition();

}  // namespace nmsim::inference
