// What one algorithm supplies: a ChipWorkload for the chip-run pipeline (chip_run.h), and a
// WorkloadDefinition that the registry (workloads/registry) lists for `nmsim run`, `study` and
// `compare`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/arith/neuron_datapath.h"
#include "platform/chip/chip.h"
#include "platform/mapper/mapper.h"
#include "proto/chip.pb.h"
#include "proto/report.pb.h"
#include "proto/run.pb.h"
#include "proto/training.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/metrics.h"
#include "workloads/common/weights.h"
#include "workloads/job/chip_totals.h"
#include "workloads/job/study_checkpoint.h"

namespace nmsim::job {

// The network a workload puts on the chip.
struct Network {
  std::vector<uint32_t> layer_sizes;  // what the mapper places, inputs first
  std::vector<uint32_t> fan_ins;      // per layer (mapper.h); empty: each layer's is the previous size
  workloads::NetworkWeights weights;  // preloaded into the synapse SRAMs (no layers: nothing)
  uint32_t weight_width_bits = 0;
  arith::NeuronParams neuron;          // the datapath every mapped neuron runs
};

// What the pipeline hands the programs it has a workload load.
struct ProgramHooks {
  std::function<void(uint32_t done, uint32_t total)> progress;  // samples done of the run's total
  std::function<void()> training_ended;  // the host calls it once training ends (the report then)
};

// The accuracy meters a run's summary is made of.
struct Accuracy {
  workloads::AccuracyMeter train;  // training samples, each predicted before its update
  workloads::AccuracyMeter test;   // test samples (forward only)
};

// One algorithm's part of a chip run, one object per run: the pipeline calls the steps in
// the order they are declared, and the object keeps what the chip and the reference computed
// (tests read it after the run).
class ChipWorkload {
 public:
  virtual ~ChipWorkload() = default;

  virtual std::string kind() const = 0;  // the report's kind
  virtual bool trains() const { return true; }  // false: test samples only (inference)
  // Whether the programs run a layer whose fan-in is split over cores (mapper.h); a workload
  // that cannot is refused a split mapping with a ConfigError (chip_run.cpp).
  virtual bool splits_fan_in() const { return false; }

  // Options: this workload's options from the configs; ConfigError naming the field, before
  // any data is read.
  virtual void read_options(const ChipConfig& chip, const RunConfig& run) = 0;
  // Network: the layers to map and the weights to preload (DataError for a bad weights file).
  virtual Network network(const workloads::DatasetSplit& data) = 0;
  // Schedule: the samples the programs run and their mapping.
  virtual void schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) = 0;
  // Configure the elaborated chip (before the weights are preloaded).
  virtual void configure(chip::Chip& chip, const mapper::Mapping& mapping, const Network& network) {
    chip.configure(mapping, network.neuron);
  }
  // Programs: what else the chip needs (trees, generators, ...) and the core and host programs.
  virtual void load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const ProgramHooks& hooks) = 0;
  // After the simulation: what the chip computed (outcomes, weights read back).
  virtual void read_back(chip::Chip& chip) = 0;

  // Report: the accuracy of the samples; training workloads also say what they are (the
  // summary note begins with it) and what their trained samples were.
  virtual Accuracy accuracy() const = 0;
  virtual std::string title() const { return kind(); }
  virtual std::string training_schedule() const { return "one epoch in the seed's order"; }
  // The notes that follow the summary's.
  virtual void add_notes(Report& report) const = 0;

  // Reference: runs the functional reference on the same samples and compares it with the
  // chip's outcomes and totals; returns the first difference, "" if every figure is equal.
  virtual std::string check_reference(const ChipTotals& chip) = 0;
  // What a match covers (the report says "bit-exact match (...)").
  virtual std::string reference_covers() const = 0;
  // Notes after the reference check (figures the reference computed).
  virtual void add_reference_notes(Report& /*report*/) const {}

  // The weights trained on the chip as an inference network (--save-weights), if any.
  virtual const workloads::NetworkWeights* trained_network() const { return nullptr; }
};

// `nmsim study`: the functional reference alone, epoch by epoch. `trained` (if not null)
// receives the trained weights when the study has an inference network; `checkpoint` says
// where to write checkpoints and which one to resume (study_checkpoint.h).
using EpochCallback = std::function<void(const EpochResult&)>;
using StudyFunction = StudyReport (*)(const RunConfig& run, const ChipConfig& chip,
                                      const workloads::DatasetSplit& data, const EpochCallback& on_epoch,
                                      workloads::NetworkWeights* trained, const CheckpointOptions& checkpoint);

// A workload as the commands see it.
struct WorkloadDefinition {
  Workload workload = WORKLOAD_UNSPECIFIED;
  std::string name;  // short: `compare --algorithms`, `--set NAME:PATH=VALUE`
  std::function<std::unique_ptr<ChipWorkload>()> chip_job;  // empty: not on the chip
  bool trains_inference_network = false;  // `run --save-weights`
  StudyFunction study = nullptr;           // null: no accuracy study
  std::string study_columns;               // the study's own columns (header)
  std::string (*study_figures)(const EpochResult& epoch) = nullptr;  // and their figures
  // `nmsim compare` (training workloads on the chip): the table's algorithm (empty: not
  // compared), its network from `layers` ("784-512": the inputs and hidden sizes; null: an
  // output layer of 10 added) and its time steps (null: run.time_steps).
  std::string compare_title;
  std::string (*compare_network)(const RunConfig& run, const std::string& layers) = nullptr;
  std::string (*compare_time_steps)(const RunConfig& run) = nullptr;
};

}  // namespace nmsim::job
