// Sparse-DFA training firmware: the program every used core runs and the host's program.
// Per training sample (reference.h is the specification of the arithmetic):
//   host_io   the host loads the pixels into the first-layer cores and the label into the
//             output core's host register 0;
//   forward   T steps, layer by layer, exactly as inference (workloads/inference/firmware.h);
//   backward  the output core computes the error e from its counts and potentials
//             (rule.h output_error) on its scalar datapath and sends every non-zero e_k as a
//             graded-value packet along one multicast tree to all hidden cores; after a
//             barrier each hidden core computes its neurons' gated deltas (rule.h
//             hidden_deltas), one accumulate-lane op per delivered error (feedback SOPs);
//   fan-in split (mapper.h): the owner of a neuron range sends the non-zero factors of its
//             neurons (e, or the deltas after they are computed) along a multicast tree to its
//             fan-in group cores, as graded values, before barrier(update); a group core
//             updates its rows with them (the errors go to the hidden owners only);
//   stochastic rounding across a split (split_rounding.h): after the forward pass each core
//             of a split range sends its spiking-line count to the range's other cores; after
//             barrier(backward) it reads theirs; in the update its drawing lanes step past the
//             other groups' draws before and after its rows;
//   update    every core updates, in ascending axon order, each row whose input spiked:
//             w[i][j] += round_shift(factor_j * count_i, shift) through its learning engine
//             (factor = delta for hidden cores, e for the output core; count_i = the core's
//             per-axon spike count). Rows whose products all round to zero are not written.
// Barriers (identical on every participant): barrier(forward) after the host's load, T x L
// forward barriers (the last one into backward), barrier(backward) after the errors were
// sent, barrier(update) after the deltas, barrier(host_io) after the updates.
// After training, the test samples run as inference (forward only, no update):
// barrier(forward), T x L barriers, the last one into host_io.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/encoder.h"
#include "workloads/dfa/options.h"
#include "workloads/dfa/rule.h"
#include "workloads/dfa/split_rounding.h"

namespace nmsim::chip { class Chip; }

namespace nmsim::dfa {

struct DfaSchedule {
  const workloads::Dataset* data = nullptr;  // the training split
  std::vector<uint32_t> sample_indices;      // into data, in training order
  std::vector<uint64_t> encoder_indices;     // the Bernoulli encoder's sample index of each
  const workloads::Dataset* test_data = nullptr;  // evaluated after training (inference only)
  std::vector<uint32_t> test_indices;             // into test_data (also the encoder index)
  uint32_t time_steps = 0;
  uint32_t layers = 0;  // L, excluding the input layer
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 0;
  DfaParams params;
  arith::NeuronParams neuron;
  std::vector<FeedbackMatrix> feedback;  // per hidden layer
  uint32_t error_tree = 0;               // output core -> every hidden core owning its neurons
  bool has_hidden_layers = true;         // false: the output layer alone, no error to send
};

// The output core's error computation on its scalar datapath, for `classes` outputs: per
// class the logit (one multiply-add), one table read and one add into the sum; one
// reciprocal (a 32-cycle iterative divider); per class one multiply by it and one subtract.
// The host register the firmware reads: the label of the training sample (output core).
enum class HostRegister : uint8_t { kLabel };

struct ErrorCost {
  uint64_t cycles, adds, multiplies;
};
ErrorCost error_cost(uint32_t classes);

class DfaCoreProgram : public core::Program {
 public:
  // factor_tree: the owner's tree to its fan-in group cores (a layer split over cores), if any;
  // rounding_peers: with stochastic rounding on a split layer, the other cores of its range.
  DfaCoreProgram(const DfaSchedule& schedule, std::optional<uint32_t> factor_tree = std::nullopt,
                 std::vector<noc::Destination> rounding_peers = {});
  void run(core::NeuronCore& core) override;

 private:
  void backward_output(core::NeuronCore& core);
  void backward_hidden(core::NeuronCore& core);
  void update(core::NeuronCore& core, const RoundingSteps& steps);

  const DfaSchedule& m_schedule;
  const std::optional<uint32_t> m_factor_tree;
  std::optional<SplitRounding> m_split_rounding;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_input_spikes;
  std::vector<uint32_t> m_counts;   // the core's neurons' spike counts
  std::vector<int32_t> m_factors;   // delta (hidden) or e (output) of the core's neurons
  std::vector<int32_t> m_error, m_logits, m_probabilities;
};

struct ChipTrainingOutcome {
  uint32_t label = 0;
  uint32_t predicted = 0;  // before the sample's update
};

class DfaHostProgram : public host::HostProgram {
 public:
  // progress(done) after each sample (training, then test); training_done() once the last
  // training sample's outputs were read, before the test samples start (a report snapshot).
  DfaHostProgram(const DfaSchedule& schedule, chip::Chip& chip, std::function<void(uint32_t)> progress,
                 std::function<void()> training_done);
  void run(host::HostLink& link) override;
  const std::vector<ChipTrainingOutcome>& outcomes() const { return m_outcomes; }
  const std::vector<ChipTrainingOutcome>& test_outcomes() const { return m_test_outcomes; }

 private:
  void load(host::HostLink& link, const workloads::Dataset& data, uint32_t index, bool label);
  ChipTrainingOutcome read_outputs(host::HostLink& link, const workloads::Dataset& data, uint32_t index);

  const DfaSchedule& m_schedule;
  chip::Chip& m_chip;
  std::function<void(uint32_t)> m_progress;
  std::function<void()> m_training_done;
  std::vector<ChipTrainingOutcome> m_outcomes;
  std::vector<ChipTrainingOutcome> m_test_outcomes;
};

}  // namespace nmsim::dfa
