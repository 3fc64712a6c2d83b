// The couples' arithmetic (models/arith/neuron_datapath.h, ternary_spike.h), by hand.
#include <catch2/catch.hpp>

#include <cstdint>

#include "models/arith/neuron_datapath.h"
#include "models/arith/ternary_spike.h"

namespace arith = nmsim::arith;

TEST_CASE("neuron datapath: the signed accumulate lane negates and saturates at the state width",
          "[arith]") {
  // 16-bit state: -32768..32767.
  CHECK(arith::accumulate_signed(100, 30, true, 16) == 70);
  CHECK(arith::accumulate_signed(100, -30, true, 16) == 130);
  CHECK(arith::accumulate_signed(32000, -1000, true, 16) == 32767);   // - (-1000) saturates up
  CHECK(arith::accumulate_signed(-32000, 1000, true, 16) == -32768);  // - 1000 saturates down
  CHECK(arith::accumulate_signed(0, -32768, true, 16) == 32767);      // negating the minimum
  CHECK(arith::accumulate_signed(32767, 1, false, 16) == 32767);
  // The fire step at the edges of the range: no overflow.
  int32_t v = 32767;
  CHECK(arith::couple_fire_step(v, 8192) == 1);
  CHECK(v == 32767 - 16384);
  v = -32768;
  CHECK(arith::couple_fire_step(v, 8192) == -1);
  CHECK(v == -32768 + 16384);
}

TEST_CASE("ternary spike: the sign is one bit of the AER address word", "[arith]") {
  CHECK(arith::encode_ternary_spike(5, true) == (5u | arith::kSpikeSignBit));
  CHECK(arith::spike_address(arith::encode_ternary_spike(5, true)) == 5);
  CHECK_FALSE(arith::spike_is_negative(arith::encode_ternary_spike(5, false)));
}
