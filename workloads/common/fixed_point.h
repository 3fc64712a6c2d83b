// Fixed-point helpers for learning rules: the rounding shift is the learning datapath's
// (models/arith/rounding.h), so references and chip round identically.
#pragma once

#include "models/arith/rounding.h"

namespace nmsim::workloads {

using arith::round_shift;

}  // namespace nmsim::workloads
