#include <iostream>

#include <boost/program_options.hpp>

#include "models/base/errors.h"
#include "platform/report/atomic_file.h"
#include "platform/report/report_format.h"
#include "tools/cli_options.h"
#include "tools/commands.h"
#include "tools/progress.h"
#include "tools/trace_options.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/ff/ff_job.h"
#include "workloads/inference/inference_job.h"
#include "workloads/spide/spide_job.h"
#include "workloads/convex/convex_job.h"

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
      ("save-weights", po::value<std::string>()->value_name("FILE"),
       "DFA: save the weights trained on the chip (nmsim.Weights) for --set network.weights_file=FILE "
       "(written only when the run succeeds)")
      ("quiet,q", "no progress display");
  options.add(config_options()).add(trace_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  const ResolvedConfigs configs = resolve_configs(vm);
  // Only DFA trains a layered network that inference can load (FF's layers end in class
  // groups, not an output layer): refuse before simulating anything.
  const bool save_weights = vm.count("save-weights") > 0;
  if (save_weights && configs.run.workload() != WORKLOAD_DFA) {
    throw ConfigError("--save-weights: run.workload = " + Workload_Name(configs.run.workload()) +
                      " trains no inference network (only WORKLOAD_DFA does)");
  }
  workloads::NetworkWeights trained;
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
    return result;
  };
  switch (configs.run.workload()) {
    case WORKLOAD_INFERENCE:
      run_job(inference::InferenceJobOptions{}, inference::run_inference_job);
      break;
    case WORKLOAD_DFA:
      trained = run_job(dfa::DfaJobOptions{}, dfa::run_dfa_job).chip_weights;
      break;
    case WORKLOAD_FF:
      run_job(ff::FfJobOptions{}, ff::run_ff_job);
      break;
    case WORKLOAD_SPIDE:
      run_job(spide::SpideJobOptions{}, spide::run_spide_job);
      break;
    case WORKLOAD_CONVEX:
      run_job(convex::ConvexJobOptions{}, convex::run_convex_job);
      break;
    default:
      throw ConfigError("run.workload = " + Workload_Name(configs.run.workload()) + ": not on the chip yet");
  }
  progress.finish();

  if (vm.count("no-table") == 0) std::cout << report::to_table(report);
  report::write_file_atomically(vm["json"].as<std::string>(), report::to_json(report));
  if (save_weights && !mismatch) workloads::save_weights(vm["save-weights"].as<std::string>(), trained);
  if (mismatch) {
    std::cerr << "nmsim: internal error: the chip disagrees with the functional reference: "
              << difference << "\n";
    return kExitMismatch;
  }
  return kExitOk;
}

}  // namespace nmsim::tools
