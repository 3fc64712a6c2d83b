#include <iostream>

#include <boost/program_options.hpp>

#include "models/base/errors.h"
#include "platform/report/breakdown_csv.h"
#include "platform/report/report_format.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/neuron_record_options.h"
#include "tools/progress.h"
#include "tools/table/report_tables.h"
#include "tools/trace_options.h"
#include "workloads/common/weights.h"
#include "workloads/job/chip_run.h"
#include "workloads/registry/registry.h"

namespace po = boost::program_options;

namespace nmsim::tools {

int command_run(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options("nmsim run [OPTIONS]: run the workload on the chip");
  options.add_options()
      ("help,h", "this help")
      ("json", po::value<std::string>()->default_value("nmsim-report.json")->value_name("FILE"),
       "write the report as JSON (written only when the run succeeds)")
      ("no-table", "do not print the readable report")
      ("format", po::value<std::string>()->value_name("FORMAT"),
       "print the summary and per-phase tables as csv, md or latex instead of the readable report")
      ("breakdown", po::value<std::string>()->value_name("FILE.csv"),
       "write the energy breakdown (part, phase, component class, usage, kind, event) as CSV")
      ("no-check", "skip the functional reference check (chip vs reference, bit-exact)")
      ("save-weights", po::value<std::string>()->value_name("FILE"),
       "DFA: save the weights trained on the chip (nmsim.Weights) for --set network.weights_file=FILE "
       "(written only when the run succeeds)")
      ("quiet,q", "no progress display");
  options.add(config_options()).add(json_detail_option()).add(trace_options()).add(neuron_record_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  const JsonDetail detail = json_detail(vm);
  const std::optional<table::Format> format = table_format(vm);
  CommandOutputs outputs({output_option(vm, "json"), output_option(vm, "vcd"), output_option(vm, "fst"),
                          output_option(vm, "perfetto"), output_option(vm, "save-weights"),
                          output_option(vm, "breakdown"), output_option(vm, "spikes"), output_option(vm, "membrane")});
  const ResolvedConfigs configs = resolve_configs(vm);
  const job::WorkloadDefinition* workload = registry::find(configs.run.workload());
  // Only a layered network that inference can load is saved (FF's layers end in class
  // groups, not an output layer): refuse before simulating anything.
  const bool save_weights = vm.count("save-weights") > 0;
  if (save_weights && (workload == nullptr || !workload->trains_inference_network)) {
    throw ConfigError("--save-weights: run.workload = " + Workload_Name(configs.run.workload()) +
                      " trains no inference network (only " +
                      registry::workload_names([](const job::WorkloadDefinition& d) { return d.trains_inference_network; }) +
                      " does)");
  }
  if (workload == nullptr || !workload->chip_job) {
    throw ConfigError("run.workload = " + Workload_Name(configs.run.workload()) + ": not on the chip yet");
  }
  Progress progress("samples", vm.count("quiet") > 0);
  job::JobOptions job_options;
  job_options.chip = configs.chip;
  job_options.run = configs.run;
  job_options.energy = configs.energy;
  job_options.trace = resolve_trace(vm);
  job_options.neurons = resolve_neuron_record(vm);
  job_options.check_reference = vm.count("no-check") == 0;
  job_options.command_line = command_line;
  job_options.progress = [&](uint32_t done, uint32_t total) { progress.update(done, total); };
  const std::unique_ptr<job::ChipWorkload> chip_job = workload->chip_job();
  job::JobResult result = job::run_chip_job(*chip_job, job_options);
  Report report = result.report;
  for (const std::string& note : configs.notes) report.add_notes(note);
  const bool mismatch = result.reference_checked && !result.reference_matches;
  progress.finish();

  if (format) {
    std::cout << table::render_all(table::run_tables(report), *format);
  } else if (vm.count("no-table") == 0) {
    std::cout << report::to_table(report);
  }
  if (result.trace_file) outputs.add(std::move(*result.trace_file));
  for (OutputFile& file : result.neuron_files) outputs.add(std::move(file));
  outputs.write("json", report_json(report, detail));
  if (vm.count("breakdown")) outputs.write("breakdown", report::breakdown_csv(report));  // only when asked: it is built from every cell
  if (save_weights && !mismatch) outputs.write("save-weights", workloads::weights_file_content(*chip_job->trained_network()));
  outputs.commit();
  if (mismatch) {
    std::cerr << "nmsim: internal error: the chip disagrees with the functional reference: "
              << result.mismatch << "\n";
    return kExitMismatch;
  }
  return kExitOk;
}

}  // namespace nmsim::tools
