// Spike raster and membrane potentials as CSV, for analysis beside the waveform traces
// (--spikes, --membrane). The neuron cores report what their fire scans (and the first layer's
// rate encoders) produce, with the network's layer and neuron index; rows outside the window
// [start, end] are dropped. Off, nothing is allocated and a core pays one pointer compare per
// fire scan; on, rows are formatted into a fixed buffer flushed to the output, never held.
//
// The files (columns in the header line):
// - spikes: cycle,sample,step,layer,neuron: one row per spike;
// - membrane: cycle,sample,step,layer,neuron,potential: one row per chosen neuron per fire scan
//   (every time step), the potential the scan writes back, after leak, threshold and reset: the
//   neuron's state at the end of the step (as Brian2's and NEST's state monitors record it).
// cycle: when the fire scan handles the neuron's state word (scan start + floor(j / lanes),
// x2 with one state port, j the core-local index); for an input spike, when the encoder
// converts its line (encode start + floor(line / encoder_lanes)). sample: the forward pass the
// step belongs to, counted from 0 over the run (the core's neuron resets; training samples
// first, then test samples). step: the time step within it. layer: 1..L, and 0 for the input
// spikes (the first layer's input lines). neuron: the index within the layer. Rows come in the
// order the scans ran: cycle order per core, not sorted across cores.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/base/cycle.h"
#include "models/base/output_file.h"
#include "models/base/sim_context.h"
#include "models/trace/neuron_selection.h"

namespace nmsim::trace {

struct NeuronRecordOptions {
  std::string spikes_path;    // empty: no raster
  std::string membrane_path;  // empty: no potentials
  std::string membrane_spec;  // --membrane-neurons as given (messages)
  std::vector<NeuronRange> membrane_neurons;
  Cycle start{};              // first cycle written
  Cycle end{UINT64_MAX};      // last cycle written
};

// Where in the run a fire scan (or an encoding) happens.
struct StepPosition {
  uint32_t sample = 0;
  uint32_t step = 0;
  uint32_t layer = 0;
};

class NeuronRecorder {
 public:
  // Opens the outputs and writes their headers: DataError naming a path that cannot be written.
  explicit NeuronRecorder(NeuronRecordOptions options);
  ~NeuronRecorder();
  NeuronRecorder(const NeuronRecorder&) = delete;
  NeuronRecorder& operator=(const NeuronRecorder&) = delete;

  bool records_spikes() const;
  // The chosen neurons among a core's first_neuron .. first_neuron + count - 1 of `layer`, as
  // local indices, ascending (empty without --membrane).
  std::vector<uint32_t> watched(uint32_t layer, uint32_t first_neuron, uint32_t count) const;
  void spike(Cycle at, const StepPosition& position, uint32_t neuron);
  void potential(Cycle at, const StepPosition& position, uint32_t neuron, int32_t value);
  // The files, whole but not yet in place (the caller commits them with its other outputs);
  // without finish() the destructor removes their temporaries.
  [[nodiscard]] std::vector<OutputFile> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The run's recorder if `options` asks for one, attached to ctx (ctx.neurons; null otherwise).
std::unique_ptr<NeuronRecorder> attach_neuron_recorder(const std::optional<NeuronRecordOptions>& options,
                                                       SimContext& ctx);

}  // namespace nmsim::trace
