// What one counted event costs, described by kind and size, not in pJ: the energy model
// turns it into pJ from the energy table at report time, so models never hold energies.
#pragma once

#include <cstdint>

namespace nmsim {

enum class EnergyKind : uint8_t {
  kNone,             // counted, costs nothing by itself (e.g. a cycle count)
  kSramRead,         // one word: size_kb, width_bits
  kSramWrite,        // one word: size_kb, width_bits
  kStateRead,        // neuron state memory word: size_kb, width_bits
  kStateWrite,       // neuron state memory word: size_kb, width_bits
  kAdd,              // one add/accumulate/compare of width_bits
  kMultiply,         // one multiply of width_bits
  kFlitHop,          // one flit over one router + link: width_bits
  kLocalDelivery,    // one flit delivered into a core
  kBarrier,          // one core's part of one barrier
  kHostByte,         // one byte over the host link
  kIdleCycle,        // one cycle of an idle core: its clock tree, unless clock-gated
  kActiveCycle,      // one working cycle of a core: clock tree and control logic
  kSramWakeup,       // one wake-up of a power-gated SRAM part: size_kb
  kCoreWakeup,       // one wake-up of a power-gated core's logic
};

struct EnergyEvent {
  EnergyKind kind = EnergyKind::kNone;
  double size_kb = 0;
  uint32_t width_bits = 0;
};

enum class LeakageKind : uint8_t { kSram, kCoreLogic, kRouter };

struct LeakageSource {
  LeakageKind kind;
  double size_kb = 0;  // for kSram
};

}  // namespace nmsim
