// What the energy anchor and prediction tests share: the Loihi-like inference run they
// measure, and what they read from a report (a stat's count and energy, in total or in one
// phase; the dynamic energy of components in one phase; energy per hop). Figures are
// measured from these, never from the table.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "models/base/phase.h"
#include "proto/report.pb.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"

namespace nmsim::testing {

inline bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct StatValue {
  double count = 0;
  double energy_pj = 0;
};

// The report's stat by exact name (count and energy); a missing stat is a test failure.
inline StatValue stat(const Report& r, const std::string& name) {
  for (const auto& s : r.stats()) {
    if (s.name() == name) return {s.value(), s.energy_pj()};
  }
  FAIL("no stat " << name);
  return {};
}

// The same, summed over the stats whose name ends with `suffix`, counting `phase` only (the
// energy of a phase's share: count x the stat's energy per event).
inline StatValue stats_in_phase(const Report& r, const std::string& suffix, Phase phase) {
  StatValue total;
  const int p = static_cast<int>(phase);
  for (const auto& s : r.stats()) {
    if (!ends_with(s.name(), suffix) || s.value() == 0) continue;
    total.count += s.by_phase(p);
    total.energy_pj += s.by_phase(p) * (s.energy_pj() / s.value());
  }
  return total;
}

// Dynamic energy in `phase` of the components `which` selects (by name).
inline double dynamic_in_phase(const Report& r, Phase phase, const std::function<bool(const std::string&)>& which) {
  double total = 0;
  for (const auto& c : r.components()) {
    if (which(c.name())) total += c.dynamic_by_phase_pj(static_cast<int>(phase));
  }
  return total;
}

// Energy per hop: the routers' `hops` stats (flits over a router-to-router link).
inline double pj_per_hop(const Report& r) {
  double energy = 0, hops = 0;
  for (const auto& s : r.stats()) {
    if (!ends_with(s.name(), ".hops")) continue;
    energy += s.energy_pj();
    hops += s.value();
  }
  REQUIRE(hops > 0);
  REQUIRE(hops == static_cast<double>(r.summary().noc_hops()));
  return energy / hops;
}

// Inference of [784 -> 512 -> 10] on a Loihi-like chip (`options` name it and its table):
// the hidden layer on the 4 cores of node 0, the output layer on node 1, so every hidden spike
// crosses one link. 8-bit weights in [-100, 100], threshold 1000. The chip agrees with the
// reference.
inline Report loihi_inference_report(job::JobOptions options) {
  options.run.mutable_network()->set_init_weight_range(100);
  options.run.mutable_network()->mutable_neuron()->set_threshold(1000);
  inference::InferenceJob workload;
  const auto result = job::run_chip_job(workload, options);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  return result.report;
}

// Relative error of a measured figure against the published one.
inline double relative_error(double measured, double published) { return (measured - published) / published; }

}  // namespace nmsim::testing
