#include <iostream>

#include <boost/program_options.hpp>

#include "platform/base/errors.h"
#include "platform/report/atomic_file.h"
#include "platform/report/report_format.h"
#include "tools/cli_options.h"
#include "tools/commands.h"
#include "tools/progress.h"
#include "tools/trace_options.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/ff/ff_job.h"
#include "workloads/inference/inference_job.h"

namespace po = boost::program_options;

namespace nmsim::tools {

int command_run(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options("nmsim run [OPTIONS]: run the workload on the chip");
  options.add_options()
      ("help,h", "this help")
      ("json", po::value<std::string>()->default_value("nmsim-report.json")->value_name("FILE"),
       "write the report as JSON (written only when the run succeeds)")
      ("no-table", "do not print the readable report")
      ("no-check", "skip the functional reference check (chip vs reference, bit-exact)")
      ("quiet,q", "no progress display");
  options.add(config_options()).add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  const ResolvedConfigs configs = resolve_configs(vm);
  Progress progress("samples", vm.count("quiet") > 0);
  const auto on_progress = [&](uint32_t done, uint32_t total) { progress.update(done, total); };
  Report report;
  bool mismatch = false;
  std::string difference;
  // Every job takes the same options and gives the same kind of result.
  const auto run_job = [&](auto job, auto run) {
    job.chip = configs.chip;
    job.run = configs.run;
    job.energy = configs.energy;
    job.trace = resolve_trace(vm);
    job.check_reference = vm.count("no-check") == 0;
    job.command_line = command_line;
    job.progress = on_progress;
    const auto result = run(job);
    report = result.report;
    mismatch = result.reference_checked && !result.reference_matches;
    difference = result.mismatch;
  };
  switch (configs.run.workload()) {
    case WORKLOAD_INFERENCE:
      run_job(inference::InferenceJobOptions{}, inference::run_inference_job);
      break;
    case WORKLOAD_DFA:
      run_job(dfa::DfaJobOptions{}, dfa::run_dfa_job);
      break;
    case WORKLOAD_FF:
      run_job(ff::FfJobOptions{}, ff::run_ff_job);
      break;
    default:
      throw ConfigError("run.workload = " + Workload_Name(configs.run.workload()) + ": not on the chip yet");
  }
  progress.finish();

  if (vm.count("no-table") == 0) std::cout << report::to_table(report);
  report::write_file_atomically(vm["json"].as<std::string>(), report::to_json(report));
  if (mismatch) {
    std::cerr << "nmsim: internal error: the chip disagrees with the functional reference: "
              << difference << "\n";
    return kExitMismatch;
  }
  return kExitOk;
}

}  // namespace nmsim::tools
