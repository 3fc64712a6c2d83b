#include "workloads/spide/spide_job.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "models/base/errors.h"
#include "platform/chip/chip.h"
#include "workloads/job/weights_io.h"
#include "platform/config/validate.h"
#include "platform/energy/energy_model.h"
#include "platform/mapper/mapper.h"
#include "workloads/common/metrics.h"
#include "workloads/common/study_setup.h"

namespace nmsim::spide {

namespace {

using job::seconds_since;
using job::stat_sum;
using job::WallClock;

// The hidden core's rows: W (its own spikes, axons 0..N-1), then F (the inputs).
workloads::NetworkWeights chip_layout(const SpideMatrices& m) {
  workloads::NetworkWeights w;
  w.layers.resize(2);
  w.layers[0].inputs = m.recurrent.inputs + m.input.inputs;
  w.layers[0].outputs = m.recurrent.outputs;
  w.layers[0].w = m.recurrent.w;
  w.layers[0].w.insert(w.layers[0].w.end(), m.input.w.begin(), m.input.w.end());
  w.layers[1] = m.readout;
  return w;
}

SpideMatrices from_chip_layout(const workloads::NetworkWeights& w, const SpideOptions& o) {
  SpideMatrices m;
  const auto split = w.layers[0].w.begin() + std::ptrdiff_t{o.hidden} * o.hidden;
  m.recurrent = {o.hidden, o.hidden, std::vector<int32_t>(w.layers[0].w.begin(), split)};
  m.input = {o.inputs, o.hidden, std::vector<int32_t>(split, w.layers[0].w.end())};
  m.readout = w.layers[1];
  return m;
}

void check_chip(const SpideOptions& o, const ChipConfig& chip, const RunConfig& run) {
  if (run.training().batch_size() != 1)
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the SPIDE firmware trains online (1)");
  if (!run.network().weights_file().empty())
    throw ConfigError("run.network.weights_file: the SPIDE chip job draws F, W and O from run.seed (no weight file yet)");
  if (!chip.core().ternary_couples())
    throw ConfigError("chip.core.ternary_couples = false: SPIDE's backward stage runs on the ternary couples");
  if (chip.core().transposed_read() != TRANSPOSED_COPY && chip.core().transposed_read() != COLUMN_READ)
    throw ConfigError("chip.core.transposed_read: SPIDE needs TRANSPOSED_COPY or COLUMN_READ");
  if (o.hidden > chip.core().neurons())
    throw ConfigError("run.network.hidden_sizes[0] = " + std::to_string(o.hidden) +
                      ": the SPIDE firmware keeps the recurrent layer on one core of chip.core.neurons = " +
                      std::to_string(chip.core().neurons()));
  if (o.hidden + o.inputs > chip.core().max_axons())
    throw ConfigError("run.network.hidden_sizes[0] = " + std::to_string(o.hidden) + ": the hidden core needs " +
                      std::to_string(o.hidden + o.inputs) + " axons (its own neurons and the inputs), chip.core.max_axons = " +
                      std::to_string(chip.core().max_axons()));
}

std::string compare(const SpideJobResult& r, const std::vector<uint32_t>& predictions,
                    const std::vector<uint32_t>& test_predictions, const std::vector<SampleCounts>& counts,
                    const SpideMatrices& weights, uint64_t forward_sops, uint32_t hidden) {
  for (std::size_t s = 0; s < predictions.size(); ++s)
    if (r.predictions[s] != predictions[s]) return "training sample " + std::to_string(s) + ": predictions differ";
  for (std::size_t s = 0; s < test_predictions.size(); ++s)
    if (r.test_predictions[s] != test_predictions[s]) return "test sample " + std::to_string(s) + ": predictions differ";
  uint64_t senders = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    const SpideChipRecord& rec = r.records[s];
    if (rec.backward_spikes != counts[s].backward_spikes || rec.active != counts[s].active_neurons ||
        rec.backward_senders * rec.active != counts[s].sops_backward)
      return "training sample " + std::to_string(s) + ": backward spikes, couples or their SOPs differ";
    senders += rec.backward_senders;
  }
  if (r.chip_weights.input.w != weights.input.w) return "F differs after training";
  if (r.chip_weights.recurrent.w != weights.recurrent.w) return "W differs after training";
  if (r.chip_weights.readout.w != weights.readout.w) return "O differs after training";
  const Report& rep = r.report;
  if (stat_sum(rep, ".sops", static_cast<int>(Phase::kForward)) != forward_sops) return "forward SOPs differ";
  // The chip's transposed read accumulates a sender into all N couples (the reference counts
  // the running ones): N per masked ternary spike of steps < T_b - 1.
  if (stat_sum(rep, ".sops", static_cast<int>(Phase::kBackward)) != double(hidden) * senders)
    return "backward SOPs differ";
  return "";
}

}  // namespace

SpideJobResult run_spide_job(const SpideJobOptions& options) {
  const ChipConfig& chip_config = options.chip;
  const RunConfig& run = options.run;
  const energy::EnergyModel energy = job::validated_energy_model(options);
  const SpideOptions o = options_from_config(run, chip_config);
  check_chip(o, chip_config, run);

  const job::LoadedData loaded = job::load_data(run);
  const workloads::Dataset& train = loaded.split.train;
  const workloads::Dataset& test = loaded.split.test;
  if (train.pixels_per_sample != o.inputs)
    throw DataError("spide: the data set has " + std::to_string(train.pixels_per_sample) + " pixels, expected " +
                    std::to_string(o.inputs));
  const SpideMatrices initial = random_matrices(o);

  SpideSchedule schedule;
  schedule.options = o;
  const std::vector<uint32_t> order = job::training_samples(run, train);
  for (uint32_t d : order) {
    schedule.pixels.push_back(train.sample(d));
    schedule.labels.push_back(train.labels[d]);
    schedule.encoder_indices.push_back(d);  // epoch 0: the sample's index (as the study)
  }
  const std::vector<uint32_t> tests = job::test_indices(run, test);
  for (uint32_t d : tests) {
    schedule.test_pixels.push_back(test.sample(d));
    schedule.test_labels.push_back(test.labels[d]);
    schedule.test_encoder_indices.push_back(workloads::kTestSampleIndexBase + d);
  }
  const auto total = static_cast<uint32_t>(order.size() + tests.size());

  SimContext ctx(config::clock_period_ps(chip_config));
  const std::unique_ptr<trace::Tracer> tracer = job::make_tracer(options.trace, ctx);
  chip::Chip chip("chip", chip_config, ctx);
  const mapper::Mapping mapping = mapper::map_network(chip_config, {o.hidden + o.inputs, o.hidden, o.classes});
  core::NeuronParams neuron;
  neuron.threshold = o.threshold;
  neuron.state_width_bits = o.state_width_bits;
  configure_chip(chip, mapping, neuron, schedule);
  const workloads::NetworkWeights start = chip_layout(initial);
  job::preload_weights(chip, start, o.weight_width_bits);
  if (chip_config.core().transposed_read() == TRANSPOSED_COPY) chip.core(schedule.hidden_core).load_transposed_copy();

  SpideCoreProgram hidden_program(schedule), output_program(schedule);
  chip.core(schedule.hidden_core).set_program(&hidden_program);
  chip.core(schedule.output_core).set_program(&output_program);
  Report training_report;
  uint32_t done = 0;
  SpideHostProgram host(
      schedule, chip,
      [&] {
        if (options.progress) options.progress(++done, total);
      },
      [&] { training_report = job::chip_report(chip, energy, ctx); });
  chip.host().set_program(&host);

  SpideJobResult result;
  result.chip_wall_seconds = job::simulate(chip);
  result.labels = schedule.labels;
  result.predictions = host.predictions();
  result.test_labels = schedule.test_labels;
  result.test_predictions = host.test_predictions();
  result.records = hidden_program.records();
  result.chip_weights = from_chip_layout(job::read_back_weights(chip, start, o.weight_width_bits), o);

  Report& report = result.report;
  report = job::chip_report(chip, energy, ctx);
  report.set_kind("spide");
  workloads::AccuracyMeter train_meter, test_meter;
  for (std::size_t s = 0; s < result.labels.size(); ++s) train_meter.add(result.labels[s], result.predictions[s]);
  for (std::size_t s = 0; s < result.test_labels.size(); ++s)
    test_meter.add(result.test_labels[s], result.test_predictions[s]);
  job::fill_training_summary(report, training_report, "SPIDE", train_meter, test_meter);
  job::fill_provenance(report, chip_config, run, options.energy, train, loaded.dir, options.command_line);
  job::fill_speed(report, result.chip_wall_seconds);
  report.add_notes("Weights are preloaded into the synapse SRAMs before the run; that load is not counted.");
  {
    uint64_t active = 0, backward_spikes = 0, forward_spikes = 0;
    for (const auto& r : result.records) {
      active += r.active;
      backward_spikes += r.backward_spikes;
      for (uint32_t a : r.hidden_counts) forward_spikes += a;
    }
    const double n = double(std::max<std::size_t>(result.records.size(), 1));
    char note[320];
    std::snprintf(note, sizeof note,
                  "SPIDE per trained sample: %.1f hidden spikes (%.2f %% of %u neurons x %u steps), %.1f running "
                  "couples, %.1f backward ternary spikes (%.2f %% of %u couples x %u steps).",
                  double(forward_spikes) / n, 100.0 * double(forward_spikes) / (n * o.hidden * o.forward_steps),
                  o.hidden, o.forward_steps, double(active) / n, double(backward_spikes) / n,
                  100.0 * double(backward_spikes) / (n * o.hidden * o.backward_steps), o.hidden, o.backward_steps);
    report.add_notes(note);
  }
  if (options.check_reference) {
    SpideReference reference(o, initial);
    std::vector<uint32_t> predictions, test_predictions;
    std::vector<SampleCounts> counts;
    uint64_t forward_sops = 0;
    const auto reference_wall = WallClock::now();
    for (std::size_t s = 0; s < order.size(); ++s) {
      predictions.push_back(reference.train(schedule.pixels[s], schedule.labels[s], schedule.encoder_indices[s]));
      const SampleCounts& c = reference.last_counts();
      counts.push_back(c);
      result.reference_counts += c;
      forward_sops += c.sops_input + c.sops_recurrent + c.sops_readout;
    }
    for (std::size_t s = 0; s < tests.size(); ++s) {
      test_predictions.push_back(reference.predict(schedule.test_pixels[s], schedule.test_encoder_indices[s]));
      const SampleCounts& c = reference.last_counts();
      forward_sops += c.sops_input + c.sops_recurrent + c.sops_readout;
    }
    result.reference_wall_seconds = seconds_since(reference_wall);
    report.mutable_speed()->set_reference_wall_seconds(result.reference_wall_seconds);
    result.reference_checked = true;
    result.mismatch = compare(result, predictions, test_predictions, counts, reference.weights(), forward_sops, o.hidden);
    result.reference_matches = result.mismatch.empty();
    report.add_notes(result.reference_matches
                         ? "Functional reference: bit-exact match (predictions, F, W, O, backward spikes, SOPs)."
                         : "Functional reference MISMATCH: " + result.mismatch);
  }
  if (tracer) tracer->finish(chip.now());
  return result;
}

}  // namespace nmsim::spide
