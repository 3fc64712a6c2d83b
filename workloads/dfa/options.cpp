#include "workloads/dfa/options.h"

#include <string>

#include "models/base/errors.h"

namespace nmsim::dfa {
namespace {

int32_t checked_shift(bool has, int32_t v, int32_t lo, int32_t hi, const char* field) {
  if (!has) throw ConfigError(std::string("dfa.") + field + ": not set (and no default)");
  if (v < lo || v > hi)
    throw ConfigError(std::string("dfa.") + field + " = " + std::to_string(v) + ": must be " +
                      std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace

DfaParams dfa_params(const DfaConfig& c, const ChipConfig& chip) {
  DfaParams p;
  if (!c.has_feedback() || c.feedback() == DFA_FEEDBACK_UNSPECIFIED)
    throw ConfigError("dfa.feedback: must be DFA_FEEDBACK_SPARSE or DFA_FEEDBACK_DENSE");
  p.feedback = c.feedback() == DFA_FEEDBACK_DENSE ? Feedback::kDense : Feedback::kSparse;
  if (!c.has_assignment() || c.assignment() == DFA_ASSIGNMENT_UNSPECIFIED)
    throw ConfigError("dfa.assignment: must be DFA_ASSIGNMENT_ROUND_ROBIN or DFA_ASSIGNMENT_RANDOM");
  p.assignment = c.assignment() == DFA_ASSIGNMENT_RANDOM ? Assignment::kRandom
                                                          : Assignment::kRoundRobin;
  if (!c.has_gate() || c.gate() == DFA_GATE_UNSPECIFIED)
    throw ConfigError("dfa.gate: must be DFA_GATE_RATE_BOXCAR, DFA_GATE_POTENTIAL_BOXCAR or DFA_GATE_NONE");
  p.gate = c.gate() == DFA_GATE_POTENTIAL_BOXCAR ? Gate::kPotentialBoxcar
           : c.gate() == DFA_GATE_NONE           ? Gate::kNone
                                                 : Gate::kRateBoxcar;
  if (!c.has_gate_potential_min() || !c.has_gate_potential_max())
    throw ConfigError("dfa.gate_potential_min/max: not set (and no default)");
  p.gate_potential_min = c.gate_potential_min();
  p.gate_potential_max = c.gate_potential_max();
  if (p.gate_potential_max < p.gate_potential_min)
    throw ConfigError("dfa.gate_potential_max = " + std::to_string(p.gate_potential_max) +
                      ": must be >= dfa.gate_potential_min = " +
                      std::to_string(p.gate_potential_min));
  if (!c.has_error() || c.error() == DFA_ERROR_UNSPECIFIED)
    throw ConfigError("dfa.error: must be DFA_ERROR_SOFTMAX or DFA_ERROR_INTEGER");
  p.error = c.error() == DFA_ERROR_INTEGER ? ErrorKind::kInteger : ErrorKind::kSoftmax;
  p.softmax_tau_shift = checked_shift(c.has_softmax_tau_shift(), c.softmax_tau_shift(), -8, 8,
                                      "softmax_tau_shift");
  if (!c.has_softmax_logits() || c.softmax_logits() == DFA_LOGITS_UNSPECIFIED)
    throw ConfigError("dfa.softmax_logits: must be DFA_LOGITS_COUNTS or DFA_LOGITS_POTENTIAL");
  p.softmax_logits = c.softmax_logits() == DFA_LOGITS_POTENTIAL ? Logits::kPotential : Logits::kCounts;
  p.softmax_potential_shift = checked_shift(c.has_softmax_potential_shift(),
                                            c.softmax_potential_shift(), 0, 30,
                                            "softmax_potential_shift");
  p.hidden_lr_shift = checked_shift(c.has_hidden_lr_shift(), c.hidden_lr_shift(), -16, 32,
                                    "hidden_lr_shift");
  p.output_lr_shift = checked_shift(c.has_output_lr_shift(), c.output_lr_shift(), -16, 32,
                                    "output_lr_shift");
  if (!c.has_lr_decay_epochs()) throw ConfigError("dfa.lr_decay_epochs: not set (and no default)");
  p.lr_decay_epochs = c.lr_decay_epochs();
  if (!c.has_rounding() || c.rounding() == DFA_ROUNDING_UNSPECIFIED)
    throw ConfigError("dfa.rounding: must be DFA_ROUNDING_NEAREST or DFA_ROUNDING_STOCHASTIC");
  p.stochastic_rounding = c.rounding() == DFA_ROUNDING_STOCHASTIC;
  p.weight_width_bits = chip.core().weight_width_bits();
  return p;
}

}  // namespace nmsim::dfa
