// What a chip model takes of the host's memory, estimated from its config before anything is
// allocated, so a design too large for the machine is refused with the numbers instead of
// ending in an out-of-memory kill or std::bad_alloc halfway through elaboration.
#pragma once

#include <cstdint>

#include "proto/chip.pb.h"

namespace nmsim::config {

// Bytes the chip's models allocate: every core's synapse SRAM contents (and its transposed
// copy), neuron state and spike bitmaps, and the routers' flit buffers. A lower bound that
// covers the bulk; the simulation kernel and the data set come on top.
uint64_t chip_memory_bytes(const ChipConfig& chip);

// ConfigError when chip_memory_bytes(chip) exceeds budget_bytes, naming both and the largest
// part (the option that sets the budget is named by `budget_option`).
void check_chip_memory(const ChipConfig& chip, uint64_t budget_bytes, const char* budget_option);

// The host's physical memory in bytes (the default budget).
uint64_t physical_memory_bytes();

}  // namespace nmsim::config
