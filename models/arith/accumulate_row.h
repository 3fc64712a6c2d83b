// A weight row added into n potentials with saturation at the state width: the functional
// references' integrate pass, unmasked. For widths up to 30 bits the sum of a potential and a
// 16-bit weight fits an int32, so the clamp runs in int32 and vectorises; wider states take the
// lane's int64 saturation. Both give the bits of `accumulate` lane by lane.
#pragma once

#include <cstdint>

#include "models/arith/neuron_datapath.h"

namespace nmsim::arith {

inline void accumulate_row(int32_t* u, const int32_t* row, uint32_t n, uint32_t state_width_bits) {
  if (state_width_bits > 30) {
    for (uint32_t j = 0; j < n; ++j) u[j] = accumulate(u[j], row[j], state_width_bits);
    return;
  }
  const int32_t hi = (int32_t{1} << (state_width_bits - 1)) - 1;
  const int32_t lo = -hi - 1;
  for (uint32_t j = 0; j < n; ++j) {
    int32_t v = u[j] + row[j];
    v = v < lo ? lo : v;
    u[j] = v > hi ? hi : v;
  }
}

}  // namespace nmsim::arith
