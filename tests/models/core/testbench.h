// What the core tests share: a program written as a lambda, the SRAM backdoor, stat lookup
// and the timed "one time step" sequence.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/base/sim_context.h"
#include "models/core/barrier.h"
#include "models/core/neuron_core.h"
#include "models/core/weight_row.h"
#include "models/noc/packet.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "proto/chip.pb.h"

namespace nmsim::testing {

// The small core most core tests use, on a 1 x 1 chip: 8 neurons, 4 lanes (A = ceil(8 / 4) =
// 2 state words), 128 axons, scan 64 bits/cycle, 16 encoder lanes, fill 2; a 2 KB SRAM of
// 64-bit words (a row of 8 x 16-bit weights = 2 words), 2 banks word-interleaved, 1 port, read
// latency 2, write latency 1.
inline ChipConfig small_chip(uint32_t state_ports = 2) {
  ChipConfig chip = config::default_chip_config();
  chip.set_mesh_width(1);
  chip.set_mesh_height(1);
  CoreConfig& core = *chip.mutable_core();
  core.set_neurons(8);
  core.set_accumulate_lanes(4);
  core.set_max_axons(128);
  core.set_spike_scan_bits_per_cycle(64);
  core.set_encoder_lanes(16);
  core.set_pipeline_fill_cycles(2);
  core.set_state_memory_ports(state_ports);
  SramConfig& sram = *core.mutable_synapse_sram();
  sram.set_size_bytes(128 * 16);
  sram.set_word_width_bits(64);
  sram.set_banks(2);
  sram.set_ports(1);
  sram.set_read_latency_cycles(2);
  sram.set_write_latency_cycles(1);
  config::validate(chip);
  return chip;
}

// Stands in for the network interface and the network of a core tested alone: it accepts
// every packet the core injects and records it with its injection cycle; the network it
// shows the barrier is always idle (nothing is in flight), so a barrier releases at the last
// arrival + its latency. Packets for the core are handed to NeuronCore::deliver directly.
class NocStub : public sc_core::sc_module, public core::NetworkQuiescence {
 public:
  struct Sent {
    noc::Packet packet;
    Cycle injected;
  };
  tlm_utils::simple_target_socket<NocStub> socket;

  NocStub(sc_core::sc_module_name name, const SimContext& ctx) : sc_module(name), socket("socket"), m_ctx(ctx) {
    socket.register_b_transport(this, &NocStub::b_transport);
  }
  const std::vector<Sent>& sent() const { return m_sent; }

  bool idle() const override { return true; }
  Cycle last_delivery_cycle() const override { return Cycle{}; }
  const sc_core::sc_event& drained_event() const override { return m_drained; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    m_sent.push_back({*reinterpret_cast<const noc::Packet*>(payload.get_data_ptr()),
                      m_ctx.clock.cycle_of(sc_core::sc_time_stamp() + delay)});
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  const SimContext& m_ctx;
  std::vector<Sent> m_sent;
  sc_core::sc_event m_drained;
};

// One core without a chip: the core of `config` (its node 0, core 0) with a NoC stub and a
// barrier of its own (one participant: the core), configured to hold `neurons` neurons of a
// first layer with `fan_in` axons (rows packed as weight_row.h, words of the synapse SRAM).
inline SimContext traced_context(const ChipConfig& config, trace::Tracer* tracer) {
  SimContext ctx(config::clock_mhz(config));
  ctx.tracer = tracer;
  return ctx;
}

struct CoreBench {
  ChipConfig config;
  SimContext ctx;
  NocStub noc;
  core::Barrier barrier;
  core::NeuronCore core;

  // tracer: the bench's trace, if any (attached before the core registers its signals).
  CoreBench(const ChipConfig& chip, uint32_t fan_in, uint32_t neurons, const arith::NeuronParams& params = {},
            trace::Tracer* tracer = nullptr)
      : config(chip),
        ctx(traced_context(config, tracer)),
        noc("noc", ctx),
        barrier("barrier", config.barrier(), ctx),
        core("core", config.core(), ctx, 0, 0, barrier, 2) {
    core.noc_socket.bind(noc.socket);
    barrier.set_network(&noc);
    barrier.set_participants(1);
    core::CoreLayout layout;
    layout.used = true;
    layout.layer = 1;
    layout.first_layer = true;
    layout.neuron_count = neurons;
    layout.fan_in = fan_in;
    layout.has_tree = true;  // tree 0: the stub takes whatever the core sends
    layout.row_bytes = core::row_bytes(neurons, config.core().weight_width_bits(),
                                       config.core().synapse_sram().word_width_bits());
    layout.words_per_row =
        static_cast<uint32_t>(layout.row_bytes * 8 / config.core().synapse_sram().word_width_bits());
    core.configure(layout, params);
  }
};

class LambdaProgram : public core::Program {
 public:
  explicit LambdaProgram(std::function<void(core::NeuronCore&)> body) : m_body(std::move(body)) {}
  void run(core::NeuronCore& core) override { m_body(core); }

 private:
  std::function<void(core::NeuronCore&)> m_body;
};

// Writes raw row bytes into the core's synapse SRAM through the uncounted backdoor.
inline void write_row(core::NeuronCore& core, uint64_t address, std::vector<uint8_t>& row) {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(address);
  p.set_data_ptr(row.data());
  p.set_data_length(static_cast<unsigned>(row.size()));
  p.set_streaming_width(static_cast<unsigned>(row.size()));
  REQUIRE(core.sram_socket->transport_dbg(p) == row.size());
}

// The small core with 100 of its 128 axons used and weights w(a, j) = 7a + 300j, its rows
// through the uncounted backdoor (test_core.cpp derives its timing and potentials).
inline int16_t small_weight(uint32_t axon, uint32_t j) { return static_cast<int16_t>(axon * 7 + j * 300); }

inline arith::NeuronParams with_threshold(int32_t threshold) {
  arith::NeuronParams params;
  params.threshold = threshold;
  return params;
}

struct WeightedBench : CoreBench {
  explicit WeightedBench(int32_t threshold, trace::Tracer* tracer = nullptr)
      : CoreBench(small_chip(), 100, 8, with_threshold(threshold), tracer) {
    for (uint32_t a = 0; a < 100; ++a) {
      std::vector<uint8_t> row(16);
      for (uint32_t j = 0; j < 8; ++j) {
        const int16_t w = small_weight(a, j);
        std::memcpy(row.data() + 2 * j, &w, 2);
      }
      write_row(core, a * 16, row);
    }
  }
};

// One step on input spikes 3, 70 and 71: reset, encode, integrate, fire.
inline void integrate_and_fire_known_spikes(core::NeuronCore& c) {
  c.reset_neurons();
  SpikeBitmap inputs(100);
  for (uint32_t a : {3, 70, 71}) inputs.set(a);
  c.set_input_spikes(inputs);
  c.integrate();
  c.fire();
}

// The total of the stat `name` the object registered; a missing stat fails the test.
inline uint64_t stat_total(const StatGroup& group, const std::string& name) {
  for (const auto& s : group.stats()) {
    if (s.name == name) return s.counter.value().total();
  }
  FAIL("no stat " << name);
  return 0;
}

// The child unit `name` of a core (e.g. "couples", "readout", "weight_generator", "learning")
// if the core has one, else null.
inline const StatGroup* find_unit(const sc_core::sc_object& core, const std::string& name) {
  for (const sc_core::sc_object* child : core.get_child_objects()) {
    if (child->basename() == name) return dynamic_cast<const StatGroup*>(child);
  }
  return nullptr;
}

// The stats of the core's unit `name`; a missing unit fails the test.
inline const StatGroup& unit_stats(const sc_core::sc_object& core, const std::string& name) {
  const StatGroup* unit = find_unit(core, name);
  if (unit == nullptr) FAIL("no unit " << name);
  return *unit;
}

// Installs a program that resets the neurons, encodes `axons` (of `lines`) as input spikes,
// integrates and fires, and records the cycle before the first and after each call (5
// marks). Call sc_start() afterwards.
class OneStepProgram : public core::Program {
 public:
  OneStepProgram(const SimContext& ctx, uint32_t lines, std::vector<uint32_t> axons)
      : m_ctx(ctx), m_lines(lines), m_axons(std::move(axons)) {}
  void run(core::NeuronCore& c) override {
    mark();
    c.reset_neurons();
    mark();
    SpikeBitmap inputs(m_lines);
    for (uint32_t a : m_axons) inputs.set(a);
    c.set_input_spikes(inputs);
    mark();
    c.integrate();
    mark();
    c.fire();
    mark();
  }
  const std::vector<uint64_t>& marks() const { return m_marks; }

 private:
  void mark() { m_marks.push_back(m_ctx.clock.now().value()); }
  const SimContext& m_ctx;
  const uint32_t m_lines;
  const std::vector<uint32_t> m_axons;
  std::vector<uint64_t> m_marks;
};

}  // namespace nmsim::testing
