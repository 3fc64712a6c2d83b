// Fixed-point helpers for learning rules: the rounding shift is the learning datapath's
// (models/core/rounding.h), so references and chip round identically.
#pragma once

#include "models/core/rounding.h"

namespace nmsim::workloads {

using core::round_shift;

}  // namespace nmsim::workloads
