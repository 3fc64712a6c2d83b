// The options of the sparse-DFA learning rule (reference.h is the specification) from the
// run config's dfa block.
#pragma once

#include <cstdint>

#include "proto/chip.pb.h"
#include "proto/dfa.pb.h"

namespace nmsim::dfa {

enum class Feedback : uint8_t { kSparse, kDense };
enum class Assignment : uint8_t { kRoundRobin, kRandom };
enum class Gate : uint8_t { kRateBoxcar, kPotentialBoxcar, kNone };
enum class ErrorKind : uint8_t { kSoftmax, kInteger };
enum class Logits : uint8_t { kCounts, kPotential };

struct DfaParams {
  Feedback feedback = Feedback::kSparse;
  Assignment assignment = Assignment::kRoundRobin;
  Gate gate = Gate::kRateBoxcar;
  int64_t gate_potential_min = 0;
  int64_t gate_potential_max = 32767;
  ErrorKind error = ErrorKind::kSoftmax;
  Logits softmax_logits = Logits::kCounts;
  int32_t softmax_tau_shift = 0;
  int32_t softmax_potential_shift = 6;
  int32_t hidden_lr_shift = 6;
  int32_t output_lr_shift = 5;
  uint32_t lr_decay_epochs = 0;
  bool stochastic_rounding = false;  // models/arith/stochastic_rounding.h
  uint32_t weight_width_bits = 16;
};

// From the run's dfa block and the chip's weight width. ConfigError (naming the field) for
// an unset or UNSPECIFIED field, a shift out of range or gate_potential_max < min.
DfaParams dfa_params(const DfaConfig& config, const ChipConfig& chip);

}  // namespace nmsim::dfa
