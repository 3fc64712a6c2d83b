// `nmsim study`: the functional reference of a training workload on a whole data set, epoch by
// epoch: the accuracy study (fast, no SystemC), as the training algorithms are tuned.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "platform/config/validate.h"
#include "platform/report/atomic_file.h"
#include "tools/cli_options.h"
#include "tools/commands.h"
#include "models/base/errors.h"
#include "workloads/common/dataset.h"
#include "workloads/common/weights.h"
#include "workloads/dfa/study.h"
#include "workloads/ff/study.h"
#include "workloads/spide/study.h"
#include "workloads/convex/study.h"

namespace po = boost::program_options;

namespace nmsim::tools {

namespace {

std::string percent(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%6.2f %%", 100 * v);
  return text;
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
       "DFA: save the trained weights (nmsim.Weights) for `nmsim run --set weights_file=FILE`");
  options.add(config_options());
  po::variables_map vm;
  if (parse_or_help(args, options, vm, true)) return kExitOk;
  const ResolvedConfigs configs = resolve_configs(vm);
  config::validate(configs.chip);
  config::validate(configs.run, configs.chip);
  const RunConfig& run = configs.run;
  const std::string dir = run.data_dir().empty()
                              ? workloads::default_data_dir(run.dataset(), NMSIM_SOURCE_DIR)
                              : run.data_dir();
  const workloads::DatasetSplit data = workloads::load_dataset(run.dataset(), dir);

  // One line per epoch; each algorithm adds the figures its study is judged by.
  const Workload workload = run.workload();
  std::cout << "epoch   train acc    test acc   hidden writes/sample   wall s";
  if (workload == WORKLOAD_SPIDE) std::cout << "   fwd spikes/sample   bwd spikes/sample";
  if (workload == WORKLOAD_CONVEX) std::cout << "      objective   rel change   kept units";
  std::cout << "\n";
  const auto on_epoch = [workload](const EpochResult& e) {
    const auto per_sample = [&e](uint64_t total) {
      return e.train_samples() ? static_cast<double>(total) / e.train_samples() : 0.0;
    };
    std::printf("%5u  %s  %s  %21.1f  %7.1f", e.epoch(), percent(e.train_accuracy()).c_str(),
                percent(e.test_accuracy()).c_str(), per_sample(e.hidden_weight_writes()), e.wall_seconds());
    if (workload == WORKLOAD_SPIDE) {
      std::printf("  %18.1f  %18.1f", per_sample(e.forward_spikes()), per_sample(e.backward_spikes()));
    }
    if (workload == WORKLOAD_CONVEX) {
      std::printf("  %13.1f  %11.2e  %11u%s", e.objective(), e.objective_relative_change(), e.kept_units(),
                  e.refit() ? "  (refit)" : "");
    }
    std::printf("\n");
    std::fflush(stdout);
  };
  StudyReport report;
  workloads::NetworkWeights trained;
  switch (run.workload()) {
    case WORKLOAD_DFA:
      report = dfa::run_study(run, configs.chip, data, on_epoch, &trained);
      break;
    case WORKLOAD_FF:
      if (vm.count("save-weights")) {
        throw ConfigError("--save-weights: FF's class-group network is not an inference network");
      }
      report = ff::run_study(run, configs.chip, data, on_epoch);
      break;
    case WORKLOAD_SPIDE:
      report = spide::run_study(run, configs.chip, data, on_epoch);
      break;
    case WORKLOAD_CONVEX:
      report = convex::run_study(run, configs.chip, data, on_epoch);
      break;
    default:
      throw ConfigError("run.workload = " + Workload_Name(run.workload()) +
                        ": nmsim study needs a training workload (WORKLOAD_DFA, WORKLOAD_FF, WORKLOAD_SPIDE, WORKLOAD_CONVEX)");
  }
  report.set_nmsim_version(NMSIM_VERSION);
  google::protobuf::TextFormat::PrintToString(run, report.mutable_run_config());
  report.add_notes("command: " + command_line);
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.add_whitespace = true;
  json_options.always_print_primitive_fields = true;
  json_options.preserve_proto_field_names = true;
  std::string json;
  google::protobuf::util::MessageToJsonString(report, &json, json_options);
  report::write_file_atomically(vm["json"].as<std::string>(), json);
  if (vm.count("save-weights")) workloads::save_weights(vm["save-weights"].as<std::string>(), trained);
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
