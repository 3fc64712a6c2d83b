#include "workloads/job/weights_io.h"

#include <vector>

#include <tlm>

#include "models/core/weight_row.h"
#include "models/base/errors.h"

namespace nmsim::job {

namespace {

void transfer_row(core::NeuronCore& core, tlm::tlm_command command, uint64_t address,
                  std::vector<uint8_t>& row) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(address);
  payload.set_data_ptr(row.data());
  payload.set_data_length(static_cast<unsigned>(row.size()));
  payload.set_streaming_width(static_cast<unsigned>(row.size()));
  const unsigned moved = core.sram_socket->transport_dbg(payload);
  NMSIM_ASSERT(moved == row.size(), "weight row outside the synapse SRAM");
}

}  // namespace

void preload_weights(chip::Chip& chip, const workloads::NetworkWeights& weights, uint32_t weight_width_bits) {
  for (std::size_t l = 0; l < chip.mapping().layers.size(); ++l) {
    const auto& layer = weights.layers[l];
    for (const auto& slot : chip.mapping().layers[l]) {
      std::vector<uint8_t> row(slot.row_bytes, 0);
      core::NeuronCore& core = chip.core(slot.core_index);
      for (uint32_t a = 0; a < slot.fan_in; ++a) {
        std::fill(row.begin(), row.end(), 0);
        for (uint32_t j = 0; j < slot.neuron_count; ++j) {
          const int32_t value = layer.w[(size_t{slot.first_axon} + a) * layer.outputs + slot.first_neuron + j];
          core::write_weight(row.data(), j, weight_width_bits, value);
        }
        transfer_row(core, tlm::TLM_WRITE_COMMAND, a * slot.row_bytes, row);
      }
    }
  }
}

workloads::NetworkWeights read_back_weights(chip::Chip& chip, const workloads::NetworkWeights& like,
                                            uint32_t weight_width_bits) {
  workloads::NetworkWeights weights = like;
  for (std::size_t l = 0; l < chip.mapping().layers.size(); ++l) {
    auto& layer = weights.layers[l];
    for (const auto& slot : chip.mapping().layers[l]) {
      std::vector<uint8_t> row(slot.row_bytes, 0);
      core::NeuronCore& core = chip.core(slot.core_index);
      for (uint32_t a = 0; a < slot.fan_in; ++a) {
        transfer_row(core, tlm::TLM_READ_COMMAND, a * slot.row_bytes, row);
        for (uint32_t j = 0; j < slot.neuron_count; ++j) {
          layer.w[(size_t{slot.first_axon} + a) * layer.outputs + slot.first_neuron + j] =
              core::read_weight(row.data(), j, weight_width_bits);
        }
      }
    }
  }
  return weights;
}

}  // namespace nmsim::job
