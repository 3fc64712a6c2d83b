// Forward-Forward (FFGAF) training firmware: the program every used core runs and the host's
// program. reference.h is the specification of the arithmetic; this is the schedule.
//
// Every layer learns on its own: nothing crosses layers backward. A layer's class groups may
// span cores, so the cores of a layer reduce their goodness to the layer's leader (the core
// holding its neuron 0), which computes the layer's softmax and multicasts the class errors
// back. Per training sample:
//   host_io   the host loads the pixels into the first-layer cores and, into each leader's
//             host registers, the label (register 0) and, with class adaptation, alpha of the
//             label (register 1, Q8);
//   forward   T steps, layer by layer, exactly as inference (workloads/job/forward_pass.h);
//   backward  (a) every core sums, per class group it holds, S = sum of a_j^2 over its
//             neurons (and, in the last layer, the sum of final potentials, for the
//             prediction's tie-break) and sends the non-zero sums to its leader as graded
//             values (barrier); (b) the leader adds them up, computes the logits
//             z_c = (S_c K_c + 2^15) >> 16, the Q8 softmax, err_c = p_c - 256 [c = label]
//             (x alpha, rounded, with class adaptation) and multicasts the non-zero err_c
//             along one tree to the layer's other cores (barrier); (c) every core forms its
//             neurons' e_j = err_c(j) a_j with the gate (e_j = 0 where a_j = T and e_j < 0);
//   fan-in split (mapper.h): only the cores owning their neurons take part in (a)-(c); after
//             (c) an owner sends its neurons' non-zero factors -e_j as graded values along a
//             multicast tree to its fan-in group cores, which update their own rows with them;
//   update    every core with a non-zero e_j updates, in ascending axon order, each row whose
//             input spiked through its learning engine: w[i][j] += round_shift(-e_j x_i,
//             lr_shift) (factor -e_j, scale x_i = the axon's spike count); rows whose
//             products all round to 0 are not written;
//   host_io   the host reads every leader's z (10 words) and the last leader's potential
//             sums, predicts (argmax of the z summed over layers, ties to the larger
//             potential sum, then the lower class), and updates the class-adaptation window.
// Barriers (identical on every participant): barrier(forward) after the host's load, T x L
// forward barriers (the last one into backward), barrier(backward) after the sums were sent,
// barrier(backward) after the errors were sent, barrier(update) after the neuron errors,
// barrier(host_io) after the updates.
// Test samples after training run forward only, with the same reduction for the prediction,
// counted as forward work: barrier(forward), T x L forward barriers, barrier(forward) after
// the sums were sent, then the leaders' logits and barrier(host_io).
// Every scalar step runs on the controllers' datapath (controller_compute, costs below).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "proto/run.pb.h"
#include "workloads/common/dataset.h"
#include "workloads/common/encoder.h"
#include "workloads/ff/reference.h"

namespace nmsim::chip { class Chip; }

namespace nmsim::ff {

// One trained layer as the firmware sees it.
struct FfLayerPlan {
  std::array<uint32_t, kClasses> group_start{}, group_size{};  // in the layer's neuron indices
  std::array<uint64_t, kClasses> logit_scale{};  // K_c, loaded into the leader once per run
  uint32_t leader_core_index = 0;                // chip-wide core index of the leader
  uint32_t leader_node = 0, leader_core_in_node = 0;
  bool has_followers = false;                    // the layer spans more than one core
  uint32_t error_tree = 0;                       // leader -> the layer's other cores
};

struct FfSchedule {
  const workloads::Dataset* data = nullptr;       // the training split
  std::vector<uint32_t> sample_indices;           // into data, in training order
  std::vector<uint64_t> encoder_indices;          // the Bernoulli encoder's index of each
  const workloads::Dataset* test_data = nullptr;  // evaluated after training (forward only)
  std::vector<uint32_t> test_indices;             // into test_data
  std::vector<uint64_t> test_encoder_indices;
  uint32_t time_steps = 0;
  uint32_t state_width_bits = 24;  // of the potentials (the potential sums' width)
  ::nmsim::Encoder encoder = ::nmsim::ENCODER_INTEGRATE_AND_FIRE;
  uint64_t seed = 0;
  int32_t lr_shift = 0;
  bool gate = true;
  bool predict_last_layer = false;
  bool class_adaptation = false;
  uint32_t adaptation_window = 1;
  uint32_t adaptation_interval = 1;
  std::vector<FfLayerPlan> layers;  // [l - 1]
};

// Work on a controller's scalar datapath: one step per cycle (an add, a compare, or a
// multiply-add), plus a 32-cycle iterative divider for the softmax's one reciprocal.
struct ScalarCost {
  uint64_t cycles = 0, adds = 0, multiplies = 0;
};
// The per-group sums of a core's n neurons: a multiply-add (a_j^2) per neuron, and one add
// per neuron for the potential sum when `potentials`.
ScalarCost goodness_cost(uint32_t neurons, bool potentials);
// The leader: one add per received partial sum, the 10 logits (multiply-add each); when
// `training` also the softmax (max, exp index and table read, sum: 3 steps per class; the
// reciprocal; probabilities: a multiply-add per class), the error (a subtract per class)
// and, with `adaptation`, the alpha product (a multiply-add per class).
ScalarCost leader_cost(uint64_t received_values, bool training, bool adaptation);
// The neuron errors of a core: a multiply (err x a) and a compare (the gate) per neuron, one cycle.
ScalarCost neuron_error_cost(uint32_t neurons);

// Graded-value indices of the partial sums sent to a leader: goodness of class c is c; a
// potential sum that fits 32 bits is kPotentialIndex + c, a wider one goes as two words
// (low 32 bits unsigned, then the high part) at kPotentialLowIndex + c, kPotentialHighIndex + c.
// The leader's error packets carry class c at index c.
inline constexpr uint32_t kPotentialIndex = 10;
inline constexpr uint32_t kPotentialLowIndex = 20;
inline constexpr uint32_t kPotentialHighIndex = 30;

// What a leader computed for one sample: z is what the host reads (with the last layer's
// potential sums); goodness and errors are kept for the comparison with the reference.
struct LeaderRecord {
  std::array<int64_t, kClasses> goodness{};     // S_c
  std::array<int32_t, kClasses> logits{};       // z_c, Q8
  std::array<int32_t, kClasses> class_error{};  // err_c, Q8 (0 for test samples)
  std::array<int64_t, kClasses> potential{};    // sum of final potentials per group
};

class FfCoreProgram : public core::Program {
 public:
  // factor_tree: the owner's tree to its fan-in group cores (a layer split over cores), if any.
  FfCoreProgram(const FfSchedule& schedule, std::optional<uint32_t> factor_tree = std::nullopt);
  void run(core::NeuronCore& core) override;
  // Leaders only: one record per sample, training samples then test samples.
  const std::vector<LeaderRecord>& records() const { return m_records; }

 private:
  struct LocalGroup {
    uint32_t c, begin, end;  // class and local neuron range
  };
  void plan_groups(const core::CoreLayout& layout);
  // (a): per-group sums, sent to the leader (the leader keeps its own).
  void send_partial_sums(core::NeuronCore& core);
  // (b) on the leader: logits, and in training the softmax and the class errors, sent.
  void leader_step(core::NeuronCore& core, bool training);
  // (c): the neurons' gated errors as update factors (-e_j); false if all are 0.
  bool neuron_errors(core::NeuronCore& core);
  void update(core::NeuronCore& core);

  const FfSchedule& m_schedule;
  const std::optional<uint32_t> m_factor_tree;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_input_spikes;
  bool m_leader = false;
  bool m_two_word_potentials = false;
  std::vector<LocalGroup> m_groups;
  std::vector<uint8_t> m_class_of;                 // local neuron -> class
  std::array<int64_t, kClasses> m_goodness{}, m_potential{};
  std::array<int32_t, kClasses> m_class_error{};
  std::vector<int32_t> m_factors;                  // -e_j of the core's neurons
  std::vector<LeaderRecord> m_records;
};

struct FfOutcome {
  uint32_t label = 0;
  uint32_t predicted = 0;  // before the sample's update
};

class FfHostProgram : public host::HostProgram {
 public:
  // leaders[l - 1]: the program of layer l's leader (its records are the host-readable
  // registers). progress(done) after each sample; training_done() once the last training
  // sample's outputs were read, before the test samples start (a report snapshot).
  FfHostProgram(const FfSchedule& schedule, chip::Chip& chip, std::vector<const FfCoreProgram*> leaders,
                std::function<void(uint32_t)> progress, std::function<void()> training_done);
  void run(host::HostLink& link) override;
  const std::vector<FfOutcome>& outcomes() const { return m_outcomes; }
  const std::vector<FfOutcome>& test_outcomes() const { return m_test_outcomes; }

 private:
  void load_pixels(host::HostLink& link, const uint8_t* pixels);
  void load_label(host::HostLink& link, uint32_t label, uint32_t alpha);
  uint32_t read_prediction(host::HostLink& link);

  const FfSchedule& m_schedule;
  chip::Chip& m_chip;
  std::vector<const FfCoreProgram*> m_leaders;
  std::function<void(uint32_t)> m_progress;
  std::function<void()> m_training_done;
  std::vector<FfOutcome> m_outcomes;
  std::vector<FfOutcome> m_test_outcomes;
};

}  // namespace nmsim::ff
