#include "workloads/convex/convex_job.h"

#include <algorithm>
#include <cstdio>

#include "models/base/errors.h"
#include "workloads/common/study_setup.h"
#include "workloads/common/training_order.h"
#include "workloads/convex/study.h"
#include "workloads/job/chip_job.h"

namespace nmsim::convex {

namespace {

void check_chip_options(const RunConfig& run, const ConvexOptions& o) {
  const ConvexWitnessWeights witness = run.convex().witness_weights();
  if (witness != CONVEX_WITNESS_STORED && witness != CONVEX_WITNESS_REGENERATED)
    throw ConfigError("run.convex.witness_weights: must be CONVEX_WITNESS_STORED or CONVEX_WITNESS_REGENERATED");
  if (o.features != CONVEX_FEATURES_SPIKE_TRAIN)
    throw ConfigError("run.convex.features: the chip's readout unit learns from spike trains "
                      "(CONVEX_FEATURES_SPIKE_TRAIN); count features run in `nmsim study` only");
  if (o.refit_epochs != 0)
    throw ConfigError("run.convex.refit_epochs = " + std::to_string(o.refit_epochs) +
                      ": the refit runs in `nmsim study` only (0 on the chip)");
  if (!run.network().weights_file().empty())
    throw ConfigError("run.network.weights_file: convex draws its witness weights from the seed");
  if (run.training().batch_size() != 1 && run.training().batch_size() != o.batch_size)
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": convex solves with run.convex.batch_size; leave run.training.batch_size at 1 or set it equal");
  if (run.training().epochs() < 1) throw ConfigError("run.training.epochs: must be >= 1");
}

// The witness weights as the layer 784 -> P, or the layers 784 -> P1 -> P2 (stored mode).
workloads::NetworkWeights witness_layers(const ConvexOptions& o) {
  workloads::NetworkWeights weights;
  const uint32_t first = two_layers(o) ? o.layer1_units : o.units;
  workloads::LayerWeightsData& layer = weights.layers.emplace_back();
  layer.inputs = kInputs;
  layer.outputs = first;
  layer.w.resize(size_t{kInputs} * first);
  for (uint32_t i = 0; i < kInputs; ++i)
    for (uint32_t j = 0; j < first; ++j) layer.w[size_t{i} * first + j] = witness_weight(o.seed, o.witness_sigma, j, i);
  if (two_layers(o)) {
    workloads::LayerWeightsData& second = weights.layers.emplace_back();
    second.inputs = o.layer1_units;
    second.outputs = o.units;
    second.w.resize(size_t{o.layer1_units} * o.units);
    for (uint32_t i = 0; i < o.layer1_units; ++i)
      for (uint32_t j = 0; j < o.units; ++j)
        second.w[size_t{i} * o.units + j] = witness2_weight(o.seed, o.witness2_sigma, o.layer1_units, j, i);
  }
  return weights;
}

uint64_t active_features(const FeatureStore& store, uint32_t s) {
  uint64_t n = 0;
  for (uint32_t w = 0; w < store.words; ++w) n += static_cast<uint64_t>(__builtin_popcountll(store.sample(s)[w]));
  return n;
}

std::string number_text(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// Solves with the reference exactly as the chip did (the chip's epochs) and compares;
// returns "" if every figure is equal.
std::string check_against_reference(const ConvexOptions& o, const ConvexSchedule& schedule, ConvexOutcome& r,
                                     const job::ChipTotals& totals, bool shuffle) {
  std::vector<uint32_t> all(o.units);
  for (uint32_t j = 0; j < o.units; ++j) all[j] = j;
  HiddenUnits hidden(o, all);
  const workloads::Dataset& train = *schedule.data;
  const workloads::Dataset& test = *schedule.test_data;
  const FeatureStore train_store = compute_features(hidden, train, schedule.train_set, 0);
  const FeatureStore test_store = compute_features(hidden, test, schedule.test_indices, workloads::kTestSampleIndexBase);
  const auto n = static_cast<uint32_t>(schedule.train_set.size());
  std::vector<uint8_t> labels(n);
  std::vector<uint32_t> positions(n);
  for (uint32_t s = 0; s < n; ++s) {
    labels[s] = train.labels[schedule.train_set[s]];
    positions[s] = s;
  }
  ConvexReadout readout(o);
  readout.set_training_set(train_store, labels, positions);
  if (schedule.beta_pass && readout.beta_max() != r.beta_max) return "beta_max differs";
  if (!schedule.beta_pass) readout.set_beta_max(0, n);  // the chip did not count H^T Y: beta = 0 either way

  uint64_t train_active = 0, train_hidden_sops = 0;
  for (uint32_t s = 0; s < n; ++s) {
    train_active += active_features(train_store, s);
    train_hidden_sops += hidden_sops(o, train_store.input_spikes[s], train_store.layer1_spikes[s], o.units);
  }
  uint64_t additions = schedule.beta_pass ? kClasses * train_active : 0, writes = 0;
  uint64_t forward_passes = schedule.beta_pass ? 1 : 0;
  std::vector<uint32_t> visit, predictions(n);
  for (uint32_t epoch = 0; epoch < r.epochs.size(); ++epoch) {
    const EpochOutcome& chip = r.epochs[epoch];
    const std::string where = "epoch " + std::to_string(epoch + 1) + ": ";
    workloads::training_order(visit, n, o.seed, epoch, shuffle);
    const uint32_t batch = readout.batch_size(epoch);
    for (uint32_t k = 0; k < n; k += batch) {
      const uint32_t b = std::min(batch, n - k);
      const StepCounts c = readout.step(train_store, labels, visit.data() + k, b, epoch, predictions.data());
      for (uint32_t s = 0; s < b; ++s)
        if (chip.predictions[k + s] != predictions[s])
          return where + "training step prediction " + std::to_string(k + s) + " differs";
      additions += c.readout_additions + c.gradient_additions;
      writes += c.weights_written;
    }
    const Objective objective = readout.objective(train_store, labels, positions);
    if (objective.loss != chip.loss) return where + "objective loss L differs";
    if (objective.group_norms != chip.group_norms) return where + "group norms R differ";
    if (objective.correct != chip.objective_correct) return where + "training accuracy with the final readout differs";
    additions += objective.additions;
    forward_passes += 2;
  }
  if (readout.weights() != r.readout) return "readout weights differ after training";
  for (uint32_t s = 0; s < schedule.test_indices.size(); ++s) {
    int64_t out[kClasses];
    uint64_t adds = 0;
    if (readout.predict(test_store.sample(s), out, &adds) != r.test_predictions[s])
      return "test prediction " + std::to_string(s) + " differs";
    additions += adds;
  }
  uint64_t test_hidden_sops = 0;
  for (uint32_t s = 0; s < schedule.test_indices.size(); ++s)
    test_hidden_sops += hidden_sops(o, test_store.input_spikes[s], test_store.layer1_spikes[s], o.units);
  // The reconstructed network's inference cost (reference.h step 7).
  std::vector<uint8_t> all_mask(o.units, 1), kept_mask(o.units, 0);
  for (uint32_t j : r.kept_units) kept_mask[j] = 1;
  uint64_t whole = 0, pruned = 0;
  for (uint32_t s = 0; s < schedule.test_indices.size(); ++s) {
    const uint64_t input_spikes = test_store.input_spikes[s], layer1_spikes = test_store.layer1_spikes[s];
    whole += hidden_sops(o, input_spikes, layer1_spikes, o.units) +
             kClasses * readout.kept_active_features(test_store.sample(s), all_mask);
    pruned += hidden_sops(o, input_spikes, layer1_spikes, r.kept_units.size()) +
              kClasses * readout.kept_active_features(test_store.sample(s), kept_mask);
  }
  const double tests = std::max<double>(1, static_cast<double>(schedule.test_indices.size()));
  r.inference_sops_per_sample = static_cast<double>(whole) / tests;
  r.pruned_inference_sops_per_sample = static_cast<double>(pruned) / tests;
  if (totals.sops.total() != forward_passes * train_hidden_sops + test_hidden_sops) return "hidden SOPs differ";
  if (totals.readout_value_adds.total() != additions) return "readout additions differ";
  if (totals.readout_weight_updates.total() != writes) return "readout weights written differ";
  return "";
}

std::string network_text(const RunConfig& run, const std::string& layers) {
  return layers + "-10 (fixed units" +
         (run.convex().witness_weights() == CONVEX_WITNESS_REGENERATED ? ", regenerated" : "") + "; readout learned)";
}

StudyReport study(const RunConfig& run, const ChipConfig& chip, const workloads::DatasetSplit& data,
                  const job::EpochCallback& on_epoch, workloads::NetworkWeights* trained,
                  const job::CheckpointOptions& checkpoint) {
  if (trained != nullptr)
    throw ConfigError("--save-weights: convex's readout is over spike-train features and its witness weights "
                      "come from the seed; it is not an inference network");
  return run_study(run, chip, data, on_epoch, checkpoint);
}

std::string study_figures(const EpochResult& e) {
  char text[96];
  std::snprintf(text, sizeof text, "  %13.1f  %11.2e  %11u%s", e.objective(), e.objective_relative_change(),
                e.kept_units(), e.refit() ? "  (refit)" : "");
  return text;
}

}  // namespace

void ConvexJob::read_options(const ChipConfig& chip, const RunConfig& run) {
  m_run = run;
  m_options = options_from_config(run, chip);
  check_chip_options(run, m_options);
  m_regenerated = run.convex().witness_weights() == CONVEX_WITNESS_REGENERATED;
}

job::Network ConvexJob::network(const workloads::DatasetSplit& /*data*/) {
  job::Network network;
  network.layer_sizes = {kInputs, m_options.units};
  if (two_layers(m_options)) network.layer_sizes = {kInputs, m_options.layer1_units, m_options.units};
  if (!m_regenerated) network.weights = witness_layers(m_options);
  network.weight_width_bits = m_options.weight_width_bits;
  network.neuron = m_options.neuron;
  return network;
}

void ConvexJob::schedule(const workloads::DatasetSplit& data, const mapper::Mapping& /*mapping*/) {
  ConvexSchedule& s = m_schedule;
  s.data = &data.train;
  s.train_set = job::training_samples(m_run, data.train);
  s.test_data = &data.test;
  s.test_indices = job::test_indices(m_run, data.test);
  s.options = m_options;
  s.max_epochs = m_run.training().epochs();
  s.layers = two_layers(m_options) ? 2 : 1;
  s.shuffle = m_run.training().shuffle();
  s.beta_pass = m_options.beta_fraction > 0;
  ConvexReadout plan(m_options);
  plan.set_beta_max(0, static_cast<uint32_t>(s.train_set.size()));
  for (uint32_t e = 0; e < s.max_epochs; ++e) {
    s.batch_size.push_back(plan.batch_size(e));
    s.eta_shift.push_back(plan.eta_shift(e));
  }
}

void ConvexJob::load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) {
  const ConvexOptions& o = m_options;
  ConvexSchedule& schedule = m_schedule;
  m_slots = mapping.layers.back();  // the readout's layer (layer 2 of two)
  const std::vector<mapper::CoreSlot>& slots = m_slots;
  if (m_regenerated) {
    for (const mapper::CoreSlot& slot : mapping.layers.front()) {
      m_generators.push_back(
          std::make_unique<WitnessGenerator>(o.seed, o.witness_sigma, slot.first_neuron, slot.first_axon));
      chip.core(slot.core_index).set_weight_generator(m_generators.back().get());
    }
    if (two_layers(o)) {
      for (const mapper::CoreSlot& slot : slots) {
        m_generators.push_back(std::make_unique<WitnessGenerator>(WitnessGenerator::layer2(
            o.seed, o.witness2_sigma, o.layer1_units, slot.first_neuron, slot.first_axon)));
        chip.core(slot.core_index).set_weight_generator(m_generators.back().get());
      }
    }
  }
  for (const mapper::CoreSlot& slot : slots) {
    if (!slot.owns_neurons()) continue;  // a fan-in group core: partial sums only, no readout
    core::ReadoutLayout layout;
    layout.base = m_regenerated ? 0 : uint64_t{slot.fan_in} * slot.row_bytes;
    layout.units = slot.neuron_count;
    layout.group_rows = o.time_steps;
    layout.values = kClasses;
    chip.core(slot.core_index).configure_readout(layout);  // its fit was checked on the mapping
  }
  const mapper::CoreSlot& leader = slots.front();
  schedule.leader_core_index = leader.core_index;
  schedule.leader_node = leader.node;
  schedule.leader_core_in_node = leader.core_in_node;
  std::vector<noc::Destination> followers;
  for (std::size_t k = 1; k < slots.size(); ++k)
    if (slots[k].owns_neurons()) followers.push_back({slots[k].node, slots[k].core_in_node});
  schedule.has_followers = !followers.empty();
  if (schedule.has_followers) schedule.residual_tree = chip.mesh().add_multicast_tree(leader.node, followers);

  std::vector<const ConvexCoreProgram*> cores;  // the readout's owners
  for (const std::vector<mapper::CoreSlot>& layer : mapping.layers) {
    for (const mapper::CoreSlot& slot : layer) {
      m_programs.push_back(std::make_unique<ConvexCoreProgram>(schedule));
      chip.core(slot.core_index).set_program(m_programs.back().get());
      if (&layer == &mapping.layers.back() && slot.owns_neurons()) cores.push_back(m_programs.back().get());
    }
  }
  // Progress counts sample passes; the epochs are not known in advance, so the total is the
  // most the run can take.
  const auto n = static_cast<uint32_t>(schedule.train_set.size());
  const uint64_t most =
      (schedule.beta_pass ? n : 0) + uint64_t{2} * n * schedule.max_epochs + schedule.test_indices.size();
  m_host = std::make_unique<ConvexHostProgram>(
      schedule, chip, cores.front(), cores,
      [hooks, most](uint64_t done) { hooks.progress(static_cast<uint32_t>(done), static_cast<uint32_t>(most)); },
      hooks.training_ended);
  chip.host().set_program(m_host.get());
}

void ConvexJob::read_back(chip::Chip& chip) {
  const ConvexOptions& o = m_options;
  ConvexOutcome& r = m_outcome;
  r.epochs = m_host->epochs();
  r.converged = m_host->converged();
  r.beta_max = m_host->beta_max();
  r.test_predictions = m_host->test_predictions();
  for (uint32_t i : m_schedule.test_indices) r.test_labels.push_back(m_schedule.test_data->labels[i]);
  r.readout.assign(size_t{o.units} * o.time_steps * kClasses, 0);
  std::vector<int32_t> rows;
  for (const mapper::CoreSlot& slot : m_slots) {
    if (!slot.owns_neurons()) continue;
    chip.core(slot.core_index).peek_readout(rows);
    std::copy(rows.begin(), rows.end(), r.readout.begin() + size_t{slot.first_neuron} * o.time_steps * kClasses);
  }
  const size_t group = size_t{o.time_steps} * kClasses;
  for (uint32_t j = 0; j < o.units; ++j) {
    const auto begin = r.readout.begin() + j * group;
    if (std::any_of(begin, begin + group, [](int32_t v) { return v != 0; })) r.kept_units.push_back(j);
  }
}

job::Accuracy ConvexJob::accuracy() const {
  const ConvexOutcome& r = m_outcome;
  job::Accuracy accuracy;
  for (const EpochOutcome& e : r.epochs)
    for (size_t s = 0; s < e.predictions.size(); ++s) accuracy.train.add(e.labels[s], e.predictions[s]);
  for (size_t s = 0; s < r.test_predictions.size(); ++s) accuracy.test.add(r.test_labels[s], r.test_predictions[s]);
  return accuracy;
}

std::string ConvexJob::training_schedule() const {
  return std::to_string(m_outcome.epochs.size()) + " epoch(s) of " + std::to_string(m_schedule.train_set.size()) +
         " samples, each visit one trained sample; the objective passes are included";
}

void ConvexJob::add_notes(Report& report) const {
  const ConvexOutcome& r = m_outcome;
  const auto n = static_cast<uint32_t>(m_schedule.train_set.size());
  report.add_notes(std::string("Witness weights: ") +
                   (m_regenerated ? "regenerated from the seed by each core's weight generator (no SRAM rows)"
                                  : "stored as synapse rows, preloaded before the run (that load is not counted)") +
                   "; readout and gradient rows above them in each core's synapse SRAM.");
  report.add_notes(m_schedule.beta_pass ? "beta_max = " + std::to_string(r.beta_max) + " (counted on chip: H^T Y pass)"
                                        : "beta_fraction = 0: no beta pass, no penalty");
  const auto epochs = static_cast<uint32_t>(r.epochs.size());
  for (uint32_t e = 0; e < epochs; ++e) {
    const EpochOutcome& out = r.epochs[e];
    workloads::AccuracyMeter m;
    for (size_t s = 0; s < out.predictions.size(); ++s) m.add(out.labels[s], out.predictions[s]);
    report.add_notes("epoch " + std::to_string(e + 1) + ": batch " + std::to_string(m_schedule.batch_size[e]) +
                     ", eta 2^-" + std::to_string(m_schedule.eta_shift[e]) + ", training accuracy " +
                     number_text(100 * m.accuracy()) + " % (before each step), objective J " +
                     number_text(out.objective) + ", relative change " + number_text(out.relative_change) +
                     ", accuracy with the epoch's final readout " +
                     number_text(100.0 * out.objective_correct / std::max(1u, n)) + " %");
  }
  report.add_notes(std::string(r.converged ? "converged" : "not converged") + " after epoch " +
                   std::to_string(epochs) + " (tolerance " + number_text(m_options.tolerance) + "); kept units " +
                   std::to_string(r.kept_units.size()) + " of " + std::to_string(m_options.units));
}

std::string ConvexJob::check_reference(const job::ChipTotals& chip) {
  return check_against_reference(m_options, m_schedule, m_outcome, chip, m_schedule.shuffle);
}

void ConvexJob::add_reference_notes(Report& report) const {
  const ConvexOutcome& r = m_outcome;
  report.add_notes("Reconstructed network: " + std::to_string(r.kept_units.size()) + " of " +
                   std::to_string(m_options.units) + " units kept; inference SOPs per test sample " +
                   number_text(r.inference_sops_per_sample) + " whole, " +
                   number_text(r.pruned_inference_sops_per_sample) +
                   " pruned (input spikes x units + 10 x active features of the kept units)");
}

job::WorkloadDefinition definition() {
  job::WorkloadDefinition d;
  d.workload = WORKLOAD_CONVEX;
  d.name = "convex";
  d.chip_job = [] { return std::make_unique<ConvexJob>(); };
  d.study = study;
  d.study_columns = "      objective   rel change   kept units";
  d.study_figures = study_figures;
  d.compare_title = "convex";
  d.compare_network = network_text;
  return d;
}

}  // namespace nmsim::convex
