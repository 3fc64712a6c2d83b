// Deferred waits (neuron_core.h): a core whose firmware turns them on runs its own calls
// ahead of the kernel's clock; the barrier releases from the latest arrival cycle, and a read
// of delivered values waits for the core's clock. Two cores of a 2 x 1 chip (the graded-value
// test's: one hop, a value injected at cycle 0 is delivered at 4; barrier latency 4).
#include <catch2/catch.hpp>

#include <vector>

#include "models/core/neuron_core.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/mapper/mapper.h"
#include "tests/models/core/testbench.h"

using namespace nmsim;
using testing::LambdaProgram;
using testing::small_chip;
using testing::stat_total;

namespace {

ChipConfig two_node_chip() {
  ChipConfig config = small_chip();
  config.set_mesh_width(2);
  return config;
}

struct TwoCores {
  ChipConfig config = two_node_chip();
  SimContext ctx{config::clock_mhz(config)};
  chip::Chip chip{"chip", config, ctx};
  TwoCores() {
    chip.configure(mapper::map_network(config, {100, 8, 8}), arith::NeuronParams{});
    chip.barrier().set_participants(2);  // the two cores, no host program
  }
};

}  // namespace

TEST_CASE("deferred waits: a core runs ahead, the barrier releases from the latest arrival cycle",
          "[core][barrier]") {
  TwoCores t;
  REQUIRE(t.config.barrier().latency_cycles() == 4);
  Cycle kernel_after_compute, released0, released1;
  LambdaProgram ahead([&](core::NeuronCore& c) {
    c.set_deferred_waits(true);
    c.controller_compute(100, 0, 0);
    kernel_after_compute = t.ctx.clock.now();  // no wait: the kernel is still at 0
    c.barrier(Phase::kBackward);                // arrives (in kernel order) first, at cycle 100
    released0 = t.ctx.clock.now();
  });
  LambdaProgram behind([&](core::NeuronCore& c) {
    c.controller_compute(10, 0, 0);
    c.barrier(Phase::kBackward);  // arrives last in kernel order, at cycle 10
    released1 = t.ctx.clock.now();
  });
  t.chip.core(0).set_program(&ahead);
  t.chip.core(1).set_program(&behind);
  sc_core::sc_start();
  t.chip.finish();
  CHECK(kernel_after_compute == Cycle(0));
  // Release = max(arrivals 100 and 10, no delivery) + latency 4, as with a wait per call.
  CHECK(released0 == Cycle(104));
  CHECK(released1 == Cycle(104));
  CHECK(t.chip.now() == Cycle(104));
  CHECK(stat_total(t.chip.core(0), "controller_cycles") == 100);
  CHECK(stat_total(t.chip.core(0), "busy_cycles") == 100);
  CHECK(t.ctx.phase.current() == Phase::kBackward);
}

TEST_CASE("deferred waits: received values are read at the core's clock", "[core][barrier]") {
  TwoCores t;
  std::vector<core::NeuronCore::ReceivedValue> seen;
  Cycle kernel_at_read;
  LambdaProgram reader([&](core::NeuronCore& c) {
    c.set_deferred_waits(true);
    c.controller_compute(50, 0, 0);
    seen = c.received_values();  // waits until cycle 50: the value delivered at 4 is there
    kernel_at_read = t.ctx.clock.now();
    c.barrier(Phase::kBackward);
  });
  LambdaProgram sender([&](core::NeuronCore& c) {
    c.send_value_to(0, 0, 5, -7);  // injected at 0, delivered at 4
    c.barrier(Phase::kBackward);
  });
  t.chip.core(0).set_program(&reader);
  t.chip.core(1).set_program(&sender);
  sc_core::sc_start();
  t.chip.finish();
  CHECK(kernel_at_read == Cycle(50));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].index == 5);
  CHECK(seen[0].value == -7);
  CHECK(seen[0].arrived == Cycle(4));
  CHECK(t.chip.now() == Cycle(54));  // arrivals 50 and 1, last delivery 4: 50 + 4
}
