// `nmsim study`: the functional reference of a training workload on a whole data set, epoch by
// epoch: the accuracy study (fast, no SystemC), as the training algorithms are tuned.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "platform/config/validate.h"
#include "tools/cli_options.h"
#include "tools/command_outputs.h"
#include "tools/commands.h"
#include "tools/count_option.h"
#include "models/base/errors.h"
#include "workloads/common/weights.h"
#include "workloads/job/chip_job.h"
#include "workloads/registry/registry.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

std::string percent(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%6.2f %%", 100 * v);
  return text;
}

// --checkpoint, --checkpoint-every, --resume; ConfigError for --checkpoint-every 0 or
// without --checkpoint.
job::CheckpointOptions checkpoint_options(const po::variables_map& vm) {
  job::CheckpointOptions options;
  if (vm.count("checkpoint")) options.path = vm["checkpoint"].as<std::string>();
  if (vm.count("resume")) options.resume_path = vm["resume"].as<std::string>();
  if (vm.count("checkpoint-every")) {
    options.every_samples = vm["checkpoint-every"].as<Count<uint64_t>>().value;
    if (options.path.empty()) throw ConfigError("--checkpoint-every: needs --checkpoint FILE");
    if (options.every_samples == 0) throw ConfigError("--checkpoint-every 0: must be at least 1 (samples)");
  }
  return options;
}

}  // namespace

int command_study(const std::vector<std::string>& args, const std::string& command_line) {
  po::options_description options(
      "nmsim study [OPTIONS]: accuracy study of a training workload's functional reference\n"
      "(no chip simulation), e.g. --set workload=WORKLOAD_DFA --set training.epochs=3");
  options.add_options()
      ("help,h", "this help")
      ("json", po::value<std::string>()->default_value("nmsim-study.json")->value_name("FILE"),
       "write the study as JSON (only when it succeeds)")
      ("save-weights", po::value<std::string>()->value_name("FILE"),
       "DFA: save the trained weights (nmsim.Weights) for `nmsim run --set weights_file=FILE` (the "
       "other studies refuse it)")
      ("checkpoint", po::value<std::string>()->value_name("FILE"),
       "write a checkpoint (binary nmsim.StudyCheckpoint, replaced atomically) at each epoch's end, or "
       "every --checkpoint-every training samples")
      ("checkpoint-every", po::value<Count<uint64_t>>()->value_name("N"),
       "with --checkpoint: every N training samples (counted over the whole study) instead; convex, "
       "which steps over batches: after the first batch that reaches or passes each multiple of N")
      ("resume", po::value<std::string>()->value_name("FILE"),
       "continue the study a checkpoint holds (same configs, data set and nmsim; it ends as the "
       "uninterrupted study would, wall times aside)");
  options.add(config_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  CommandOutputs outputs(
      {output_option(vm, "json"), output_option(vm, "save-weights"), output_option(vm, "checkpoint")});
  const job::CheckpointOptions checkpoint = checkpoint_options(vm);
  const ResolvedConfigs configs = resolve_configs(vm);
  config::validate(configs.chip);
  config::validate(configs.run, configs.chip);
  const RunConfig& run = configs.run;
  const workloads::DatasetSplit data = job::load_data(run).split;
  const job::WorkloadDefinition* workload = registry::find(run.workload());
  if (workload == nullptr || workload->study == nullptr) {
    throw ConfigError("run.workload = " + Workload_Name(run.workload()) + ": nmsim study needs a training workload (" +
                      registry::workload_names([](const job::WorkloadDefinition& d) { return d.study != nullptr; }) +
                      ")");
  }

  // One line per epoch; each algorithm adds the figures its study is judged by.
  std::cout << "epoch   train acc    test acc   hidden writes/sample   wall s" << workload->study_columns << "\n";
  const auto on_epoch = [workload](const EpochResult& e) {
    const double writes_per_sample =
        e.train_samples() ? static_cast<double>(e.hidden_weight_writes()) / e.train_samples() : 0.0;
    std::printf("%5u  %s  %s  %21.1f  %7.1f", e.epoch(), percent(e.train_accuracy()).c_str(),
                percent(e.test_accuracy()).c_str(), writes_per_sample, e.wall_seconds());
    if (workload->study_figures != nullptr) std::printf("%s", workload->study_figures(e).c_str());
    std::printf("\n");
    std::fflush(stdout);
  };
  workloads::NetworkWeights trained;
  StudyReport report =
      workload->study(run, configs.chip, data, on_epoch, vm.count("save-weights") ? &trained : nullptr, checkpoint);
  report.set_nmsim_version(NMSIM_VERSION);
  google::protobuf::TextFormat::PrintToString(run, report.mutable_run_config());
  report.add_notes("command: " + command_line);
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.add_whitespace = true;
  json_options.always_print_primitive_fields = true;
  json_options.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::util::MessageToJsonString(report, &json, json_options);
  outputs.write("json", json);
  if (vm.count("save-weights")) outputs.write("save-weights", workloads::weights_file_content(trained));
  outputs.commit();
  if (!report.epochs().empty()) {
    const EpochResult& last = report.epochs(report.epochs_size() - 1);
    std::cout << "test accuracy per class (last epoch):";
    for (int c = 0; c < last.test_per_class_size(); ++c) {
      std::printf(" %d: %.1f", c, 100 * last.test_per_class(c));
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace nmsim::tools
