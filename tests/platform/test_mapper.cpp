// Mapper: layers -> cores, by the rules in platform/mapper/mapper.h. Expected slots are
// derived in the comments.
#include <catch2/catch.hpp>

#include <string>

#include "models/base/errors.h"
#include "platform/mapper/mapper.h"

using nmsim::mapper::CoreSlot;
using nmsim::mapper::Mapping;
using nmsim::mapper::map_network;

namespace {

// Like platform/presets/chip_default.textproto: 4 x 4 mesh, 1 core per node, 256 neurons,
// 16-bit weights, 1024 axons, 512 KB synapse SRAM of 64-bit words.
nmsim::ChipConfig default_like_chip() {
  nmsim::ChipConfig chip;
  chip.set_mesh_width(4);
  chip.set_mesh_height(4);
  chip.set_cores_per_node(1);
  nmsim::CoreConfig& core = *chip.mutable_core();
  core.set_neurons(256);
  core.set_weight_width_bits(16);
  core.set_max_axons(1024);
  nmsim::SramConfig& sram = *core.mutable_synapse_sram();
  sram.set_size_bytes(524288);
  sram.set_word_width_bits(64);
  return chip;
}

void require_slot(const CoreSlot& s, uint32_t core_index, uint32_t node, uint32_t core_in_node,
                  uint32_t layer, uint32_t first_neuron, uint32_t neuron_count, uint32_t fan_in,
                  uint32_t words_per_row, uint64_t row_bytes) {
  REQUIRE(s.core_index == core_index);
  REQUIRE(s.node == node);
  REQUIRE(s.core_in_node == core_in_node);
  REQUIRE(s.layer == layer);
  REQUIRE(s.first_neuron == first_neuron);
  REQUIRE(s.neuron_count == neuron_count);
  REQUIRE(s.fan_in == fan_in);
  REQUIRE(s.words_per_row == words_per_row);
  REQUIRE(s.row_bytes == row_bytes);
}

std::string error_of(const nmsim::ChipConfig& chip, const std::vector<uint32_t>& sizes) {
  try {
    map_network(chip, sizes);
  } catch (const nmsim::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("mapper: 784-512-10 on the default chip takes 3 cores", "[mapper]") {
  // Layer 1: 512 neurons -> ceil(512/256) = 2 cores of 256; fan-in 784; a row holds
  //   256 x 16 bits = 4096 bits = 64 words of 64 bits = 512 bytes; 784 x 512 = 401408 bytes
  //   <= 524288. Layer 2: 10 neurons -> 1 core; fan-in 512; 10 x 16 = 160 bits -> 3 words
  //   = 24 bytes. Cores 0, 1, 2 on nodes 0, 1, 2.
  const Mapping m = map_network(default_like_chip(), {784, 512, 10});
  REQUIRE(m.cores_used == 3);
  REQUIRE(m.cores_available == 16);
  REQUIRE(m.layers.size() == 2);
  REQUIRE(m.layers[0].size() == 2);
  REQUIRE(m.layers[1].size() == 1);
  require_slot(m.layers[0][0], 0, 0, 0, 1, 0, 256, 784, 64, 512);
  require_slot(m.layers[0][1], 1, 1, 0, 1, 256, 256, 784, 64, 512);
  require_slot(m.layers[1][0], 2, 2, 0, 2, 0, 10, 512, 3, 24);
}

TEST_CASE("mapper: uneven layers are split evenly, the first cores take the remainder", "[mapper]") {
  // 300 -> 2 cores: 150/150 (first 0, 150). 301 -> 2 cores: 151/150 (first 0, 151).
  // 514 -> 3 cores: 514 = 3 x 171 + 1 -> 172/171/171 (first 0, 172, 343).
  // Rows: 150 x 16 = 2400 bits -> 38 words (37.5 rounded up) = 304 bytes; 151 -> 2416 bits
  // -> 38 words; 172 -> 2752 bits -> 43 words = 344 bytes; 171 -> 2736 -> 43 words.
  const Mapping m = map_network(default_like_chip(), {100, 300, 301, 514});
  REQUIRE(m.cores_used == 7);
  require_slot(m.layers[0][0], 0, 0, 0, 1, 0, 150, 100, 38, 304);
  require_slot(m.layers[0][1], 1, 1, 0, 1, 150, 150, 100, 38, 304);
  require_slot(m.layers[1][0], 2, 2, 0, 2, 0, 151, 300, 38, 304);
  require_slot(m.layers[1][1], 3, 3, 0, 2, 151, 150, 300, 38, 304);
  require_slot(m.layers[2][0], 4, 4, 0, 3, 0, 172, 301, 43, 344);
  require_slot(m.layers[2][1], 5, 5, 0, 3, 172, 171, 301, 43, 344);
  require_slot(m.layers[2][2], 6, 6, 0, 3, 343, 171, 301, 43, 344);
}

TEST_CASE("mapper: with 2 cores per node, cores pair up on nodes", "[mapper]") {
  // 2 x 2 mesh x 2 cores = 8 cores. Layer 1: 600 -> 3 cores of 200; layer 2: 300 -> 2 of
  // 150. core_index 0..4 -> node 0,0,1,1,2 and core_in_node 0,1,0,1,0.
  // Rows: 200 x 16 = 3200 bits = 50 words = 400 bytes; 150 -> 38 words = 304 bytes.
  nmsim::ChipConfig chip = default_like_chip();
  chip.set_mesh_width(2);
  chip.set_mesh_height(2);
  chip.set_cores_per_node(2);
  const Mapping m = map_network(chip, {10, 600, 300});
  REQUIRE(m.cores_used == 5);
  REQUIRE(m.cores_available == 8);
  require_slot(m.layers[0][0], 0, 0, 0, 1, 0, 200, 10, 50, 400);
  require_slot(m.layers[0][1], 1, 0, 1, 1, 200, 200, 10, 50, 400);
  require_slot(m.layers[0][2], 2, 1, 0, 1, 400, 200, 10, 50, 400);
  require_slot(m.layers[1][0], 3, 1, 1, 2, 0, 150, 600, 38, 304);
  require_slot(m.layers[1][1], 4, 2, 0, 2, 150, 150, 600, 38, 304);
}

TEST_CASE("mapper: too few cores names each layer's need and the shortfall", "[mapper]") {
  // 5000 neurons -> 20 cores of 250 (rows of 250 x 16 bits = 63 words, 784 x 504 bytes
  // fit); the chip has 4 x 4 x 1 = 16.
  REQUIRE(error_of(default_like_chip(), {784, 5000}) ==
          "network does not fit: layers need 20 cores (layer 1: 784 -> 5000 needs 20 cores of "
          "256 neurons), the chip has 16 (4 x 4 mesh, 1 core per node): 4 short");
  nmsim::ChipConfig chip = default_like_chip();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  chip.set_cores_per_node(2);
  REQUIRE(error_of(chip, {784, 512, 10}) ==
          "network does not fit: layers need 3 cores (layer 1: 784 -> 512 needs 2 cores of 256 "
          "neurons, layer 2: 512 -> 10 needs 1 core of 256 neurons), the chip has 2 (1 x 1 "
          "mesh, 2 cores per node): 1 short");
}

TEST_CASE("mapper: a fan-in above max_axons is split into fan-in groups", "[mapper][fan-in split]") {
  // 784-4096-4096-10 on a 16 x 16 mesh. Layer 1: 16 ranges of 256, fan-in 784 <= 1024: 16
  // cores (0..15). Layer 2: 16 ranges x ceil(4096 / 1024) = 4 groups of 1024 lines: 64 cores
  // (16..79), range r group g at 16 + 4r + g. Layer 3: 10 neurons, 1 range x 4 groups: 80..83.
  // Rows: 256 x 16 bits = 64 words = 512 bytes (1024 rows = 512 KB fit); 10 -> 3 words = 24.
  nmsim::ChipConfig chip = default_like_chip();
  chip.set_mesh_width(16);
  chip.set_mesh_height(16);
  const Mapping m = map_network(chip, {784, 4096, 4096, 10});
  REQUIRE(m.cores_used == 84);
  REQUIRE(m.splits_fan_in());
  REQUIRE(m.layers[0].size() == 16);
  REQUIRE(m.layers[1].size() == 64);
  REQUIRE(m.layers[2].size() == 4);
  require_slot(m.layers[0][15], 15, 15, 0, 1, 3840, 256, 784, 64, 512);
  CHECK(m.layers[0][15].fan_in_groups == 1);
  const CoreSlot& r1g1 = m.layers[1][5];  // range 1, group 1
  require_slot(r1g1, 21, 21, 0, 2, 256, 256, 1024, 64, 512);
  CHECK(r1g1.first_axon == 1024);
  CHECK(r1g1.fan_in_group == 1);
  CHECK(r1g1.fan_in_groups == 4);
  CHECK_FALSE(r1g1.owns_neurons());
  require_slot(m.layers[2][3], 83, 83, 0, 3, 0, 10, 1024, 3, 24);
  CHECK(m.layers[2][3].first_axon == 3072);
  CHECK(m.layers[2][0].owns_neurons());
}

TEST_CASE("mapper: fan-in groups split evenly, the first groups take the remainder", "[mapper][fan-in split]") {
  // 64 axons: fan-in 100 -> ceil(100 / 64) = 2 groups of 50; fan-in 130 -> 3 groups:
  // 130 = 3 x 43 + 1 -> 44/43/43 lines from 0, 44, 87. Rows: 130 x 16 bits = 2080 bits ->
  // 33 words = 264 bytes; 10 -> 3 words = 24. 2 x 2 mesh x 2 cores = 8 cores.
  nmsim::ChipConfig chip = default_like_chip();
  chip.mutable_core()->set_max_axons(64);
  chip.set_mesh_width(2);
  chip.set_mesh_height(2);
  chip.set_cores_per_node(2);
  const Mapping m = map_network(chip, {100, 130, 10});
  REQUIRE(m.cores_used == 5);
  require_slot(m.layers[0][0], 0, 0, 0, 1, 0, 130, 50, 33, 264);
  require_slot(m.layers[0][1], 1, 0, 1, 1, 0, 130, 50, 33, 264);
  CHECK(m.layers[0][1].first_axon == 50);
  require_slot(m.layers[1][0], 2, 1, 0, 2, 0, 10, 44, 3, 24);
  require_slot(m.layers[1][1], 3, 1, 1, 2, 0, 10, 43, 3, 24);
  require_slot(m.layers[1][2], 4, 2, 0, 2, 0, 10, 43, 3, 24);
  CHECK(m.layers[1][1].first_axon == 44);
  CHECK(m.layers[1][2].first_axon == 87);
  CHECK(m.layers[1][2].fan_in_group == 2);
}

TEST_CASE("mapper: a split layer that does not fit names its ranges and groups", "[mapper][fan-in split]") {
  // 784-4096-4096-10 on 8 x 8: 16 + 64 + 4 = 84 cores, the chip has 64.
  nmsim::ChipConfig chip = default_like_chip();
  chip.set_mesh_width(8);
  chip.set_mesh_height(8);
  REQUIRE(error_of(chip, {784, 4096, 4096, 10}) ==
          "network does not fit: layers need 84 cores (layer 1: 784 -> 4096 needs 16 cores of 256 neurons, "
          "layer 2: 4096 -> 4096 needs 64 cores of 256 neurons and 1024 axons (16 neuron ranges x 4 fan-in "
          "groups), layer 3: 4096 -> 10 needs 4 cores of 256 neurons and 1024 axons (1 neuron range x 4 "
          "fan-in groups)), the chip has 64 (8 x 8 mesh, 1 core per node): 20 short");
  // With 2 cores per node it fits: 128 cores.
  chip.set_cores_per_node(2);
  CHECK(map_network(chip, {784, 4096, 4096, 10}).cores_used == 84);
}

TEST_CASE("mapper: rows that overflow the synapse SRAM split the fan-in", "[mapper][fan-in split]") {
  // 256 KB SRAM: rows of 512 bytes, 262144 / 512 = 512 rows a core (< 1024 axons): fan-in 784
  // -> 2 groups of 392; 2 ranges: cores (range 0: groups 0, 1), (range 1: groups 0, 1).
  nmsim::ChipConfig chip = default_like_chip();
  chip.mutable_core()->mutable_synapse_sram()->set_size_bytes(262144);
  const Mapping m = map_network(chip, {784, 512});
  REQUIRE(m.cores_used == 4);
  require_slot(m.layers[0][1], 1, 1, 0, 1, 0, 256, 392, 64, 512);
  CHECK(m.layers[0][1].first_axon == 392);
  require_slot(m.layers[0][2], 2, 2, 0, 1, 256, 256, 392, 64, 512);
  CHECK(m.layers[0][2].fan_in_group == 0);
}

TEST_CASE("mapper: only a row larger than the SRAM or a 32-bit state refuses a split", "[mapper][fan-in split]") {
  // A row of 256 x 16 bits = 512 bytes in a 256-byte SRAM.
  nmsim::ChipConfig chip = default_like_chip();
  chip.mutable_core()->mutable_synapse_sram()->set_size_bytes(256);
  REQUIRE(error_of(chip, {784, 512}) ==
          "layer 1: one row of 512 bytes does not fit chip.core.synapse_sram.size_bytes = 256: 256 bytes short");
  chip = default_like_chip();
  chip.mutable_core()->set_state_width_bits(32);
  REQUIRE(error_of(chip, {784, 100, 10}) == "no error");  // no split needed
  REQUIRE(error_of(chip, {2000, 10}) ==
          "layer 1: fan-in 2000 needs 2 fan-in groups of at most 1024 axons, and a fan-in split needs "
          "chip.core.state_width_bits <= 31 (it is 32)");
}

TEST_CASE("mapper: malformed layer lists and chip configs are errors", "[mapper]") {
  REQUIRE(error_of(default_like_chip(), {784}) ==
          "network needs an input size and at least one layer, got 1 size");
  REQUIRE(error_of(default_like_chip(), {784, 0}) == "layer 1 has 0 neurons");
  REQUIRE(error_of(default_like_chip(), {0, 10}) == "network has 0 inputs");
  nmsim::ChipConfig chip = default_like_chip();
  chip.mutable_core()->clear_neurons();
  REQUIRE(error_of(chip, {784, 10}) == "chip.core.neurons is not set");
  chip = default_like_chip();
  chip.set_cores_per_node(0);
  REQUIRE(error_of(chip, {784, 10}) == "chip.cores_per_node = 0: must be >= 1");
}
