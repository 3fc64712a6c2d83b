// Convex parameter reconstruction as firmware: the program every hidden core runs and the
// host's program. reference.h is the specification of the arithmetic; this is the schedule.
//
// Mapping: the P hidden units are the one layer 784 -> P of the mapper (ceil(P / neurons)
// cores). Each core holds the witness weights of its units as synapse rows (or regenerates
// them, workloads/convex/witness_generator.h) and, above them in the same SRAM, its units'
// readout rows and gradient accumulators (models/core/readout_unit.h): a spike of unit j at
// step t never leaves its core; its feature row j T + t is added there. The layer's leader
// (the core holding unit 0) adds the cores' partial outputs, forms the residuals and the
// prediction. Per training sample:
//   host_io   the host loads the pixels into every core (and the encoder index, registers 1-2)
//             and the label into the leader (register 0);
//   forward   T steps (workloads/job/forward_pass.h); each core records its spike trains as a
//             bitmap of its feature rows, then adds those rows into 10 int64 partial outputs;
//   backward  every other core sends its non-zero partial outputs to the leader, two graded
//             values each (low 32 bits, then the high part) (barrier); the leader adds them,
//             forms e_k = sat32(o_k - y_k), predicts (argmax, ties to the lower class) and
//             multicasts the non-zero e_k to the other cores (barrier);
//   update    every core adds e into the gradient rows of its active features (barrier);
//   host_io   the host reads the prediction.
// After each batch of b_e samples the host writes the step's prox threshold tau (registers
// 3-4) and the cores take the gradient and proximal step over their groups (update, barrier,
// host_io barrier). After each epoch, the objective pass: every training sample forward as
// above, the leader adds round_shift(e_k^2, Q) to L; then every core sums its groups' norms;
// the host reads L and the norms, computes J and the stop rule, and writes the verdict
// (register 5) before one more barrier. Before the first epoch (beta_fraction > 0), the beta
// pass: every training sample forward, every core adding the one-hot label (register 0 of
// every core) into its gradient rows (H^T Y in counts), then each core's largest dual group
// norm, which the host reads: beta_max. After training, the test samples run forward with the
// leader's prediction (forward, barrier, host_io).
// Scalar work on the leader runs on its controller (controller_compute, costs in leader_cost).
// Fan-in split (platform/mapper/mapper.h): when the 784 inputs do not fit a core's rows, a
// range of units spans several fan-in group cores; group 0's core owns the units and holds
// their readout, the other group cores only send it their partial sums in the forward pass
// (the witness weights are fixed: nothing flows back to them) and keep step with the barriers.
// The pixels (each core its group's lines) and the encoder index still go to every core; in
// the readout work above (label, thresholds, partial outputs, residuals, norms) "every core"
// means every owner. The leader is the owner of unit 0.
// Two hidden layers (reference.h step 9): the mapper's layers 784 -> P1 -> P2; the forward
// pass runs both (2 T barriers per sample). The readout, and with it everything above that a
// core does besides the forward pass (owners, leader, label, thresholds, norms, beta pass), is
// on layer 2's cores; layer 1's cores (and their fan-in group cores) run only the forward pass,
// taking the pixels and the encoder index, and keep step with the barriers as a group core
// does. A layer-2 core takes no pixels: its inputs are layer 1's spikes over the NoC.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "workloads/common/dataset.h"
#include "workloads/common/encoder.h"
#include "workloads/convex/reference.h"

namespace nmsim::chip { class Chip; }

namespace nmsim::convex {

// What the cores and the host both follow (the host alone decides when to stop).
struct ConvexSchedule {
  const workloads::Dataset* data = nullptr;  // the training split
  std::vector<uint32_t> train_set;           // dataset indices of the N training samples
  const workloads::Dataset* test_data = nullptr;
  std::vector<uint32_t> test_indices;
  ConvexOptions options;
  uint32_t max_epochs = 1;
  uint32_t layers = 1;                       // hidden layers; the readout is on the last
  bool shuffle = true;                       // run.training.shuffle: each epoch's visit order
  bool beta_pass = false;                    // beta_fraction > 0
  std::vector<uint32_t> batch_size;          // b_e per epoch
  std::vector<uint32_t> eta_shift;           // per epoch
  uint32_t leader_core_index = 0;
  uint32_t leader_node = 0, leader_core_in_node = 0;
  bool has_followers = false;
  uint32_t residual_tree = 0;                // leader -> the other cores
};

// Host registers of a core.
enum class HostRegister : uint8_t { kLabel, kEncoderIndexLow, kEncoderIndexHigh, kTauLow, kTauHigh, kContinue };

// Graded-value indices: partial output k goes as kPartialLow + k (low 32 bits, unsigned) and
// kPartialHigh + k (the rest); the leader's residual e_k as k.
inline constexpr uint32_t kPartialLow = 10;
inline constexpr uint32_t kPartialHigh = 20;

// The leader's scalar work for one sample: an add per received word, the residuals (a
// subtract and saturate per class), the argmax (9 compares); with `loss` the objective's
// round_shift(e^2, Q) per class (a multiply and two adds).
struct LeaderCost {
  uint64_t cycles = 0, adds = 0, multiplies = 0;
};
LeaderCost leader_cost(uint64_t received_values, bool loss);

class ConvexCoreProgram : public core::Program {
 public:
  explicit ConvexCoreProgram(const ConvexSchedule& schedule);
  void run(core::NeuronCore& core) override;

  // Leader: the prediction of the last sample (the register the host reads).
  uint32_t prediction() const { return m_prediction; }
  uint64_t loss() const { return m_loss; }                 // leader: L of the last objective pass
  int64_t group_norms() const { return m_group_norms; }    // this core's R of the last pass
  uint64_t dual_norm() const { return m_dual_norm; }       // this core's part of beta_max

 private:
  enum class Pass { kTrain, kObjective, kTest, kBeta };
  void sample(core::NeuronCore& core, Pass pass);
  void forward(core::NeuronCore& core, Phase after);
  void send_partial_outputs(core::NeuronCore& core);
  // On the leader: adds the received partial outputs, residuals and prediction.
  void leader_step(core::NeuronCore& core, bool loss);

  const ConvexSchedule& m_schedule;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_input_spikes;
  SpikeBitmap m_features;  // this core's feature rows of the sample (unit j, step t: j T + t)
  bool m_owner = true;    // owns readout units (fan-in group 0 of the readout's layer): holds their readout
  bool m_leader = false;
  std::array<int64_t, kClasses> m_outputs{};
  std::array<int32_t, kClasses> m_residuals{};
  uint32_t m_prediction = 0;
  uint64_t m_loss = 0;
  int64_t m_group_norms = 0;
  uint64_t m_dual_norm = 0;
};

// One epoch as the host saw it.
struct EpochOutcome {
  std::vector<uint32_t> predictions;  // of the training steps, in visit order
  std::vector<uint32_t> labels;
  uint64_t loss = 0;
  int64_t group_norms = 0;
  double objective = 0;
  double relative_change = 0;
  uint32_t objective_correct = 0;
};

class ConvexHostProgram : public host::HostProgram {
 public:
  // leader: the leader's program; cores: every owner core's program (norms). progress(done) after
  // each sample; training_done() once training has ended, before the test samples.
  ConvexHostProgram(const ConvexSchedule& schedule, chip::Chip& chip, const ConvexCoreProgram* leader,
                    std::vector<const ConvexCoreProgram*> cores, std::function<void(uint64_t)> progress,
                    std::function<void()> training_done);
  void run(host::HostLink& link) override;

  uint64_t beta_max() const { return m_beta_max; }
  const std::vector<EpochOutcome>& epochs() const { return m_epochs; }
  bool converged() const { return m_converged; }
  const std::vector<uint32_t>& test_predictions() const { return m_test_predictions; }

 private:
  void load_sample(host::HostLink& link, const uint8_t* pixels, uint64_t encoder_index, int32_t label,
                   bool label_everywhere);
  uint32_t read_prediction(host::HostLink& link);

  const ConvexSchedule& m_schedule;
  chip::Chip& m_chip;
  const ConvexCoreProgram* m_leader;
  std::vector<const ConvexCoreProgram*> m_cores;
  std::function<void(uint64_t)> m_progress;
  std::function<void()> m_training_done;
  uint64_t m_beta_max = 0;
  std::vector<EpochOutcome> m_epochs;
  bool m_converged = false;
  std::vector<uint32_t> m_test_predictions;
  uint64_t m_done = 0;
};

}  // namespace nmsim::convex
