// SPIDE training on the chip (job::ChipWorkload, firmware.h): the recurrent hidden layer on
// one core (or split over cores: split_firmware.h; after a feedforward layer:
// feedforward_firmware.h) and the readout on another, trained online on the first N samples of the epoch-0
// training order, then the test samples as inference; the report shows every phase, the test
// accuracy, the energy per trained sample and the backward stage's share, and the functional
// reference runs the same samples so that predictions, trained weights and counts are
// compared bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/job/workload.h"
#include "workloads/spide/feedforward_firmware.h"
#include "workloads/spide/firmware.h"
#include "workloads/spide/matrices.h"
#include "workloads/spide/reference.h"
#include "workloads/spide/split_firmware.h"

namespace nmsim::spide {

class SpideJob : public job::ChipWorkload {
 public:
  std::string kind() const override { return "spide"; }
  bool splits_fan_in() const override { return true; }  // split_firmware.h merges both stages' partial sums
  // ConfigError for what SPIDE on the chip cannot run: batch_size != 1, no ternary couples or
  // transposed read (chip.core.ternary_couples, chip.core.transposed_read), a weights file
  // (run.network.weights_file: F, W and O come from run.seed). A hidden layer larger than a
  // core is split over cores (split_firmware.h); a feedforward layer before the recurrent one
  // (hidden_sizes [H, N]) runs feedforward_firmware.h.
  void read_options(const ChipConfig& chip, const RunConfig& run) override;
  // [N + inputs, N, classes]: the hidden core's rows are W (its own spikes), then F; with a
  // feedforward layer [inputs, H, N, classes] with fan-ins [inputs, N + H, N] (V, then W and F
  // as before). DataError
  // for a data set whose samples are not `inputs` pixels.
  job::Network network(const workloads::DatasetSplit& data) override;
  void schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) override;
  // configure_chip (firmware.h): the hidden core's tree to itself and the output core, or the
  // split layout (split_firmware.h).
  void configure(chip::Chip& chip, const mapper::Mapping& mapping, const job::Network& network) override;
  // The transposed copy loaded (TRANSPOSED_COPY), the hidden and output programs.
  void load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) override;
  void read_back(chip::Chip& chip) override;
  std::string title() const override { return "SPIDE"; }
  job::Accuracy accuracy() const override;
  // Hidden spikes, running couples and backward spikes per trained sample.
  void add_notes(Report& report) const override;
  std::string reference_covers() const override {
    return m_options.feedforward > 0 ? "predictions, V, F, W, O, layer H's spikes, backward spikes, SOPs"
                                     : "predictions, F, W, O, backward spikes, SOPs";
  }
  std::string check_reference(const job::ChipTotals& chip) override;

  const std::vector<uint32_t>& predictions() const { return m_predictions; }  // training, before each update
  const std::vector<uint32_t>& test_predictions() const { return m_test_predictions; }
  const SampleCounts& reference_counts() const { return m_reference_counts; }  // training samples

 private:
  RunConfig m_run;
  SpideOptions m_options;
  bool m_transposed_copy = false;
  SpideMatrices m_initial;
  job::Network m_network;
  SpideSchedule m_schedule;
  std::unique_ptr<SpideCoreProgram> m_hidden_program, m_output_program;
  std::vector<std::unique_ptr<SpideSplitProgram>> m_split_programs;  // hidden cores, then the output core
  std::vector<std::unique_ptr<SpideFeedforwardProgram>> m_feedforward_programs;  // layer H's cores
  std::unique_ptr<SpideHostProgram> m_host;
  uint32_t m_done = 0;  // samples, for the progress display
  std::vector<uint32_t> m_predictions, m_test_predictions;
  SpideMatrices m_chip_weights;           // read back after training
  std::vector<SpideChipRecord> m_records;  // per training sample
  SampleCounts m_reference_counts;
};

job::WorkloadDefinition definition();

}  // namespace nmsim::spide
