// `nmsim compare`: every training algorithm's chip job on one chip, one data set and the same
// training and test samples, as one table (tools/compare_table.h) and one JSON file.
#include <cctype>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include <boost/program_options.hpp>
#include <google/protobuf/util/message_differencer.h>

#include "models/base/errors.h"
#include "platform/config/loader.h"
#include "platform/config/override.h"
#include "platform/config/unused_fields.h"
#include "platform/config/presets.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/report/atomic_file.h"
#include "platform/report/message_json.h"
#include "proto/compare.pb.h"
#include "tools/child_job.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/compare_jobs.h"
#include "tools/compare_table.h"
#include "tools/table/report_tables.h"
#include "tools/progress.h"
#include "tools/trace_options.h"
#include "workloads/job/chip_job.h"
#include "workloads/job/chip_run.h"
#include "workloads/registry/registry.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

// The algorithms compare runs: the registry's training workloads on the chip.
bool compared(const job::WorkloadDefinition& d) { return d.chip_job && !d.compare_title.empty(); }

const job::WorkloadDefinition* algorithm(Workload workload) {
  const job::WorkloadDefinition* d = registry::find(workload);
  return d != nullptr && compared(*d) ? d : nullptr;
}

const job::WorkloadDefinition* algorithm(const std::string& name) {
  const job::WorkloadDefinition* d = registry::find(name);
  return d != nullptr && compared(*d) ? d : nullptr;
}

std::string short_name(Workload workload) {
  const job::WorkloadDefinition* d = algorithm(workload);
  return d != nullptr ? d->name : Workload_Name(workload);
}

bool is_file_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.find('.') != std::string::npos;
}

std::string upper_case(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string arg(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// One --set: for every algorithm, or for one with the "ALGORITHM:" prefix.
struct Override {
  std::string algorithm;  // empty: all
  std::string assignment;
};

std::vector<Override> overrides(const po::variables_map& vm) {
  std::vector<Override> list;
  if (!vm.count("set")) return list;
  for (const std::string& text : vm["set"].as<std::vector<std::string>>()) {
    const std::size_t colon = text.find(':'), equals = text.find('=');
    if (colon == std::string::npos || (equals != std::string::npos && equals < colon)) {
      list.push_back({"", text});
      continue;
    }
    const std::string name = text.substr(0, colon);
    if (algorithm(name) == nullptr) {
      throw ConfigError("--set " + text + ": unknown algorithm '" + name + "' before ':' (" + registry::names(compared) +
                        ")");
    }
    list.push_back({name, text.substr(colon + 1)});
  }
  return list;
}

// The chip: chip_default, the compare config's chip block, --chip (file or preset), --set.
// The chip config's own overlay is merged (not the preset over chip_default again), so the
// compare block's couples survive a preset that does not mention them.
ChipConfig resolve_chip(const po::variables_map& vm, const CompareConfig& compare) {
  ChipConfig chip = config::default_chip_config();
  config::merge_over(chip, compare.chip());
  const std::string name = arg(vm, "chip");
  if (name.empty() || name == "default") return chip;
  ChipConfig overlay;
  if (is_file_path(name)) {
    config::parse_file(name, overlay);
  } else {
    config::chip_preset(name);  // ConfigError listing the presets for an unknown name
    config::preset_message("chip_" + name, overlay);
  }
  config::merge_over(chip, overlay);
  return chip;
}

// The fields every algorithm shares: a row differing in one would not compare like for like.
void require_shared(const RunConfig& run, const RunConfig& shared) {
  const auto differs = [&](const std::string& field, const std::string& value, const std::string& shared_value) {
    throw ConfigError("compare: " + short_name(run.workload()) + "'s run sets " + field + " = " + value +
                      ", the others " + shared_value +
                      ": every algorithm runs on the same data set, seed and samples (set it for all with --set)");
  };
  if (run.dataset() != shared.dataset()) differs("run.dataset", Dataset_Name(run.dataset()), Dataset_Name(shared.dataset()));
  if (run.data_dir() != shared.data_dir()) differs("run.data_dir", run.data_dir(), shared.data_dir());
  if (run.seed() != shared.seed()) differs("run.seed", std::to_string(run.seed()), std::to_string(shared.seed()));
  if (run.samples() != shared.samples()) {
    differs("run.samples", std::to_string(run.samples()), std::to_string(shared.samples()));
  }
  if (run.training().train_samples() != shared.training().train_samples()) {
    differs("run.training.train_samples", std::to_string(run.training().train_samples()),
            std::to_string(shared.training().train_samples()));
  }
  if (run.training().shuffle() != shared.training().shuffle()) {
    differs("run.training.shuffle", run.training().shuffle() ? "true" : "false",
            shared.training().shuffle() ? "true" : "false");
  }
}

// The algorithms to run: --algorithms in its order, or every block of the compare config that
// runs on the chip. `left_out` names the blocks skipped because they do not run on the chip.
std::vector<const CompareAlgorithm*> chosen_algorithms(const po::variables_map& vm, const CompareConfig& compare,
                                                       std::vector<std::string>& left_out) {
  const auto block_of = [&](Workload w) -> const CompareAlgorithm* {
    for (const CompareAlgorithm& a : compare.algorithms()) {
      if (a.workload() == w) return &a;
    }
    return nullptr;
  };
  std::vector<const CompareAlgorithm*> chosen;
  const std::string list = arg(vm, "algorithms");
  if (!vm.count("algorithms")) {
    for (const CompareAlgorithm& a : compare.algorithms()) {
      if (algorithm(a.workload()) != nullptr) chosen.push_back(&a);
      else left_out.push_back(short_name(a.workload()));
    }
    if (chosen.empty()) throw ConfigError("compare: the compare config names no algorithm that runs on the chip");
    return chosen;
  }
  std::istringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    const job::WorkloadDefinition* named = algorithm(name);
    if (named == nullptr) {
      throw ConfigError("--algorithms " + list + ": unknown algorithm '" + name + "' (expects " +
                        registry::names(compared) + ")");
    }
    const Workload workload = named->workload;
    const CompareAlgorithm* block = block_of(workload);
    if (block == nullptr) {
      throw ConfigError("--algorithms " + list + ": the compare config has no block for " + Workload_Name(workload));
    }
    for (const CompareAlgorithm* c : chosen) {
      if (c == block) throw ConfigError("--algorithms " + list + ": " + name + " is named twice");
    }
    chosen.push_back(block);
  }
  if (chosen.empty()) throw ConfigError("--algorithms: names no algorithm (expects " + registry::names(compared) + ")");
  return chosen;
}

// What the command needs of a job's result, handed back from the job's process.
CompareJobOutcome outcome_of(const job::JobResult& result) {
  CompareJobOutcome outcome;
  *outcome.mutable_report() = result.report;
  outcome.set_reference_checked(result.reference_checked);
  outcome.set_reference_matches(result.reference_matches);
  outcome.set_mismatch(result.mismatch);
  outcome.set_weights_written(result.totals.weight_updates.total() + result.totals.readout_weight_updates.total());
  return outcome;
}

std::string text_number(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// The notes under the table: the chip and data, where each column comes from, what the
// SPIDE-only memory costs the others, and the reference checks.
std::vector<std::string> table_notes(const ChipConfig& chip, const RunConfig& shared, const std::string& dataset,
                                     const std::vector<CompareRow>& rows, const std::vector<std::string>& left_out) {
  std::vector<std::string> notes;
  notes.push_back("Chip " + chip.name() + ": " + std::to_string(chip.mesh_width()) + " x " +
                  std::to_string(chip.mesh_height()) + " mesh, " + std::to_string(chip.core().neurons()) +
                  " neurons and " + std::to_string(chip.core().max_axons()) + " axons a core, " +
                  text_number(chip.clock_mhz(), 0) + " MHz; ternary couples " +
                  (chip.core().ternary_couples() ? "on" : "off") + ", transposed read " +
                  TransposedRead_Name(chip.core().transposed_read()) + ". Data " + dataset + ", seed " +
                  std::to_string(shared.seed()) + "; every algorithm trains on the same samples (the first " +
                  "N of the seed's epoch-0 order; one pass, convex one per solver epoch) and is tested on the same " +
                  "ones (evenly strided over the test split).");
  notes.push_back(
      "Columns, all from each algorithm's chip-job report: trained = summary.samples (sample visits; convex "
      "counts every epoch's visits, its beta and objective passes included in their energy), epochs = trained / "
      "the distinct training samples; tested = summary.per_class samples; test accuracy = summary.accuracy; "
      "energy / trained sample = summary.energy_per_sample_pj (the training part of the run, dynamic + "
      "leakage); cycles / trained sample = training_phases cycles summed / trained (the run when training ended); weight "
      "writes / trained sample = stats *weight_updates (weights whose value changed: the learning engines' "
      "*.learning.weight_updates, convex's *.readout.weight_updates) / trained; pJ/SOP = training.pj_per_sop "
      "(the training part alone); backward (update) share = phases[backward] (phases[update]) energy_pj / "
      "the training energy (test samples run forward only).");
  std::string memory =
      "The couple memories and transposed copies SPIDE needs are on every core of this chip (SPIDE uses them on "
      "its hidden core only, the others not at all); their leakage per trained sample, included in the energy "
      "column:";
  for (const CompareRow& r : rows) {
    const double share = r.energy_per_trained_sample_pj() > 0
                             ? r.spide_memory_leakage_pj_per_trained_sample() / r.energy_per_trained_sample_pj()
                             : 0;
    memory += " " + r.algorithm() + " " + text_number(r.spide_memory_leakage_pj_per_trained_sample() * 1e-6, 3) +
              " uJ (" + text_number(100 * share, 1) + " %);";
  }
  memory += " a chip without them saves that much (they cost no dynamic energy when not accessed).";
  notes.push_back(memory);
  std::string checks = "Functional reference:";
  for (const CompareRow& r : rows) {
    checks += " " + r.algorithm() + " " +
              (!r.reference_checked() ? "not checked" : r.reference_matches() ? "bit-exact" : "MISMATCH") + ";";
  }
  notes.push_back(checks);
  for (const std::string& name : left_out) {
    notes.push_back(name + ": in the compare config but not on the chip in this build; left out.");
  }
  return notes;
}

}  // namespace

int command_compare(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options(
      "nmsim compare [OPTIONS]: every training algorithm's chip job on one chip and data set,\n"
      "the same training and test samples, as one table (e.g. --set training.train_samples=200\n"
      "--set samples=200)");
  options.add_options()
      ("help,h", "this help")
      ("algorithms", po::value<std::string>()->value_name("LIST"),
       "comma-separated dfa, ff, spide, convex (default: every algorithm of the compare config that runs on the chip)")
      ("compare", po::value<std::string>()->value_name("FILE"),
       "compare config (nmsim.CompareConfig) merged over platform/presets/compare_default.textproto; "
       "its algorithms list replaces the preset's")
      ("json", po::value<std::string>()->default_value("nmsim-compare.json")->value_name("FILE"),
       "write the table and every algorithm's full report as JSON (only when every job ran); each job's "
       "report is written as it ends to FILE's folder without .json plus .d (nmsim-compare.d/dfa.json)")
      ("resume", "take each job whose report in that folder came from the same nmsim, chip, run and energy configs "
                 "instead of running it again")
      ("format", po::value<std::string>()->default_value("md")->value_name("FORMAT"),
       "print the table as csv, md or latex")
      ("no-check", "skip the functional reference checks (chip vs reference, bit-exact)")
      ("allow-unused", "warn about run fields that no chosen algorithm reads instead of refusing them")
      ("quiet,q", "no progress display");
  po::options_description configs("Configuration (protobuf text format; see `nmsim describe`)");
  configs.add_options()
      ("chip", po::value<std::string>()->value_name("FILE|PRESET"),
       "chip config file or preset name, merged over the default chip and the compare config's chip block")
      ("run", po::value<std::string>()->value_name("FILE"),
       "shared run config file (data set, seed, samples), merged under each algorithm's block")
      ("energy", po::value<std::string>()->value_name("FILE|PRESET"),
       "energy table file merged over the default 28 nm table, or a preset name")
      ("dataset", po::value<std::string>()->value_name("NAME"), "mnist, mnist_full, mnist_full_validation or fashion_mnist")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("[ALGORITHM:]PATH=VALUE"),
       "override one field for every algorithm (--set samples=100), or for one (--set spide:network.hidden_sizes=64); "
       "repeatable, applied in order after the files and the compare config");
  options.add(configs).add(memory_budget_option()).add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm)) return kExitOk;
  const table::Format format = *table_format(vm);
  check_outputs({output_option(vm, "json")});

  CompareConfig compare;
  config::preset_message("compare_default", compare);
  if (vm.count("compare")) {
    CompareConfig user;
    config::parse_file(vm["compare"].as<std::string>(), user);
    config::merge_over(compare, user);
  }
  std::vector<std::string> left_out;
  const std::vector<const CompareAlgorithm*> algorithms = chosen_algorithms(vm, compare, left_out);
  // One trace per algorithm, named after --vcd/--fst: trace.vcd -> trace.dfa.vcd, trace.ff.vcd, ...
  const std::optional<trace::TraceOptions> trace = resolve_trace(vm);
  if (trace) {
    std::vector<NamedOutput> traces;
    for (const CompareAlgorithm* a : algorithms) {
      traces.push_back({trace_option_name(vm), job_trace_path(trace->path, short_name(a->workload()))});
    }
    check_outputs(traces);
  }

  ChipConfig chip = resolve_chip(vm, compare);
  const std::string energy_name = arg(vm, "energy");
  EnergyTable energy = energy_name.empty() || is_file_path(energy_name) ? config::load_energy_table(energy_name)
                                                                       : config::energy_preset(energy_name);
  RunConfig shared = config::load_run_config(arg(vm, "run"));
  if (vm.count("dataset")) {
    const std::string name = arg(vm, "dataset");
    Dataset dataset;
    if (!Dataset_Parse("DATASET_" + upper_case(name), &dataset) || dataset == DATASET_UNSPECIFIED) {
      throw ConfigError("--dataset " + name + ": expects mnist, mnist_full, mnist_full_validation or fashion_mnist");
    }
    shared.set_dataset(dataset);
  }
  const std::vector<Override> sets = overrides(vm);
  TrafficConfig unused_traffic = config::default_traffic_config();
  for (const Override& o : sets) {
    if (o.algorithm.empty()) config::apply_override(chip, shared, energy, unused_traffic, o.assignment);
  }
  config::validate(chip);
  check_memory_budget(vm, chip);
  // A field no chosen algorithm reads: in the shared run, none of them; behind "ALGORITHM:", not that one.
  const bool allow_unused = vm.count("allow-unused") > 0;
  std::vector<Workload> workloads;
  for (const CompareAlgorithm* a : algorithms) workloads.push_back(a->workload());
  config::check_unused_fields(shared, workloads, allow_unused, std::cerr);
  for (const CompareAlgorithm* a : algorithms) {
    RunConfig own = config::default_run_config();
    for (const Override& o : sets) {
      if (o.algorithm != short_name(a->workload())) continue;
      ChipConfig chip_copy = chip;
      EnergyTable energy_copy = energy;
      config::apply_override(chip_copy, own, energy_copy, unused_traffic, o.assignment);
    }
    config::check_unused_fields(own, {a->workload()}, allow_unused, std::cerr);
  }
  // Each algorithm: the shared run, its block, then the --set overrides (chip and energy
  // paths are already applied; applying them to copies here changes nothing).
  std::vector<RunConfig> runs;
  for (const CompareAlgorithm* a : algorithms) {
    RunConfig run = config::load_run_config(arg(vm, "run"));
    if (vm.count("dataset")) run.set_dataset(shared.dataset());
    config::merge_over(run, a->run());
    run.set_workload(a->workload());
    for (const Override& o : sets) {
      if (!o.algorithm.empty() && o.algorithm != short_name(a->workload())) continue;
      ChipConfig chip_copy = chip;
      EnergyTable energy_copy = energy;
      config::apply_override(chip_copy, run, energy_copy, unused_traffic, o.assignment);
      if (o.algorithm.empty()) continue;
      if (!google::protobuf::util::MessageDifferencer::Equals(chip_copy, chip) ||
          !google::protobuf::util::MessageDifferencer::Equals(energy_copy, energy)) {
        throw ConfigError("--set " + o.algorithm + ":" + o.assignment +
                          ": only run fields can differ between algorithms (one chip and energy table for all)");
      }
    }
    run.set_workload(a->workload());
    require_shared(run, shared);
    // Every algorithm's configs before any job runs: a bad value in the last one must not
    // cost the others' runs (each job checks them again, with its mapping).
    try {
      config::validate(run, chip);
    } catch (const ConfigError& e) {
      throw ConfigError(short_name(a->workload()) + ": " + e.what());
    }
    runs.push_back(run);
  }

  // The data set once, before any simulation: a missing file fails fast, and the table needs
  // the input size.
  const job::LoadedData data = job::load_data(shared);
  const uint32_t inputs = data.split.train.pixels_per_sample;
  const uint32_t distinct_samples =
      shared.training().train_samples() > 0 ? shared.training().train_samples() : data.split.train.count;

  CompareReport result;
  result.set_nmsim_version(NMSIM_VERSION);
  result.set_command_line(command_line);
  const energy::EnergyModel energy_model(energy);
  result.set_energy_table_name(energy_model.table_name());
  result.set_energy_table_hash(energy_model.table_hash());
  const CompareJobStore store(vm["json"].as<std::string>());
  std::vector<std::string> mismatches;
  for (const RunConfig& run : runs) {
    const std::string name = short_name(run.workload());
    job::JobOptions job;
    job.chip = chip;
    job.run = run;
    job.energy = energy;
    job.check_reference = vm.count("no-check") == 0;
    job.command_line = command_line;
    if (trace) {
      job.trace = trace;
      job.trace->path = job_trace_path(trace->path, name);
    }
    std::string why_not;
    std::optional<CompareJobOutcome> outcome;
    if (vm.count("resume")) {
      outcome = store.reusable(name, job, why_not);
      std::cerr << "compare: " << name << ": "
                << (outcome ? "reused " + store.path(name) : "runs (" + why_not + ")") << "\n";
    }
    if (!outcome) {
      // Each job in its own process (one SystemC simulation per process); progress is drawn there.
      outcome = run_in_child_process(name, [&] {
        Progress progress(name + " samples", vm.count("quiet") > 0);
        job.progress = [&](uint32_t done, uint32_t total) { progress.update(done, total); };
        const std::unique_ptr<job::ChipWorkload> chip_job = algorithm(run.workload())->chip_job();
        job::JobResult result = job::run_chip_job(*chip_job, job);
        if (result.trace_file) result.trace_file->commit();  // in place as the job ends, like its record
        progress.finish();
        return outcome_of(result);
      });
      store.save(name, *outcome);
    }
    const CompareRow row = compare_row(*algorithm(run.workload()), *outcome, run, inputs, distinct_samples);
    if (outcome->reference_checked() && !outcome->reference_matches()) {
      mismatches.push_back(name + ": " + outcome->mismatch());
    }
    *result.add_rows() = row;
    *result.add_reports() = outcome->report();
  }

  const std::vector<CompareRow> rows(result.rows().begin(), result.rows().end());
  const table::Table compared = compare_table(rows, table::caption(result.reports(0).provenance()));
  result.set_table(table::render(compared, table::Format::kMarkdown));
  const std::string dataset = shared.dataset() == DATASET_FASHION_MNIST ? "Fashion-MNIST" : "MNIST";
  for (const std::string& note : table_notes(chip, shared, dataset, rows, left_out)) {
    result.add_notes(note);
  }
  std::cout << table::render(compared, format) << "\n";
  for (const std::string& note : result.notes()) std::cout << note << "\n";

  report::write_file_atomically(vm["json"].as<std::string>(), report::message_to_json(result));
  if (!mismatches.empty()) {
    for (const std::string& m : mismatches) {
      std::cerr << "nmsim: internal error: the chip disagrees with the functional reference: " << m << "\n";
    }
    return kExitMismatch;
  }
  return kExitOk;
}

}  // namespace nmsim::tools
