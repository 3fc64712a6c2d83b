// The virtual-channel router against BookSim2 (models/noc/README.md, "BookSim2 ground truth": commit 28f4329, 8 x 8 mesh, DOR,
// uniform random single-flit packets, Bernoulli injection, 1,000 cycles of warm-up). The two
// routers are tools/sweep/examples/chip_booksim_vc8x8.textproto and chip_booksim_vc1x4.textproto,
// BookSim2's own parameters mapped as models/noc/README.md shows; the traffic is
// traffic_booksim.textproto. Each row of the ground truth is one test: average packet latency
// within 5 %, accepted throughput within 10 %; a saturated row must not drain.
//
// Run lengths: below saturation the latency's standard deviation is about 4 cycles per hop x
// 2.5 hops = 10 cycles, so 4,000 measured cycles (64 x 0.01 x 4,000 = 2,560 packets at the
// lightest load) give a standard error under 0.2 cycles, < 1 % of 27. At saturation about 22
// flits are accepted per cycle (0.35 x 64), Poisson-like: 2,000 cycles give a relative
// standard error near 1/sqrt(44,000) = 0.5 %, far inside 10 %.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "workloads/traffic/traffic.h"

using namespace nmsim;

namespace {

std::string example(const std::string& file) {
  return std::string(NMSIM_SOURCE_DIR) + "/tools/sweep/examples/" + file;
}

struct Row {
  const char* chip;
  double offered;
  double latency;   // BookSim2's average packet latency (0: saturated)
  double accepted;  // BookSim2's accepted flits/node/cycle
};

TrafficSummary run(const Row& row, uint64_t measure_cycles) {
  const ChipConfig chip = config::load_chip_config(example(row.chip));
  TrafficConfig traffic = config::load_traffic_config(example("traffic_booksim.textproto"));
  traffic.set_injection_rate(row.offered);
  traffic.set_measure_cycles(measure_cycles);
  config::validate(chip);
  config::validate(traffic, chip);
  SimContext ctx(config::clock_mhz(chip));
  return traffic::run_traffic(chip, traffic, ctx)->summary();
}

void check_row(const Row& row) {
  const bool saturated = row.latency == 0;
  const TrafficSummary s = run(row, saturated ? 2000 : 4000);
  INFO(row.chip << " at " << row.offered << ": latency " << s.average_latency_cycles() << " (BookSim2 "
                << row.latency << "), accepted " << s.accepted_flits_per_node_cycle() << " (BookSim2 "
                << row.accepted << ")");
  CHECK(std::abs(s.accepted_flits_per_node_cycle() - row.accepted) <= 0.10 * row.accepted);
  if (saturated) {
    CHECK_FALSE(s.drained());
  } else {
    CHECK(s.drained());
    CHECK(std::abs(s.average_latency_cycles() - row.latency) <= 0.05 * row.latency);
  }
}

constexpr const char* kVc8 = "chip_booksim_vc8x8.textproto";
constexpr const char* kVc1 = "chip_booksim_vc1x4.textproto";

}  // namespace

TEST_CASE("BookSim2 8 VCs x 8 flits at 0.01: latency 27.08, accepted 0.010", "[traffic][booksim]") {
  check_row({kVc8, 0.01, 27.08, 0.010});
}

TEST_CASE("BookSim2 8 VCs x 8 flits at 0.2: latency 27.71, accepted 0.200", "[traffic][booksim]") {
  check_row({kVc8, 0.2, 27.71, 0.200});
}

TEST_CASE("BookSim2 8 VCs x 8 flits at 0.3: latency 29.32, accepted 0.300", "[traffic][booksim]") {
  check_row({kVc8, 0.3, 29.32, 0.300});
}

TEST_CASE("BookSim2 8 VCs x 8 flits at 0.4: saturated, accepted 0.354", "[traffic][booksim]") {
  check_row({kVc8, 0.4, 0, 0.354});
}

TEST_CASE("BookSim2 1 VC x 4 flits at 0.01: latency 27.16, accepted 0.010", "[traffic][booksim]") {
  check_row({kVc1, 0.01, 27.16, 0.010});
}

TEST_CASE("BookSim2 1 VC x 4 flits at 0.1: latency 28.85, accepted 0.100", "[traffic][booksim]") {
  check_row({kVc1, 0.1, 28.85, 0.100});
}

TEST_CASE("BookSim2 1 VC x 4 flits at 0.2: saturated, accepted 0.161", "[traffic][booksim]") {
  check_row({kVc1, 0.2, 0, 0.161});
}
