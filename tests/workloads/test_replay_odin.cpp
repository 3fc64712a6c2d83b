// ODIN-exact timing: every ODIN figure of the ground truth measured on its RTL (Frenkel et al.,
// IEEE TBioCAS 13(1), 2019; commit 1781931 under Verilator; models/core/README.md "AER
// events") replayed on the odin_like preset through the stimulus interface (nmsim replay's
// parser and runner). The setup is the RTL testbench's: neurons LIF with threshold 7; synapse
// rows pre 1 (all 256 posts, w = 0), pre 2 (post 0, w = 7), pre 3 (posts 0..15, w = 7). t0 is
// the cycle the request is raised (0 here); a cycle is a clock edge after it.
//
// Each expected number is the RTL's, from its table; where the table gives a range or a count
// only, the cycles in between come from its explanation: neuron n of a 256-neuron sweep is
// read at ctrl_cnt 2n and written (and fires) at 2n + 1; the first sweep write is at edge 10
// (out@10 for post 0), so neuron n fires at 10 + 2n plus the earlier outputs' stalls of
// 6 + d cycles each: out@ = 10 + 2n + (6 + d) x (outputs before it).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "workloads/replay/replay.h"
#include "workloads/replay/stimulus.h"

using namespace nmsim;

namespace {

const char* const kSetup =
    "neurons: 256\n"
    "axons: 256\n"
    "neuron { threshold: 7  leak_mode: LEAK_SUBTRACT  leak_amount: 1  reset_mode: RESET_ZERO }\n"
    "synapses { pre: 1  first_neuron: 0  count: 256  weight: 0 }\n"
    "synapses { pre: 2  first_neuron: 0  count: 1  weight: 7 }\n"
    "synapses { pre: 3  first_neuron: 0  count: 16  weight: 7 }\n";

ReplaySummary replay_on_odin(const std::string& events) {
  const ChipConfig chip = config::chip_preset("odin_like");
  config::validate(chip);
  const Stimulus stimulus = replay::parse_stimulus(kSetup + events, "test stimulus", chip);
  SimContext ctx(config::clock_mhz(chip));
  return replay::run_replay(chip, stimulus, ctx).summary;
}

// One event raised at t0 = 0: its acknowledge, idle and output cycles relative to t0.
struct Row {
  std::string event;
  uint64_t ack;
  uint64_t idle;
  std::vector<uint64_t> out;
};

void check_row(const Row& row) {
  const ReplaySummary s = replay_on_odin("events { at: 0  " + row.event + " }\n");
  REQUIRE(s.records_size() == 1);
  const AerEventRecord& r = s.records(0);
  INFO(row.event);
  CHECK(r.request() == 0);
  CHECK(r.acknowledged() == row.ack);
  CHECK(r.idle() == row.idle);
  CHECK(std::vector<uint64_t>(r.out().begin(), r.out().end()) == row.out);
  CHECK(s.output_spikes() == row.out.size());
}

// out@ of posts 0..count-1 all firing, with stall cycles per output (the explanation above).
std::vector<uint64_t> sweep_outputs(uint64_t count, uint64_t stall) {
  std::vector<uint64_t> out;
  for (uint64_t n = 0; n < count; ++n) out.push_back(10 + 2 * n + stall * n);
  return out;
}

// `count` copies of `event`, all raised as soon as the sender may (back to back).
std::string back_to_back(const std::string& event, int count) {
  std::string events;
  for (int i = 0; i < count; ++i) events += "events { at: 0  " + event + " }\n";
  return events;
}

}  // namespace

TEST_CASE("ODIN: neuron spike event, no post fires: ACK 4, idle 520", "[replay][odin]") {
  check_row({"kind: AER_NEURON_SPIKE  pre: 1", 4, 520, {}});
}

TEST_CASE("ODIN: neuron spike event, 1 post fires: ACK 4, idle 526, out@10", "[replay][odin]") {
  check_row({"kind: AER_NEURON_SPIKE  pre: 2", 4, 526, {10}});
}

TEST_CASE("ODIN: neuron spike event, 16 posts fire: ACK 4, idle 616, out@10..130", "[replay][odin]") {
  const std::vector<uint64_t> out = sweep_outputs(16, 6);
  CHECK(out.back() == 130);  // the table's last out@
  check_row({"kind: AER_NEURON_SPIKE  pre: 3", 4, 616, out});
}

TEST_CASE("ODIN: 16 posts fire, receiver delay d = 4: ACK 4, idle 680, 16 outputs", "[replay][odin]") {
  const ChipConfig chip = config::chip_preset("odin_like");
  config::validate(chip);
  const Stimulus stimulus = replay::parse_stimulus(
      std::string(kSetup) + "receiver_delay_cycles: 4\nevents { at: 0  kind: AER_NEURON_SPIKE  pre: 3 }\n",
      "test stimulus", chip);
  SimContext ctx(config::clock_mhz(chip));
  const ReplaySummary s = replay::run_replay(chip, stimulus, ctx).summary;
  REQUIRE(s.records_size() == 1);
  const AerEventRecord& r = s.records(0);
  CHECK(r.acknowledged() == 4);
  CHECK(r.idle() == 680);
  CHECK(std::vector<uint64_t>(r.out().begin(), r.out().end()) == sweep_outputs(16, 6 + 4));
}

TEST_CASE("ODIN: single-synapse event, no spike: ACK 5, idle 8", "[replay][odin]") {
  check_row({"kind: AER_SINGLE_SYNAPSE  pre: 1  neuron: 0", 5, 8, {}});
}

TEST_CASE("ODIN: single-synapse event, the post fires: ACK 5, idle 11, out@5", "[replay][odin]") {
  check_row({"kind: AER_SINGLE_SYNAPSE  pre: 2  neuron: 0", 5, 11, {5}});
}

TEST_CASE("ODIN: virtual event (one neuron, weight 3): ACK 4, idle 10", "[replay][odin]") {
  check_row({"kind: AER_VIRTUAL  neuron: 0  weight: 3", 4, 10, {}});
}

TEST_CASE("ODIN: virtual leak event: ACK 4, idle 10", "[replay][odin]") {
  check_row({"kind: AER_VIRTUAL_LEAK  neuron: 0", 4, 10, {}});
}

TEST_CASE("ODIN: single-neuron time reference: ACK 5, idle 8", "[replay][odin]") {
  check_row({"kind: AER_TIME_REF_NEURON  neuron: 0", 5, 8, {}});
}

TEST_CASE("ODIN: all-neurons time reference: ACK 515, idle 518", "[replay][odin]") {
  check_row({"kind: AER_TIME_REF_ALL", 515, 518, {}});
}

TEST_CASE("ODIN: neuron spike events back to back, x2: 1038 total", "[replay][odin]") {
  const ReplaySummary s = replay_on_odin(back_to_back("kind: AER_NEURON_SPIKE  pre: 1", 2));
  CHECK(s.last_idle() == 1038);
  CHECK(s.output_spikes() == 0);
}

TEST_CASE("ODIN: neuron spike events back to back, x8: 4146 total", "[replay][odin]") {
  const ReplaySummary s = replay_on_odin(back_to_back("kind: AER_NEURON_SPIKE  pre: 1", 8));
  CHECK(s.last_idle() == 4146);
  // The RTL's explanation: 520 for the first, then 518 each (PUSH 1 + the request's drop 3 +
  // WAIT 2 + POP_NEUR 512; the next request's synchroniser runs during the sweep).
  for (int i = 1; i < s.records_size(); ++i) CHECK(s.records(i).idle() - s.records(i - 1).idle() == 518);
}

TEST_CASE("ODIN: single-synapse events back to back, x16: 128 total", "[replay][odin]") {
  const ReplaySummary s = replay_on_odin(back_to_back("kind: AER_SINGLE_SYNAPSE  pre: 1  neuron: 0", 16));
  CHECK(s.last_idle() == 128);
}
