#include "workloads/spide/spide_job.h"

#include <algorithm>
#include <cstdio>

#include "models/base/errors.h"
#include "workloads/common/study_setup.h"
#include "workloads/job/chip_job.h"
#include "workloads/job/weights_io.h"
#include "workloads/spide/study.h"

namespace nmsim::spide {

namespace {

// The recurrent cores' rows: W (its own spikes, axons 0..N-1), then F (the pixels, or layer
// H's neurons); with a feedforward layer V comes first (layer H's rows: the pixels).
workloads::NetworkWeights chip_layout(const SpideMatrices& m) {
  workloads::NetworkWeights w;
  if (!m.feedforward.w.empty()) w.layers.push_back(m.feedforward);
  workloads::LayerWeightsData recurrent;
  recurrent.inputs = m.recurrent.inputs + m.input.inputs;
  recurrent.outputs = m.recurrent.outputs;
  recurrent.w = m.recurrent.w;
  recurrent.w.insert(recurrent.w.end(), m.input.w.begin(), m.input.w.end());
  w.layers.push_back(std::move(recurrent));
  w.layers.push_back(m.readout);
  return w;
}

SpideMatrices from_chip_layout(const workloads::NetworkWeights& w, const SpideOptions& o) {
  SpideMatrices m;
  const std::size_t r = o.feedforward > 0 ? 1 : 0;  // the recurrent layer's index
  if (r > 0) m.feedforward = w.layers[0];
  const auto split = w.layers[r].w.begin() + std::ptrdiff_t{o.hidden} * o.hidden;
  m.recurrent = {o.hidden, o.hidden, std::vector<int32_t>(w.layers[r].w.begin(), split)};
  m.input = {o.recurrent_inputs(), o.hidden, std::vector<int32_t>(split, w.layers[r].w.end())};
  m.readout = w.layers[r + 1];
  return m;
}

void check_chip(const ChipConfig& chip, const RunConfig& run) {
  if (run.training().batch_size() != 1)
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the SPIDE firmware trains online (1)");
  if (!run.network().weights_file().empty())
    throw ConfigError("run.network.weights_file: the SPIDE chip job draws F, W and O from run.seed (no weight file yet)");
  if (!chip.core().ternary_couples())
    throw ConfigError("chip.core.ternary_couples = false: SPIDE's backward stage runs on the ternary couples");
  if (chip.core().transposed_read() != TRANSPOSED_COPY && chip.core().transposed_read() != COLUMN_READ)
    throw ConfigError("chip.core.transposed_read: SPIDE needs TRANSPOSED_COPY or COLUMN_READ");
}

std::string network_text(const RunConfig& /*run*/, const std::string& layers) {
  return layers + "-10 (hidden layer recurrent)";
}

std::string time_steps_text(const RunConfig& run) {
  return std::to_string(run.spide().forward_steps()) + " + " + std::to_string(run.spide().backward_steps());
}

StudyReport study(const RunConfig& run, const ChipConfig& chip, const workloads::DatasetSplit& data,
                  const job::EpochCallback& on_epoch, workloads::NetworkWeights* trained,
                  const job::CheckpointOptions& checkpoint) {
  if (trained != nullptr)
    throw ConfigError("--save-weights: SPIDE's recurrent network (F, W, O) is not an inference network");
  return run_study(run, chip, data, on_epoch, nullptr, checkpoint);
}

std::string study_figures(const EpochResult& e) {
  const auto per_sample = [&e](uint64_t total) {
    return e.train_samples() ? static_cast<double>(total) / e.train_samples() : 0.0;
  };
  char text[64];
  std::snprintf(text, sizeof text, "  %18.1f  %18.1f", per_sample(e.forward_spikes()), per_sample(e.backward_spikes()));
  return text;
}

}  // namespace

void SpideJob::read_options(const ChipConfig& chip, const RunConfig& run) {
  m_run = run;
  m_options = options_from_config(run, chip);
  check_chip(chip, run);
  m_transposed_copy = chip.core().transposed_read() == TRANSPOSED_COPY;
}

job::Network SpideJob::network(const workloads::DatasetSplit& data) {
  const SpideOptions& o = m_options;
  if (data.train.pixels_per_sample != o.inputs)
    throw DataError("spide: the data set has " + std::to_string(data.train.pixels_per_sample) + " pixels, expected " +
                    std::to_string(o.inputs));
  m_initial = random_matrices(o);
  if (o.feedforward > 0) {  // layer H, then the recurrent layer fed by its own N lines and layer H's
    m_network.layer_sizes = {o.inputs, o.feedforward, o.hidden, o.classes};
    m_network.fan_ins = {o.inputs, o.hidden + o.feedforward, o.hidden};
  } else {
    m_network.layer_sizes = {o.hidden + o.inputs, o.hidden, o.classes};
  }
  m_network.weights = chip_layout(m_initial);
  m_network.weight_width_bits = o.weight_width_bits;
  m_network.neuron.threshold = o.threshold;
  m_network.neuron.state_width_bits = o.state_width_bits;
  return m_network;
}

void SpideJob::schedule(const workloads::DatasetSplit& data, const mapper::Mapping& /*mapping*/) {
  const workloads::Dataset& train = data.train;
  const workloads::Dataset& test = data.test;
  SpideSchedule& s = m_schedule;
  s.options = m_options;
  for (uint32_t d : job::training_samples(m_run, train)) {
    s.pixels.push_back(train.sample(d));
    s.labels.push_back(train.labels[d]);
    s.encoder_indices.push_back(d);  // epoch 0: the sample's index (as the study)
  }
  for (uint32_t d : job::test_indices(m_run, test)) {
    s.test_pixels.push_back(test.sample(d));
    s.test_labels.push_back(test.labels[d]);
    s.test_encoder_indices.push_back(workloads::kTestSampleIndexBase + d);
  }
}

void SpideJob::configure(chip::Chip& chip, const mapper::Mapping& mapping, const job::Network& network) {
  if (m_options.feedforward > 0) {
    configure_feedforward_chip(chip, mapping, network.neuron, m_schedule);
  } else {
    configure_chip(chip, mapping, network.neuron, m_schedule);
  }
}

void SpideJob::load_programs(chip::Chip& chip, const mapper::Mapping& /*mapping*/, const job::ProgramHooks& hooks) {
  if (m_schedule.split()) {
    for (std::size_t k = 0; k < m_schedule.hidden_cores.size(); ++k) {
      const SpideHiddenCore& h = m_schedule.hidden_cores[k];
      if (m_transposed_copy && h.block_rows > 0) chip.core(h.core_index).load_transposed_copy();
      m_split_programs.push_back(std::make_unique<SpideSplitProgram>(m_schedule, static_cast<int>(k)));
      chip.core(h.core_index).set_program(m_split_programs.back().get());
    }
    for (std::size_t k = 0; k < m_schedule.readout_cores.size(); ++k) {  // k = 0: the output core
      m_split_programs.push_back(std::make_unique<SpideSplitProgram>(m_schedule, -1 - static_cast<int>(k)));
      chip.core(m_schedule.readout_cores[k].core_index).set_program(m_split_programs.back().get());
    }
    for (std::size_t k = 0; k < m_schedule.feedforward_cores.size(); ++k) {
      m_feedforward_programs.push_back(std::make_unique<SpideFeedforwardProgram>(m_schedule, static_cast<uint32_t>(k)));
      chip.core(m_schedule.feedforward_cores[k].core_index).set_program(m_feedforward_programs.back().get());
    }
  } else {
    if (m_transposed_copy) chip.core(m_schedule.hidden_core).load_transposed_copy();
    m_hidden_program = std::make_unique<SpideCoreProgram>(m_schedule);
    m_output_program = std::make_unique<SpideCoreProgram>(m_schedule);
    chip.core(m_schedule.hidden_core).set_program(m_hidden_program.get());
    chip.core(m_schedule.output_core).set_program(m_output_program.get());
  }
  const auto total = static_cast<uint32_t>(m_schedule.labels.size() + m_schedule.test_labels.size());
  m_host = std::make_unique<SpideHostProgram>(
      m_schedule, chip, [this, hooks, total] { hooks.progress(++m_done, total); }, hooks.training_ended);
  chip.host().set_program(m_host.get());
}

void SpideJob::read_back(chip::Chip& chip) {
  m_predictions = m_host->predictions();
  m_test_predictions = m_host->test_predictions();
  if (m_schedule.split()) {
    std::vector<const SpideSplitProgram*> owners;
    for (uint32_t k : m_schedule.range_owner) owners.push_back(m_split_programs[k].get());
    m_records = combined_records(owners);
    for (uint32_t k : m_schedule.feedforward_owner) {  // layer H's spikes and mask
      const std::vector<SpideChipRecord>& records = m_feedforward_programs[k]->records();
      NMSIM_ASSERT(records.size() == m_records.size(), "spide: layer H's owners with other sample counts");
      for (std::size_t s = 0; s < records.size(); ++s) {
        m_records[s].feedforward_spikes += records[s].feedforward_spikes;
        m_records[s].feedforward_active += records[s].feedforward_active;
      }
    }
  } else {
    m_records = m_hidden_program->records();
  }
  m_chip_weights = from_chip_layout(job::read_back_weights(chip, m_network.weights, m_options.weight_width_bits),
                                    m_options);
}

job::Accuracy SpideJob::accuracy() const {
  job::Accuracy accuracy;
  for (std::size_t s = 0; s < m_schedule.labels.size(); ++s) accuracy.train.add(m_schedule.labels[s], m_predictions[s]);
  for (std::size_t s = 0; s < m_schedule.test_labels.size(); ++s) {
    accuracy.test.add(m_schedule.test_labels[s], m_test_predictions[s]);
  }
  return accuracy;
}

void SpideJob::add_notes(Report& report) const {
  const SpideOptions& o = m_options;
  report.add_notes(job::kPreloadNote);
  uint64_t active = 0, backward_spikes = 0, forward_spikes = 0;
  for (const auto& r : m_records) {
    active += r.active;
    backward_spikes += r.backward_spikes;
    for (uint32_t a : r.hidden_counts) forward_spikes += a;
  }
  const double n = double(std::max<std::size_t>(m_records.size(), 1));
  char note[320];
  std::snprintf(note, sizeof note,
                "SPIDE per trained sample: %.1f hidden spikes (%.2f %% of %u neurons x %u steps), %.1f running "
                "couples, %.1f backward ternary spikes (%.2f %% of %u couples x %u steps).",
                double(forward_spikes) / n, 100.0 * double(forward_spikes) / (n * o.hidden * o.forward_steps),
                o.hidden, o.forward_steps, double(active) / n, double(backward_spikes) / n,
                100.0 * double(backward_spikes) / (n * o.hidden * o.backward_steps), o.hidden, o.backward_steps);
  report.add_notes(note);
  if (o.feedforward == 0) return;
  uint64_t feedforward_spikes = 0, feedforward_active = 0;
  for (const auto& r : m_records) {
    feedforward_spikes += r.feedforward_spikes;
    feedforward_active += r.feedforward_active;
  }
  std::snprintf(note, sizeof note,
                "SPIDE's feedforward layer per trained sample: %.1f spikes (%.2f %% of %u neurons x %u steps), %.1f "
                "neurons in the mask (0 < c < T_f).",
                double(feedforward_spikes) / n, 100.0 * double(feedforward_spikes) / (n * o.feedforward * o.forward_steps),
                o.feedforward, o.forward_steps, double(feedforward_active) / n);
  report.add_notes(note);
}

std::string SpideJob::check_reference(const job::ChipTotals& chip) {
  const SpideSchedule& s = m_schedule;
  SpideReference reference(m_options, m_initial);
  std::vector<uint32_t> predictions, test_predictions;
  std::vector<SampleCounts> counts;
  uint64_t forward_sops = 0;
  for (std::size_t k = 0; k < s.labels.size(); ++k) {
    predictions.push_back(reference.train(s.pixels[k], s.labels[k], s.encoder_indices[k]));
    const SampleCounts& c = reference.last_counts();
    counts.push_back(c);
    m_reference_counts += c;
    forward_sops += c.sops_feedforward + c.sops_input + c.sops_recurrent + c.sops_readout;
  }
  for (std::size_t k = 0; k < s.test_labels.size(); ++k) {
    test_predictions.push_back(reference.predict(s.test_pixels[k], s.test_encoder_indices[k]));
    const SampleCounts& c = reference.last_counts();
    forward_sops += c.sops_feedforward + c.sops_input + c.sops_recurrent + c.sops_readout;
  }
  for (std::size_t k = 0; k < predictions.size(); ++k)
    if (m_predictions[k] != predictions[k]) return "training sample " + std::to_string(k) + ": predictions differ";
  for (std::size_t k = 0; k < test_predictions.size(); ++k)
    if (m_test_predictions[k] != test_predictions[k]) return "test sample " + std::to_string(k) + ": predictions differ";
  // The chip's transposed read accumulates a sender into all N couples (the reference counts
  // the running ones): N per masked ternary spike of steps < T_b - 1; with a feedforward layer
  // every step's spikes read the W and F block: N per spike + the reference's H per spike.
  const bool feedforward = m_options.feedforward > 0;
  uint64_t backward_sops = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const SpideChipRecord& rec = m_records[k];
    if (rec.backward_spikes != counts[k].backward_spikes || rec.active != counts[k].active_neurons ||
        rec.backward_senders * rec.active != counts[k].sops_backward)
      return "training sample " + std::to_string(k) + ": backward spikes, couples or their SOPs differ";
    if (rec.feedforward_spikes != counts[k].feedforward_spikes || rec.feedforward_active != counts[k].feedforward_active)
      return "training sample " + std::to_string(k) + ": layer H's spikes or mask differ";
    backward_sops += uint64_t{m_options.hidden} * (feedforward ? rec.backward_spikes : rec.backward_senders) +
                     counts[k].sops_feedforward_backward;
  }
  const SpideMatrices& weights = reference.weights();
  if (m_chip_weights.feedforward.w != weights.feedforward.w) return "V differs after training";
  if (m_chip_weights.input.w != weights.input.w) return "F differs after training";
  if (m_chip_weights.recurrent.w != weights.recurrent.w) return "W differs after training";
  if (m_chip_weights.readout.w != weights.readout.w) return "O differs after training";
  if (chip.sops[Phase::kForward] != forward_sops) return "forward SOPs differ";
  if (chip.sops[Phase::kBackward] != backward_sops) return "backward SOPs differ";
  return "";
}

job::WorkloadDefinition definition() {
  job::WorkloadDefinition d;
  d.workload = WORKLOAD_SPIDE;
  d.name = "spide";
  d.chip_job = [] { return std::make_unique<SpideJob>(); };
  d.study = study;
  d.study_columns = "   fwd spikes/sample   bwd spikes/sample";
  d.study_figures = study_figures;
  d.compare_title = "SPIDE";
  d.compare_network = network_text;
  d.compare_time_steps = time_steps_text;
  return d;
}

}  // namespace nmsim::spide
