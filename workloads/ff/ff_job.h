// FF (FFGAF) training on the chip (job::ChipWorkload): the network [784, H_1..H_L] mapped and
// loaded, the firmware trains on the first N samples of the epoch-0 training order and then
// runs the test samples forward only; the report shows every phase, the test accuracy (per
// class too) and the energy per trained sample. The functional reference runs the same
// samples (the FF study's encoder indices: training sample d -> d, test sample i -> 2^40 + i)
// and is compared bit for bit: predictions, every layer's goodness sums, logits and class
// errors per sample, the trained weights read back from the synapse SRAMs, and the counts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/common/weights.h"
#include "workloads/ff/firmware.h"
#include "workloads/ff/reference.h"
#include "workloads/job/workload.h"

namespace nmsim::ff {

// The reference's work over the whole run (training and test samples), and what it implies
// for the chip's per-core learning engines (a class group may span cores, so a layer row is
// written once per core that holds a neuron with a non-zero delta in it).
struct FfWorkTotals {
  uint64_t sops_forward = 0;
  uint64_t update_ops = 0;        // (i, j) pairs with x_i > 0 and e_j != 0 (the reference's count)
  uint64_t weights_written = 0;   // weights whose value changed
  uint64_t rows_written = 0;      // layer rows with a non-zero delta (the reference's count)
  uint64_t core_rows_written = 0; // core rows with a non-zero delta: the chip's rows_updated
  uint64_t core_multiplies = 0;   // rows with x_i > 0 x neurons, of every core with some e_j != 0
};

// The leaders' records, [l - 1][sample]: training samples, then test samples.
using ChipRecords = std::vector<std::vector<LeaderRecord>>;

class FfJob : public job::ChipWorkload {
 public:
  std::string kind() const override { return "ff"; }
  bool splits_fan_in() const override { return true; }  // the owners send their factors to the group cores
  // ConfigError for batch_size != 1 or FF options the reference cannot run; DataError from a
  // weights file.
  void read_options(const ChipConfig& chip, const RunConfig& run) override;
  job::Network network(const workloads::DatasetSplit& data) override;
  // Test sample i is the encoder's sample 2^40 + i.
  void schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) override;
  // The layers' class groups, logit constants, leaders and error trees, the programs.
  void load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) override;
  // The outcomes, the leaders' records and the trained weights.
  void read_back(chip::Chip& chip) override;
  std::string title() const override { return "FF (class groups, layer-local)"; }
  job::Accuracy accuracy() const override;
  void add_notes(Report& report) const override;
  std::string reference_covers() const override {
    return "predictions, goodness sums, logits, class errors, trained weights, forward SOPs, weights and rows "
           "written, update multiplies";
  }
  // Sample by sample, stopping at the first difference; then the weights and the counts.
  std::string check_reference(const job::ChipTotals& chip) override;
  void add_reference_notes(Report& report) const override;

  const std::vector<FfOutcome>& chip_test_outcomes() const { return m_chip_test_outcomes; }
  const ChipRecords& chip_records() const { return m_chip_records; }
  const FfWorkTotals& reference_totals() const { return m_reference_totals; }
  const std::vector<uint32_t>& reference_alpha() const { return m_reference->alpha(); }  // after the last sample

 private:
  RunConfig m_run;
  FfOptions m_options;
  job::Network m_network;
  std::unique_ptr<FfReference> m_reference;
  mapper::Mapping m_mapping;
  FfSchedule m_schedule;
  std::vector<std::unique_ptr<FfCoreProgram>> m_programs;
  std::vector<const FfCoreProgram*> m_leaders;
  std::unique_ptr<FfHostProgram> m_host;
  std::vector<FfOutcome> m_chip_outcomes;       // training samples
  std::vector<FfOutcome> m_chip_test_outcomes;  // test samples after training
  ChipRecords m_chip_records;
  workloads::NetworkWeights m_chip_weights;     // read back after training
  FfWorkTotals m_reference_totals;
};

job::WorkloadDefinition definition();

}  // namespace nmsim::ff
