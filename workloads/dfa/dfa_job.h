// Sparse-DFA training on the chip (job::ChipWorkload): the network mapped and loaded, the
// firmware trains on the first N samples of the epoch-0 training order and then runs the test
// samples as inference; the report shows every phase, the test accuracy and the energy per
// trained sample, and the functional reference runs the same samples so that predictions,
// trained weights and counts are compared bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/common/weights.h"
#include "workloads/dfa/firmware.h"
#include "workloads/dfa/reference.h"
#include "workloads/job/workload.h"

namespace nmsim::dfa {

class DfaJob : public job::ChipWorkload {
 public:
  std::string kind() const override { return "dfa"; }
  bool splits_fan_in() const override { return true; }  // the owners send their factors to the group cores
  // ConfigError for a bad dfa block or batch_size != 1.
  void read_options(const ChipConfig& chip, const RunConfig& run) override;
  job::Network network(const workloads::DatasetSplit& data) override;
  // ConfigError if the output layer does not fit one core. The feedback matrices.
  void schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) override;
  // Each lane's rounding generator (stochastic rounding), the error tree from the output
  // core to every hidden core, the programs.
  void load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) override;
  // The outcomes and the trained weights.
  void read_back(chip::Chip& chip) override;
  std::string title() const override { return "Sparse DFA"; }
  job::Accuracy accuracy() const override;
  void add_notes(Report& report) const override;
  // Predictions, trained weights, forward and feedback SOPs, weights written.
  std::string reference_covers() const override { return "predictions, trained weights, SOPs, weight writes"; }
  std::string check_reference(const job::ChipTotals& chip) override;
  const workloads::NetworkWeights* trained_network() const override { return &m_chip_weights; }

  const std::vector<ChipTrainingOutcome>& chip_test_outcomes() const { return m_chip_test_outcomes; }
  const SampleCounts& reference_counts() const { return m_reference_counts; }  // training and test samples

 private:
  RunConfig m_run;
  job::Network m_network;
  DfaSchedule m_schedule;
  std::vector<std::unique_ptr<DfaCoreProgram>> m_programs;
  std::unique_ptr<DfaHostProgram> m_host;
  std::vector<ChipTrainingOutcome> m_chip_outcomes;       // training samples
  std::vector<ChipTrainingOutcome> m_chip_test_outcomes;  // test samples after training
  workloads::NetworkWeights m_chip_weights;               // read back after training
  SampleCounts m_reference_counts;
};

job::WorkloadDefinition definition();

}  // namespace nmsim::dfa
