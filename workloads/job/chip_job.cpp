#include "workloads/job/chip_job.h"

#include <cstdio>

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/report/report_builder.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"

namespace nmsim::job {

energy::EnergyModel validated_energy_model(const JobOptions& options) {
  config::validate(options.chip);
  config::validate(options.run, options.chip);
  return energy::EnergyModel(options.energy);
}

namespace {

std::string text_of(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

}  // namespace

LoadedData load_data(const RunConfig& run) {
  LoadedData data;
  data.dir = run.data_dir().empty() ? workloads::default_data_dir(run.dataset(), NMSIM_SOURCE_DIR)
                                    : run.data_dir();
  data.split = workloads::load_dataset(run.dataset(), data.dir);
  return data;
}

void fill_provenance(Report& report, const ChipConfig& chip, const RunConfig& run, const EnergyTable& energy,
                     const workloads::Dataset& dataset, const std::string& data_dir,
                     const std::string& command_line) {
  const energy::EnergyModel model(energy);
  Provenance& p = *report.mutable_provenance();
  p.set_nmsim_version(NMSIM_VERSION);
  p.set_command_line(command_line);
  p.set_chip_config(text_of(chip));
  p.set_run_config(text_of(run));
  p.set_energy_table_name(model.table_name());
  p.set_energy_table_hash(model.table_hash());
  for (const auto& entry : config::energy_defaults_used(energy)) p.add_energy_defaults_used(entry);
  p.set_seed(run.seed());
  p.set_dataset(dataset.name + " (" + data_dir + ")");
  p.set_dataset_hash(dataset.content_hash);
  p.set_weights_source(run.network().weights_file().empty() ? "random from seed" : run.network().weights_file());
}

workloads::NetworkWeights initial_weights(const RunConfig& run, const std::vector<uint32_t>& sizes,
                                          uint32_t weight_width_bits) {
  // Both paths are already checked against the weight width: the drawn range by
  // config::validate(run, chip), a loaded file by load_weights.
  return run.network().weights_file().empty()
             ? workloads::random_weights(sizes, run.network().init_weight_range(), run.seed())
             : workloads::load_weights(run.network().weights_file(), sizes, weight_width_bits);
}

std::vector<uint32_t> training_samples(const RunConfig& run, const workloads::Dataset& train) {
  const uint32_t samples = run.training().train_samples() == 0 ? train.count : run.training().train_samples();
  if (samples > train.count) {
    throw ConfigError("run.training.train_samples = " + std::to_string(samples) +
                      ": the training split has only " + std::to_string(train.count));
  }
  std::vector<uint32_t> order;
  workloads::training_order(order, train.count, run.seed(), 0, run.training().shuffle());
  order.resize(samples);
  return order;
}

std::vector<uint32_t> test_indices(const RunConfig& run, const workloads::Dataset& test) {
  return workloads::evenly_strided(run.samples(), test.count);
}

std::unique_ptr<trace::Tracer> make_tracer(const std::optional<trace::TraceOptions>& options, SimContext& ctx) {
  if (!options) return nullptr;
  trace::TraceOptions trace_options = *options;
  trace_options.period_ps = ctx.clock.period_ps();
  auto tracer = std::make_unique<trace::Tracer>(trace_options);
  ctx.tracer = tracer.get();
  return tracer;
}

void fill_accuracy(Summary& summary, const workloads::AccuracyMeter& meter) {
  summary.set_accuracy(meter.accuracy());
  const std::vector<double> per_class = meter.per_class();
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    ClassAccuracy* ca = summary.add_per_class();
    ca->set_label(static_cast<uint32_t>(c));
    ca->set_samples(static_cast<uint32_t>(meter.class_total()[c]));
    ca->set_correct(static_cast<uint32_t>(meter.class_correct()[c]));
    ca->set_accuracy(per_class[c]);
  }
}

void fill_training_summary(Report& report, const Report& training_report, const std::string& algorithm,
                           const workloads::AccuracyMeter& train, const workloads::AccuracyMeter& test,
                           const std::string& schedule) {
  *report.mutable_training() = training_report.summary();
  *report.mutable_training_phases() = training_report.phases();
  Summary& summary = *report.mutable_summary();
  const uint64_t trained = train.total();
  summary.set_samples(trained);
  summary.set_energy_per_sample_pj(trained > 0 ? training_report.summary().energy_pj() / trained : 0);
  fill_accuracy(summary, test.total() > 0 ? test : train);
  char line[320];
  std::snprintf(line, sizeof line,
                "%s trained on %llu samples (%s): training accuracy %.2f %% "
                "(each sample predicted before its update); then %llu test samples (forward only): "
                "accuracy %.2f %%. Energy per trained sample %.3f uJ (training only; the total includes "
                "the test pass).",
                algorithm.c_str(), static_cast<unsigned long long>(trained), schedule.c_str(), 100 * train.accuracy(),
                static_cast<unsigned long long>(test.total()), 100 * test.accuracy(),
                summary.energy_per_sample_pj() * 1e-6);
  report.add_notes(line);
  if (trained == 0) return;
  std::string per_phase = "Per trained sample by phase (training part of the run):";
  for (const PhaseSummary& p : training_report.phases()) {
    std::snprintf(line, sizeof line, " %s %.0f cycles, %.3f uJ;", p.phase().c_str(),
                  static_cast<double>(p.cycles()) / trained, p.energy_pj() / trained * 1e-6);
    per_phase += line;
  }
  report.add_notes(per_phase);
}

double seconds_since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

double simulate(chip::Chip& chip) {
  const auto start = WallClock::now();
  sc_core::sc_start();
  const double seconds = seconds_since(start);
  chip.finish();
  return seconds;
}

Report chip_report(const chip::Chip& chip, const energy::EnergyModel& energy, const SimContext& ctx) {
  return report::build_report({&chip}, energy, chip.phase_cycles(), ctx.clock.period_ps());
}

double stat_sum(const Report& report, const std::string& suffix, int phase) {
  double sum = 0;
  for (const auto& s : report.stats()) {
    const std::string& n = s.name();
    if (n.size() < suffix.size() || n.compare(n.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    sum += phase < 0 ? s.value() : s.by_phase(phase);
  }
  return sum;
}

void fill_speed(Report& report, double chip_wall_seconds) {
  Speed& speed = *report.mutable_speed();
  speed.set_wall_seconds(chip_wall_seconds);
  if (chip_wall_seconds > 0) {
    speed.set_simulated_cycles_per_second(report.summary().cycles() / chip_wall_seconds);
    speed.set_sops_per_second(report.summary().sops() / chip_wall_seconds);
  }
}

}  // namespace nmsim::job
