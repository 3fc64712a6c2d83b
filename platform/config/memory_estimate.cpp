#include "platform/config/memory_estimate.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "models/base/errors.h"

namespace nmsim::config {

namespace {

// Per-object host costs beyond the raw bits, from the models' data structures: a neuron's
// state, couple and learning words (~64 bytes), an axon's bitmap and sender entries (~16), a
// buffered flit with its packet bookkeeping (~64), five ports per router.
constexpr uint64_t kBytesPerNeuron = 64;
constexpr uint64_t kBytesPerAxon = 16;
constexpr uint64_t kBytesPerFlitSlot = 64;
constexpr uint64_t kRouterPorts = 5;

uint64_t transposed_copy_bytes(const CoreConfig& core) {
  if (core.transposed_read() != TRANSPOSED_COPY) return 0;
  return uint64_t{core.neurons()} * core.neurons() * core.weight_width_bits() / 8;
}

std::string readable(uint64_t bytes) {
  char text[32];
  const bool large = bytes >= (1ull << 30);
  std::snprintf(text, sizeof text, large ? "%.2f GiB" : "%.2f MiB",
                static_cast<double>(bytes) / static_cast<double>(large ? 1ull << 30 : 1ull << 20));
  return text;
}

}  // namespace

uint64_t chip_memory_bytes(const ChipConfig& chip) {
  const CoreConfig& core = chip.core();
  const uint64_t routers = uint64_t{chip.mesh_width()} * chip.mesh_height();
  const uint64_t cores = routers * chip.cores_per_node();
  // Each field is bounded by its limits (proto options), so these products stay far below 2^64.
  const uint64_t per_core = core.synapse_sram().size_bytes() + transposed_copy_bytes(core) +
                            uint64_t{core.neurons()} * kBytesPerNeuron + uint64_t{core.max_axons()} * kBytesPerAxon;
  const uint64_t vcs = std::max(1u, chip.noc().virtual_channels());  // unset means 1
  const uint64_t per_router = kRouterPorts * vcs * chip.noc().buffer_depth_flits() * kBytesPerFlitSlot;
  return cores * per_core + routers * per_router;
}

void check_chip_memory(const ChipConfig& chip, uint64_t budget_bytes, const char* budget_option) {
  const uint64_t needed = chip_memory_bytes(chip);
  if (needed <= budget_bytes) return;
  const uint64_t cores = uint64_t{chip.mesh_width()} * chip.mesh_height() * chip.cores_per_node();
  throw ConfigError("the chip would take about " + readable(needed) + " of memory (" + std::to_string(cores) +
                    " cores x chip.core.synapse_sram.size_bytes = " +
                    std::to_string(chip.core().synapse_sram().size_bytes()) + " bytes, plus state and buffers), "
                    "more than the budget of " + readable(budget_bytes) + " (" + budget_option +
                    "; default: this machine's memory)");
}

uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) : UINT64_MAX;
}

}  // namespace nmsim::config
