// The event controller's options on chips other than ODIN, and the stimulus parser's errors.
// Expected cycles follow the timeline of models/core/README.md "AER events" (S sync, H ack,
// P pop cycles, c cycles per state word; cycles are edges after the request at R):
//   accepted A = max(R + S, controller free) + 1; queued: ack = A + 1, processing from
//   max(ack + H, controller free) + P + 1; direct: processing from A + 1, ack = last write;
//   idle = max(processing end, ack + H); a busy sender raises its next request at ack + H.
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

ReplaySummary replay_text(const ChipConfig& chip, const std::string& text) {
  config::validate(chip);
  const Stimulus stimulus = replay::parse_stimulus(text, "test stimulus", chip);
  SimContext ctx(config::clock_mhz(chip));
  return replay::run_replay(chip, stimulus, ctx).summary;
}

std::vector<uint64_t> outs(const AerEventRecord& r) { return {r.out().begin(), r.out().end()}; }

}  // namespace

TEST_CASE("replay, default chip: no options set, a separate fire pass follows the sweep", "[replay]") {
  // 32 mapped neurons, 16 lanes, 2 state ports: 2 words of 1 cycle; S = H = 0, no scheduler.
  const ChipConfig chip = config::chip_preset("default");
  const ReplaySummary s = replay_text(chip,
                                 "neurons: 32  axons: 4\n"
                                 "neuron { threshold: 100 }\n"
                                 "synapses { pre: 2  first_neuron: 20  count: 1  weight: 100 }\n"
                                 "events { at: 0  kind: AER_NEURON_SPIKE  pre: 1 }\n"
                                 "events { at: 10  kind: AER_NEURON_SPIKE  pre: 2 }\n");
  REQUIRE(s.records_size() == 2);
  // Row 1 is all zero: accepted 1, words at 2 and 3, ack 3 (last write), idle 3.
  CHECK(s.records(0).accepted() == 1);
  CHECK(s.records(0).acknowledged() == 3);
  CHECK(s.records(0).idle() == 3);
  CHECK(s.records(0).out_size() == 0);
  // Row 2 brings neuron 20 (word 1) to the threshold: sweep 12, 13, then the fire pass 14, 15;
  // neuron 20 fires in word 1's write cycle of the fire pass (15), without a stall.
  const AerEventRecord& r = s.records(1);
  CHECK(r.accepted() == 11);
  CHECK(outs(r) == std::vector<uint64_t>{15});
  CHECK(r.out_neuron(0) == 20);
  CHECK(r.acknowledged() == 15);
  CHECK(r.idle() == 15);
}

TEST_CASE("replay, odin_like with a scheduler that accepts during sweeps, depth 1", "[replay]") {
  ChipConfig chip = config::chip_preset("odin_like");
  chip.mutable_core()->set_event_queue_accepts_during_sweep(true);
  chip.mutable_core()->set_event_queue_depth(1);
  std::string text = "neuron { threshold: 7 }\n";
  for (int i = 0; i < 3; ++i) text += "events { at: 0  kind: AER_NEURON_SPIKE  pre: 1 }\n";
  const ReplaySummary s = replay_text(chip, text);
  REQUIRE(s.records_size() == 3);
  // Event 0 as ODIN's: ack 4, handshake ends 7, processing 9..520.
  CHECK(s.records(0).acknowledged() == 4);
  CHECK(s.records(0).idle() == 520);
  // Event 1 raised at 7, seen at 9: event 0 has left the scheduler (popped at 8), so it is
  // pushed during the sweep: accepted 10, ack 11; processing from 520 + 1 + 1 = 522 to 1033.
  CHECK(s.records(1).request() == 7);
  CHECK(s.records(1).accepted() == 10);
  CHECK(s.records(1).acknowledged() == 11);
  CHECK(s.records(1).idle() == 1033);
  // Event 2 raised at 14, seen at 16: the one entry holds event 1 until its pop at 521, so it
  // is accepted at 522, ack 523, processed from 1033 + 1 + 1 = 1035 to 1546.
  CHECK(s.records(2).request() == 14);
  CHECK(s.records(2).accepted() == 522);
  CHECK(s.records(2).acknowledged() == 523);
  CHECK(s.records(2).idle() == 1546);
}

TEST_CASE("replay, a scheduler accepting during sweeps needs entries", "[replay]") {
  ChipConfig chip = config::chip_preset("odin_like");
  chip.mutable_core()->set_event_queue_accepts_during_sweep(true);
  chip.mutable_core()->set_event_queue_depth(0);
  REQUIRE_THROWS_WITH(config::validate(chip), Catch::Contains("chip.core.event_queue_accepts_during_sweep = true") &&
                                                  Catch::Contains("event_queue_depth"));
  chip.mutable_core()->set_event_queue_depth(1);
  chip.mutable_core()->set_aer_input_sync_cycles(65);
  REQUIRE_THROWS_WITH(config::validate(chip), Catch::Contains("chip.core.aer_input_sync_cycles = 65") &&
                                                  Catch::Contains("0..64"));
}

TEST_CASE("stimulus parser: each bad line names the file, line, field and value", "[replay]") {
  const ChipConfig chip = config::chip_preset("odin_like");
  const std::string head = "neuron { threshold: 7 }\n";
  const auto error_of = [&](const std::string& events) {
    try {
      replay::parse_stimulus(head + events, "s.textproto", chip);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("events { at: 0  kind: AER_VIRTUAL  neuron: 300  weight: 1 }\n") ==
        "s.textproto:2: events[0].neuron = 300: must be < neurons = 256");
  CHECK(error_of("events { at: 0  kind: AER_TIME_REF_ALL }\n"
                 "events { at: 5  kind: AER_NEURON_SPIKE\n  pre: 1\n  weight: 3 }\n") ==
        "s.textproto:5: events[1].weight = 3: AER_NEURON_SPIKE does not read it");
  CHECK(error_of("events { at: 0  kind: AER_SINGLE_SYNAPSE  pre: 1 }\n") ==
        "s.textproto:2: events[0].neuron = (unset): AER_SINGLE_SYNAPSE needs it");
  CHECK(error_of("events { at: 9  kind: AER_TIME_REF_ALL }\nevents { at: 3  kind: AER_TIME_REF_ALL }\n") ==
        "s.textproto:3: events[1].at = 3: must be >= the event before's (9)");
  CHECK(error_of("events { at: 0  pre: 1 }\n") ==
        "s.textproto:2: events[0].kind = (unset): must be one of AER_NEURON_SPIKE, AER_SINGLE_SYNAPSE, "
        "AER_VIRTUAL, AER_VIRTUAL_LEAK, AER_TIME_REF_NEURON, AER_TIME_REF_ALL");
  CHECK(error_of("synapses { pre: 1  count: 1  weight: 8 }\nevents { kind: AER_TIME_REF_ALL }\n") ==
        "s.textproto:2: synapses[0].weight = 8: must fit chip.core.weight_width_bits = 4 (-8..7)");
  CHECK(error_of("events { at: 0  kind: AER_VIRTUAL  neuron: 1  weight: 200 }\n") ==
        "s.textproto:2: events[0].weight = 200: must fit chip.core.state_width_bits = 8");
  CHECK(error_of("") == "s.textproto: events: a stimulus needs at least one event");
  CHECK(error_of("events { at: 0  kind: AER_BOGUS }\n").rfind("s.textproto:2:", 0) == 0);
  CHECK_THROWS_AS(replay::load_stimulus("/nonexistent/stimulus.textproto", chip), DataError);
}
