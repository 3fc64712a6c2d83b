// Inference firmware: the program every used core runs and the host's program. Together
// they execute, per sample, exactly the schedule of the functional reference
// (reference.h): T steps, layer by layer within a step, a barrier after each layer so that
// layer l+1 integrates layer l's spikes of the same step.
//
// Barrier sequence (identical on every participant, so the barrier counts match):
//   per sample: barrier(forward)  -- the host has loaded the pixels
//               T x L times barrier(forward), the very last one barrier(host_io)
// The host reads the previous sample's outputs and loads the next pixels in host_io.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "models/base/spike_bitmap.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/encoder.h"

namespace nmsim::chip { class Chip; }

namespace nmsim::inference {

// What the samples are and where their outcomes go (shared by all programs of one run).
struct InferenceSchedule {
  const workloads::Dataset* data = nullptr;
  std::vector<uint32_t> sample_indices;  // into data
  uint32_t time_steps = 0;
  uint32_t layers = 0;  // L, excluding the input layer
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 0;
};

struct ChipSampleOutcome {
  uint32_t label = 0;
  uint32_t predicted = 0;
  std::vector<uint32_t> output_counts;
  std::vector<int32_t> final_potentials;
};

// Optional spike recording for equivalence tests: [sample][step][layer 1..L at index l].
using SpikeRecord = std::vector<std::vector<std::vector<SpikeBitmap>>>;

class InferenceCoreProgram : public core::Program {
 public:
  InferenceCoreProgram(const InferenceSchedule& schedule, SpikeRecord* record);
  void run(core::NeuronCore& core) override;

 private:
  const InferenceSchedule& m_schedule;
  SpikeRecord* m_record;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_input_spikes;
};

class InferenceHostProgram : public host::HostProgram {
 public:
  // progress(samples_done) is called after each sample's outputs were read.
  InferenceHostProgram(const InferenceSchedule& schedule, chip::Chip& chip,
                       std::function<void(uint32_t)> progress);
  void run(host::HostLink& link) override;
  const std::vector<ChipSampleOutcome>& outcomes() const { return m_outcomes; }

 private:
  void load_inputs(host::HostLink& link, uint32_t sample);
  void read_outputs(host::HostLink& link, uint32_t sample);

  const InferenceSchedule& m_schedule;
  chip::Chip& m_chip;
  std::function<void(uint32_t)> m_progress;
  std::vector<ChipSampleOutcome> m_outcomes;
};

}  // namespace nmsim::inference
