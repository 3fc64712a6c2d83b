#include "tools/compare_table.h"

namespace nmsim::tools {

namespace {

std::string network_of(const job::WorkloadDefinition& workload, const RunConfig& run, uint32_t inputs) {
  std::string layers = std::to_string(inputs);
  for (uint32_t size : run.network().hidden_sizes()) layers += "-" + std::to_string(size);
  return workload.compare_network != nullptr ? workload.compare_network(run, layers) : layers + "-10";
}

}  // namespace

double spide_only_leakage_uw(const Report& report) {
  double power = 0;
  const std::string copy_suffix = ".transposed_sram";
  for (const ComponentEnergy& c : report.components()) {
    const std::string& n = c.name();
    if (n.size() > copy_suffix.size() && n.compare(n.size() - copy_suffix.size(), copy_suffix.size(), copy_suffix) == 0) {
      for (const LeakageEntry& e : c.leakage()) power += e.power_uw();
      continue;
    }
    // A core: core logic, its state memory, then (with couples) the couple potential and
    // drive memories, two state memories' worth.
    bool core = false;
    double state_kb = -1;
    for (const LeakageEntry& e : c.leakage()) {
      if (e.kind() == "CoreLogic") core = true;
      if (!core || e.kind() != "Sram") continue;
      if (state_kb < 0) {
        state_kb = e.size_kb();
      } else if (e.size_kb() == 2 * state_kb) {
        power += e.power_uw();
      }
    }
  }
  return power;
}

CompareRow compare_row(const job::WorkloadDefinition& workload, const CompareJobOutcome& outcome, const RunConfig& run,
                       uint32_t inputs, uint32_t distinct_samples) {
  const Report& report = outcome.report();
  const Summary& s = report.summary();
  CompareRow row;
  row.set_algorithm(workload.compare_title);
  row.set_network(network_of(workload, run, inputs));
  row.set_time_steps(workload.compare_time_steps != nullptr ? workload.compare_time_steps(run)
                                                            : std::to_string(run.time_steps()));
  row.set_samples_trained(s.samples());
  row.set_epochs(distinct_samples > 0 ? static_cast<double>(s.samples()) / distinct_samples : 0);
  uint64_t tested = 0;
  for (const ClassAccuracy& c : s.per_class()) tested += c.samples();
  row.set_samples_tested(tested);
  row.set_test_accuracy(s.accuracy());
  row.set_energy_per_trained_sample_pj(s.energy_per_sample_pj());
  // Training alone where the report has it (the test pass would dilute it otherwise).
  row.set_pj_per_sop(report.has_training() && report.training().sops() > 0 ? report.training().pj_per_sop()
                                                                             : s.pj_per_sop());
  const double trained = static_cast<double>(s.samples());
  if (trained > 0) {
    double cycles = 0;
    for (const PhaseSummary& p : report.training_phases()) cycles += static_cast<double>(p.cycles()) / trained;
    row.set_cycles_per_trained_sample(cycles);
    // Test samples run forward only, so every weight write and every backward-phase event
    // of the run belongs to training.
    row.set_weight_writes_per_trained_sample(static_cast<double>(outcome.weights_written()) / trained);
    double backward_pj = 0, update_pj = 0;
    for (const PhaseSummary& p : report.phases()) {
      if (p.phase() == "backward") backward_pj += p.energy_pj();
      if (p.phase() == "update") update_pj += p.energy_pj();
    }
    const double training_pj = s.energy_per_sample_pj() * trained;
    row.set_backward_energy_share(training_pj > 0 ? backward_pj / training_pj : 0);
    row.set_update_energy_share(training_pj > 0 ? update_pj / training_pj : 0);
    // Leakage power x the training time of one sample: uW x cycles x ps = 1e-6 pJ (the
    // true period 1e6 / clock_mhz ps, not the kernel's rounded one).
    row.set_spide_memory_leakage_pj_per_trained_sample(spide_only_leakage_uw(report) * cycles *
                                                       (1e6 / s.clock_mhz()) * 1e-6);
  }
  row.set_reference_checked(outcome.reference_checked());
  row.set_reference_matches(outcome.reference_matches());
  return row;
}

table::Table compare_table(const std::vector<CompareRow>& rows, const std::string& caption) {
  using table::number;
  table::Table t;
  t.caption = caption;
  t.columns = {{"algorithm", "", false},
               {"network", "", false},
               {"T", "", false},
               {"trained", ""},
               {"epochs", ""},
               {"tested", ""},
               {"test accuracy", "%"},
               {"energy / trained sample", "uJ"},
               {"cycles / trained sample", ""},
               {"weight writes / trained sample", ""},
               {"pJ/SOP", ""},
               {"backward share", "%"},
               {"update share", "%"}};
  for (const CompareRow& r : rows) {
    t.rows.push_back({r.algorithm(), r.network(), r.time_steps(), number(r.samples_trained()), number(r.epochs(), 2),
                      number(r.samples_tested()), number(100 * r.test_accuracy(), 2),
                      number(r.energy_per_trained_sample_pj() * 1e-6, 3), number(r.cycles_per_trained_sample(), 0),
                      number(r.weight_writes_per_trained_sample(), 1), number(r.pj_per_sop(), 2),
                      number(100 * r.backward_energy_share(), 1), number(100 * r.update_energy_share(), 1)});
  }
  return t;
}

}  // namespace nmsim::tools
