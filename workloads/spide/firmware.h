// SPIDE training firmware (reference.h is the specification of the arithmetic): one hidden
// core holds the whole recurrent layer, an output core holds the readout (a layer or a readout
// larger than one core: split_firmware.h).
// Hidden core rows: axon j < N is hidden neuron j's own spike (row j = W[j][*]: a spike's
// AER address is its neuron index, so the core's own spikes of step t-1 land on axons 0..N-1
// through its multicast tree, which also reaches the output core), axon N + i is input line i
// (row N + i = F[i][*]). The transposed block starts at axon 0.
// Per training sample:
//   forward   T_f steps; in step t the hidden core integrates its axons (inputs x[t] and its
//             own spikes s[t-1]), fires, loads the encoder's x[t+1] (this clears the axon
//             bitmap, so it must come before the send) and sends s[t]; barrier; the output
//             core integrates s[t] (it never fires: its potentials are o); barrier.
//   backward  the output core computes z, p, err on its scalar datapath, reads the N rows of
//             O (old weights) and forms g = clamp(round_shift(O err, shift)), sending every
//             non-zero g_i as a graded value to the hidden core. The output core computes
//             O err because it holds O: the hidden core would need a second copy of O (N x 10
//             words kept equal under every update) to do it, and N values cost N packets,
//             about N / 10 x the 10 error packets, cheap next to a forward stage. Barrier.
//             The hidden core loads g into the couple drives, masks couples by 0 < a < T_f
//             and runs T_b couple steps locally: the transposed read of the previous step's
//             masked +-1 spikes, then the fire scan with the drive. Barrier.
//   update    F (rows N + i, x_i > 0), W (rows i, a_i > 0), O (rows j, a_j > 0) through the
//             learning engines: w += round_shift(factor * count, shift), factor = -delta or -err.
// Barriers (identical on every participant): forward after the host's load, 2 per forward
// step (the last one into backward), backward after g was sent, update after the couples,
// host_io after the updates. Test samples after training: forward after the load, 2 per
// step, the last one into host_io.
// Order of additions: the chip adds W's row-major recurrent spikes before the inputs (lower
// axons first) and, in the backward stage, the transposed spikes before the drive; the
// reference adds them the other way round. Sums are equal unless a potential saturates in
// between (the hardware's ascending axon scan fixes the first order; the couple pass cannot
// add the drive first). The job's reference check would report such a difference.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/core/neuron_core.h"
#include "models/host/host_link.h"
#include "workloads/common/encoder.h"
#include "workloads/spide/options.h"

namespace nmsim::chip { class Chip; }
namespace nmsim::mapper { struct Mapping; struct CoreSlot; }

namespace nmsim::spide {

// One core of a recurrent layer split over cores (split_firmware.h).
struct SpideHiddenCore {
  uint32_t core_index = 0, node = 0, core_in_node = 0;
  uint32_t range = 0;                      // neuron range (its owner holds the couples)
  uint32_t first_neuron = 0, neuron_count = 0;
  uint32_t first_axon = 0, fan_in = 0;     // input lines: recurrent below N, then the pixels
  bool owner = false;
  uint32_t recurrent_rows = 0;             // lines < N held (rows 0 .. recurrent_rows - 1)
  uint32_t first_pixel = 0, pixels = 0;    // the lines >= N held: pixels, or layer H's neurons (feedforward)
  uint32_t block_rows = 0;                 // rows 0.. of the transposed read: W's, and F's with a feedforward layer
  bool has_spike_tree = false;             // owner: to its group cores with recurrent rows
  uint32_t spike_tree = 0;
  bool has_factor_tree = false;            // owner: to all its group cores
  uint32_t factor_tree = 0;
};

// The host register the firmware reads: the label of the training sample (output core).
enum class HostRegister : uint8_t { kLabel };

struct SpideSchedule {
  SpideOptions options;
  std::vector<const uint8_t*> pixels;  // per training sample, options.inputs bytes
  std::vector<uint32_t> labels;
  std::vector<uint64_t> encoder_indices;
  // Tested after training: the forward stage only, no update.
  std::vector<const uint8_t*> test_pixels;
  std::vector<uint32_t> test_labels;
  std::vector<uint64_t> test_encoder_indices;
  uint32_t hidden_core = 0;            // core indices in the chip
  uint32_t output_core = 1;
  uint32_t output_node = 0;            // split: where the owners' g comes from
  uint32_t output_core_in_node = 0;
  uint32_t hidden_node = 0;            // where the output core sends g
  uint32_t hidden_core_in_node = 0;
  // The recurrent layer over several cores (split_firmware.h): empty on one core.
  std::vector<SpideHiddenCore> hidden_cores;  // the mapping's order: range by range, group 0 first
  std::vector<uint32_t> range_owner;          // per neuron range, its owner's index in hidden_cores
  bool split() const { return !hidden_cores.empty(); }
  // A feedforward layer before the recurrent one (feedforward_firmware.h; its cores are the
  // pixel cores, hidden_cores the recurrent layer's, always as a split layer): empty without.
  std::vector<SpideHiddenCore> feedforward_cores;
  std::vector<uint32_t> feedforward_owner;    // per neuron range of layer H, its owner's index
  bool feedforward() const { return !feedforward_cores.empty(); }
  // The readout's cores with the split firmware (split_firmware.h): its N lines in
  // fan-in groups, group 0 (the owner, output_core) first; more than one: the readout is split.
  std::vector<SpideHiddenCore> readout_cores;
  bool readout_split() const { return readout_cores.size() > 1; }
};

// What the chip computed for one training sample (for the comparison with the reference).
struct SpideChipRecord {
  uint32_t predicted = 0;
  std::vector<uint32_t> hidden_counts;  // a
  std::vector<int32_t> gradient;        // g
  std::vector<int32_t> delta;           // m beta
  uint64_t backward_spikes = 0;         // masked ternary spikes
  uint64_t backward_senders = 0;        // masked spikes of steps < T_b - 1 (transposed reads)
  uint32_t active = 0;                  // couples in the mask
  // Layer H (feedforward_firmware.h; its owners' records): spikes c and the mask m_h.
  uint64_t feedforward_spikes = 0;
  uint32_t feedforward_active = 0;
};

// Lays SPIDE out on a chip: `mapping` = mapper::map_network(chip config, {N + inputs, N,
// classes}) (the hidden core's fan-in is its own N neurons, then the inputs). Configures the
// chip, replaces the hidden core's tree by one to itself and the output core (its spikes are
// its own next step's recurrent input), names the transposed block (axons 0..N-1) and fills
// the schedule's core fields; a mapping with several hidden or readout cores goes to configure_split_chip
// (split_firmware.h). Call before preloading the weights.
void configure_chip(chip::Chip& chip, const mapper::Mapping& mapping, const arith::NeuronParams& neuron,
                    SpideSchedule& schedule);

// The output core's error and gradient on its scalar datapath: per class the logit shift, a
// table read and an add (softmax), a 32-cycle reciprocal, a multiply per class; then one
// multiply-add per (neuron, non-zero error) and a shift and clamp per neuron.
void charge_error_and_gradient(core::NeuronCore& core, uint32_t classes, uint32_t hidden, uint32_t nonzero_errors);

class SpideCoreProgram : public core::Program {
 public:
  explicit SpideCoreProgram(const SpideSchedule& schedule);
  void run(core::NeuronCore& core) override;
  const std::vector<SpideChipRecord>& records() const { return m_records; }

 private:
  friend class SpideSplitProgram;  // the output core's gradient and update are shared
  void forward_hidden(core::NeuronCore& core, uint64_t encoder_index, Phase after);
  void forward_output(core::NeuronCore& core, Phase after);
  void gradient_output(core::NeuronCore& core);
  uint32_t output_error(core::NeuronCore& core);  // err from the label; returns the non-zero errors
  void row_gradients(core::NeuronCore& core, uint32_t rows);  // g of rows 0..rows-1 (old O)
  // g of the readout lines first_line.. (rows of them) to the recurrent layer's owners (split).
  void send_gradients(core::NeuronCore& core, uint32_t first_line, uint32_t rows);
  void backward_hidden(core::NeuronCore& core, SpideChipRecord& record);
  void update_hidden(core::NeuronCore& core);
  void update_output(core::NeuronCore& core, uint32_t rows);
  void encode(core::NeuronCore& core, uint32_t t);

  const SpideSchedule& m_schedule;
  workloads::RateEncoder m_encoder;
  SpikeBitmap m_input_spikes, m_axon_spikes, m_plus, m_minus;
  std::vector<int32_t> m_logits, m_probabilities, m_error, m_row, m_gradient, m_factors;
  std::vector<SpideChipRecord> m_records;
};

class SpideHostProgram : public host::HostProgram {
 public:
  // progress() after each sample; training_done() once the last training sample's outputs
  // were read, before the test samples (a report snapshot).
  SpideHostProgram(const SpideSchedule& schedule, chip::Chip& chip, std::function<void()> progress = {},
                   std::function<void()> training_done = {});
  void run(host::HostLink& link) override;
  const std::vector<uint32_t>& predictions() const { return m_predictions; }  // training, before the update
  const std::vector<uint32_t>& test_predictions() const { return m_test_predictions; }
  const std::vector<std::vector<int32_t>>& outputs() const { return m_outputs; }  // o, training samples

 private:
  uint32_t read_prediction(host::HostLink& link, bool keep_outputs);
  void load(host::HostLink& link, const uint8_t* pixels);
  void forward_barriers(host::HostLink& link, Phase after);
  void backward_barriers(host::HostLink& link);

  const SpideSchedule& m_schedule;
  chip::Chip& m_chip;
  std::function<void()> m_progress, m_training_done;
  std::vector<uint32_t> m_predictions, m_test_predictions;
  std::vector<std::vector<int32_t>> m_outputs;
};

}  // namespace nmsim::spide
