#include "workloads/job/chip_run.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include <google/protobuf/text_format.h>

#include "models/base/errors.h"
#include "models/base/simulation_run.h"
#include "platform/chip/chip.h"
#include "platform/config/loader.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "platform/report/report_builder.h"
#include "workloads/job/chip_job.h"
#include "workloads/job/weights_io.h"

namespace nmsim::job {

namespace {

using WallClock = std::chrono::steady_clock;

double seconds_since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

std::string text_of(const google::protobuf::Message& message) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

// The chip's report as it stands: counts and energy of every phase so far, its breakdown
// labelled `part`.
Report chip_report(const chip::Chip& chip, const energy::EnergyModel& energy, const SimContext& ctx,
                   const ChipConfig& config, const std::string& part) {
  return report::build_report({&chip}, energy, chip.phase_cycles(), ctx.clock, part, config.power_gating());
}

// Accuracy and per-class accuracy into the summary.
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

// A test-only run's summary: the samples and the energy and accuracy per sample.
void fill_test_summary(Report& report, const workloads::AccuracyMeter& test) {
  Summary& summary = *report.mutable_summary();
  const uint64_t samples = test.total();
  summary.set_samples(samples);
  summary.set_energy_per_sample_pj(samples > 0 ? summary.energy_pj() / samples : 0);
  fill_accuracy(summary, test);
}

// A training run's summary: the training part's own summary and phases (report.training,
// report.training_phases, from training_report), samples trained, energy per trained sample
// (the energy of the run up to the end of training), accuracy and per-class accuracy of the
// test samples (of the training samples when none were tested), and a note with both
// accuracies that begins with `title`, and one with the cycles and energy of each phase per
// trained sample. `schedule` says what the trained samples were (a parenthesis in the note).
void fill_training_summary(Report& report, const Report& training_report, const std::string& title,
                           const Accuracy& accuracy, const std::string& schedule) {
  const workloads::AccuracyMeter& train = accuracy.train;
  const workloads::AccuracyMeter& test = accuracy.test;
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
                title.c_str(), static_cast<unsigned long long>(trained), schedule.c_str(), 100 * train.accuracy(),
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

// Provenance: version, command line, resolved configs, energy table name, hash, the
// entries left at defaults and the table's split, seed, data set and its hash, the weights' source.
void fill_provenance(Report& report, const JobOptions& options, const workloads::Dataset& dataset,
                     const std::string& data_dir) {
  const RunConfig& run = options.run;
  const energy::EnergyModel model(options.energy);
  Provenance& p = *report.mutable_provenance();
  p.set_nmsim_version(NMSIM_VERSION);
  p.set_command_line(options.command_line);
  p.set_chip_config(text_of(options.chip));
  p.set_run_config(text_of(run));
  p.set_energy_table_name(model.table_name());
  p.set_energy_table_hash(model.table_hash());
  for (const auto& entry : config::energy_defaults_used(options.energy)) p.add_energy_defaults_used(entry);
  *p.mutable_energy_fitted_on() = options.energy.fitted_on();
  *p.mutable_energy_predicts() = options.energy.predicts();
  p.set_seed(run.seed());
  p.set_dataset(dataset.name + " (" + data_dir + ")");
  p.set_dataset_hash(dataset.content_hash);
  p.set_weights_source(run.network().weights_file().empty() ? "random from seed" : run.network().weights_file());
}

// Wall time and simulated cycles and SOPs per wall second.
void fill_speed(Report& report, double chip_wall_seconds) {
  Speed& speed = *report.mutable_speed();
  speed.set_wall_seconds(chip_wall_seconds);
  if (chip_wall_seconds > 0) {
    speed.set_simulated_cycles_per_second(report.summary().cycles() / chip_wall_seconds);
    speed.set_sops_per_second(report.summary().sops() / chip_wall_seconds);
  }
}

// A workload whose programs cannot run a split layer yet: the first layer that needs one and why.
ConfigError fan_in_split_refused(const std::string& kind, const mapper::Mapping& mapping, const ChipConfig& chip) {
  std::string why;
  for (const auto& layer : mapping.layers) {
    const mapper::CoreSlot& slot = layer.front();
    if (slot.fan_in_groups == 1) continue;
    const uint32_t fan_in = layer.back().first_axon + layer.back().fan_in;
    why = "layer " + std::to_string(slot.layer) + " has fan-in " + std::to_string(fan_in) +
          ", more than a core takes (chip.core.max_axons = " + std::to_string(chip.core().max_axons()) +
          ", or the rows chip.core.synapse_sram.size_bytes holds), so the mapper splits it into " +
          std::to_string(slot.fan_in_groups) + " fan-in groups";
    break;
  }
  return ConfigError("workload " + kind + " cannot run a layer whose fan-in is split over cores yet: " + why +
                     "; use cores with more axons (inference runs split layers)");
}

}  // namespace

JobResult run_chip_job(ChipWorkload& workload, const JobOptions& options) {
  // Validate, options, data, network, map, schedule: every user error surfaces before elaboration.
  config::validate(options.chip);
  config::validate(options.run, options.chip);
  const energy::EnergyModel energy(options.energy);
  workload.read_options(options.chip, options.run);
  const LoadedData data = load_data(options.run);
  const Network network = workload.network(data.split);
  const mapper::Mapping mapping = mapper::map_network(options.chip, network.layer_sizes, network.fan_ins);
  if (options.neurons) {
    trace::check_neuron_selection(options.neurons->membrane_spec, options.neurons->membrane_neurons,
                                  network.layer_sizes);
  }
  config::validate(options.run, options.chip, mapping);  // what needs the mapped network (the convex readout)
  if (mapping.splits_fan_in() && !workload.splits_fan_in()) {
    throw fan_in_split_refused(workload.kind(), mapping, options.chip);
  }
  workload.schedule(data.split, mapping);

  // Elaborate, configure, preload, programs.
  SimContext ctx(config::clock_mhz(options.chip));
  const std::unique_ptr<trace::Tracer> tracer = trace::attach_tracer(options.trace, ctx);
  const std::unique_ptr<trace::NeuronRecorder> recorder = trace::attach_neuron_recorder(options.neurons, ctx);
  chip::Chip chip("chip", options.chip, ctx);
  workload.configure(chip, mapping, network);
  if (!network.weights.layers.empty()) preload_weights(chip, network.weights, network.weight_width_bits);
  Report training_report;  // as it stands when training ends: energy per trained sample comes from it
  ProgramHooks hooks;
  hooks.progress = [&options](uint32_t done, uint32_t total) {
    if (options.progress) options.progress(done, total);
  };
  hooks.training_ended = [&] { training_report = chip_report(chip, energy, ctx, options.chip, "training"); };
  workload.load_programs(chip, mapping, hooks);
  if (tracer) tracer->check_patterns();  // every signal is registered: a pattern that matches none fails now

  // Simulate to the end, then close the chip's statistics.
  const auto start = WallClock::now();
  run_simulation();
  const double chip_wall_seconds = seconds_since(start);
  chip.finish();
  workload.read_back(chip);

  // Report, provenance.
  JobResult result;
  result.totals = chip_totals(chip);
  Report& report = result.report;
  report = chip_report(chip, energy, ctx, options.chip, "test");
  report.set_kind(workload.kind());
  const Accuracy accuracy = workload.accuracy();
  if (workload.trains()) {
    fill_training_summary(report, training_report, workload.title(), accuracy, workload.training_schedule());
    report::split_training_part(report, training_report);
  } else {
    fill_test_summary(report, accuracy.test);
  }
  fill_provenance(report, options, workload.trains() ? data.split.train : data.split.test, data.dir);
  fill_speed(report, chip_wall_seconds);
  workload.add_notes(report);

  // Reference check.
  if (options.check_reference) {
    const auto reference_start = WallClock::now();
    result.mismatch = workload.check_reference(result.totals);
    report.mutable_speed()->set_reference_wall_seconds(seconds_since(reference_start));
    result.reference_checked = true;
    result.reference_matches = result.mismatch.empty();
    report.add_notes(result.reference_matches
                         ? "Functional reference: bit-exact match (" + workload.reference_covers() + ")."
                         : "Functional reference MISMATCH: " + result.mismatch);
    workload.add_reference_notes(report);
  }
  if (tracer) result.trace_file.emplace(tracer->finish(chip.now()));
  if (recorder) result.neuron_files = recorder->finish();
  return result;
}

}  // namespace nmsim::job
