#include "workloads/ff/ff_job.h"

#include <algorithm>
#include <cstdio>

#include "models/base/errors.h"
#include "workloads/common/fixed_point.h"
#include "workloads/common/study_setup.h"
#include "workloads/ff/study.h"
#include "workloads/job/chip_job.h"
#include "workloads/job/group_factors.h"
#include "workloads/job/weights_io.h"

namespace nmsim::ff {

namespace {

// The class groups and logit constants of every layer, as the host computes them once per
// run (reference.h steps 1-2), and the leaders and error trees of the mapping.
std::vector<FfLayerPlan> plan_layers(const FfOptions& o, const mapper::Mapping& mapping, chip::Chip& chip) {
  std::vector<FfLayerPlan> plans;
  const uint64_t t2 = uint64_t{o.time_steps} * o.time_steps;
  for (std::size_t l = 1; l < o.layer_sizes.size(); ++l) {
    FfLayerPlan plan;
    const uint32_t h = o.layer_sizes[l];
    uint32_t start = 0;
    for (uint32_t c = 0; c < kClasses; ++c) {
      const uint32_t n = o.group_sizes.empty() ? h / kClasses + (c < h % kClasses ? 1 : 0) : o.group_sizes[c];
      plan.group_start[c] = start;
      plan.group_size[c] = n;
      const uint64_t denominator = uint64_t{n} * t2;
      plan.logit_scale[c] = ((uint64_t{1} << 24) * o.tau_divisor + denominator / 2) / denominator;
      start += n;
    }
    const std::vector<mapper::CoreSlot>& slots = mapping.layers[l - 1];
    const mapper::CoreSlot& leader = slots.front();  // group 0 of the first neuron range
    NMSIM_ASSERT(leader.first_neuron == 0, "ff: the first core of a layer holds its neuron 0");
    plan.leader_core_index = leader.core_index;
    plan.leader_node = leader.node;
    plan.leader_core_in_node = leader.core_in_node;
    std::vector<noc::Destination> followers;
    for (std::size_t k = 1; k < slots.size(); ++k) {
      if (slots[k].owns_neurons()) followers.push_back({slots[k].node, slots[k].core_in_node});
    }
    plan.has_followers = !followers.empty();
    if (plan.has_followers) plan.error_tree = chip.mesh().add_multicast_tree(leader.node, followers);
    plans.push_back(plan);
  }
  return plans;
}

// What the reference's last sample implies for the chip's learning engines: per core of
// each layer, the rows it multiplies (every row whose input spiked, if any of its neurons
// has e_j != 0) and the rows it writes (some round_shift(-e_j x_i) != 0 among its neurons).
void add_core_work(const FfReference& ref, const mapper::Mapping& mapping, FfWorkTotals& totals) {
  std::vector<uint32_t> active;
  for (std::size_t l = 1; l <= mapping.layers.size(); ++l) {
    const LayerState& s = ref.layer(static_cast<uint32_t>(l));
    for (const mapper::CoreSlot& slot : mapping.layers[l - 1]) {
      // The core's input lines: all of the layer's, or its fan-in group's.
      const auto lines_begin = s.x.begin() + slot.first_axon;
      const auto lines_end = lines_begin + slot.fan_in;
      const auto rows_spiked = static_cast<uint64_t>(std::count_if(lines_begin, lines_end, [](uint32_t x) { return x > 0; }));
      active.clear();
      for (uint32_t j = slot.first_neuron; j < slot.first_neuron + slot.neuron_count; ++j) {
        if (s.neuron_error[j] != 0) active.push_back(j);
      }
      if (active.empty()) continue;
      totals.core_multiplies += rows_spiked * slot.neuron_count;
      for (auto line = lines_begin; line != lines_end; ++line) {
        const uint32_t x = *line;
        if (x == 0) continue;
        const bool written = std::any_of(active.begin(), active.end(), [&](uint32_t j) {
          return workloads::round_shift(-(s.neuron_error[j] * x), ref.lr_shift()) != 0;
        });
        totals.core_rows_written += written ? 1 : 0;
      }
    }
  }
}

void add_counts(const SampleCounts& c, FfWorkTotals& totals) {
  totals.sops_forward += c.sops_forward;
  totals.update_ops += c.update_ops;
  totals.weights_written += c.weights_written;
  totals.rows_written += c.rows_written;
}

// The leaders' records of sample s against the reference's layer states; "" if equal.
// `sample` indexes the records (training samples, then test samples).
const char* compare_records(const ChipRecords& records, const FfReference& ref, std::size_t sample, bool training,
                            uint32_t* layer) {
  const auto layers = static_cast<uint32_t>(records.size());
  for (uint32_t l = 1; l <= layers; ++l) {
    const LeaderRecord& chip = records[l - 1][sample];
    const LayerState& state = ref.layer(l);
    *layer = l;
    for (uint32_t c = 0; c < kClasses; ++c) {
      if (chip.goodness[c] != state.goodness_sum[c]) return "goodness sums differ";
      if (chip.logits[c] != state.logits[c]) return "logits differ";
      if (training && chip.class_error[c] != state.class_error[c]) return "class errors differ";
    }
    if (l != layers) continue;
    for (uint32_t c = 0; c < kClasses; ++c) {
      int64_t potential = 0;
      const uint32_t begin = ref.group_start(l, c), end = begin + ref.group_size(l, c);
      for (uint32_t j = begin; j < end; ++j) potential += state.potentials[j];
      if (chip.potential[c] != potential) return "group potential sums differ";
    }
  }
  return nullptr;
}

// One sample's comparison: prediction, then the leaders' records; "" if equal.
std::string compare_sample(const ChipRecords& records, const FfReference& ref, std::size_t sample, bool training,
                           uint32_t chip_predicted, uint32_t reference_predicted, std::size_t number) {
  const auto what = [&] { return std::string(training ? "training" : "test") + " sample " + std::to_string(number); };
  if (chip_predicted != reference_predicted) return what() + ": predictions differ";
  uint32_t layer = 0;
  const char* difference = compare_records(records, ref, sample, training, &layer);
  return difference == nullptr ? "" : what() + ", layer " + std::to_string(layer) + ": " + difference;
}

std::string compare_counts(const job::ChipTotals& chip, const FfWorkTotals& t) {
  if (chip.sops[Phase::kForward] != t.sops_forward) return "forward SOPs differ";
  if (chip.sops[Phase::kBackward] != 0 || chip.sops[Phase::kUpdate] != 0) {
    return "SOPs outside the forward pass (FF sends nothing backward)";
  }
  if (chip.weight_updates.total() != t.weights_written) return "weights written differ";
  if (chip.rows_updated.total() != t.core_rows_written) return "rows written differ";
  if (chip.update_multiplies.total() != t.core_multiplies) return "update multiplies differ";
  return "";
}

std::string network_text(const RunConfig& /*run*/, const std::string& layers) {
  return layers + " (10 class groups a layer)";
}

StudyReport study(const RunConfig& run, const ChipConfig& chip, const workloads::DatasetSplit& data,
                  const job::EpochCallback& on_epoch, workloads::NetworkWeights* trained,
                  const job::CheckpointOptions& checkpoint) {
  if (trained != nullptr) throw ConfigError("--save-weights: FF's class-group network is not an inference network");
  return run_study(run, chip, data, on_epoch, checkpoint);
}

}  // namespace

void FfJob::read_options(const ChipConfig& chip, const RunConfig& run) {
  m_run = run;
  if (run.training().batch_size() != 1) {
    throw ConfigError("run.training.batch_size = " + std::to_string(run.training().batch_size()) +
                      ": the FF firmware trains online (1)");
  }
  m_options = options_from_config(run, chip);
  m_network.layer_sizes = m_options.layer_sizes;
  m_network.weight_width_bits = chip.core().weight_width_bits();
  m_network.neuron = m_options.neuron;
  m_network.weights = job::initial_weights(run, m_network.layer_sizes, m_network.weight_width_bits);
  m_reference = std::make_unique<FfReference>(m_options, m_network.weights);  // also checks the FF options
}

job::Network FfJob::network(const workloads::DatasetSplit& /*data*/) { return m_network; }

void FfJob::schedule(const workloads::DatasetSplit& data, const mapper::Mapping& mapping) {
  m_mapping = mapping;
  const FfOptions& ff = m_options;
  FfSchedule& s = m_schedule;
  s.data = &data.train;
  s.sample_indices = job::training_samples(m_run, data.train);
  s.encoder_indices.assign(s.sample_indices.begin(), s.sample_indices.end());  // epoch 0: the sample's index
  s.test_data = &data.test;
  s.test_indices = job::test_indices(m_run, data.test);
  for (uint32_t i : s.test_indices) s.test_encoder_indices.push_back(workloads::kTestSampleIndexBase + i);
  s.time_steps = ff.time_steps;
  s.state_width_bits = ff.neuron.state_width_bits;
  s.encoder = ff.encoder;
  s.seed = ff.seed;
  s.lr_shift = ff.lr_shift;
  s.gate = ff.gate;
  s.predict_last_layer = ff.predict_last_layer;
  s.class_adaptation = ff.class_adaptation;
  s.adaptation_window = ff.adaptation_window;
  s.adaptation_interval = ff.adaptation_interval;
}

void FfJob::load_programs(chip::Chip& chip, const mapper::Mapping& mapping, const job::ProgramHooks& hooks) {
  m_schedule.layers = plan_layers(m_options, mapping, chip);
  for (const auto& layer : mapping.layers) {
    for (std::size_t i = 0; i < layer.size(); ++i) {
      const mapper::CoreSlot& slot = layer[i];
      m_programs.push_back(std::make_unique<FfCoreProgram>(m_schedule, job::add_group_factor_tree(chip, layer, i)));
      chip.core(slot.core_index).set_program(m_programs.back().get());
      if (slot.first_neuron == 0 && slot.owns_neurons()) m_leaders.push_back(m_programs.back().get());
    }
  }
  const auto total = static_cast<uint32_t>(m_schedule.sample_indices.size() + m_schedule.test_indices.size());
  m_host = std::make_unique<FfHostProgram>(
      m_schedule, chip, m_leaders, [hooks, total](uint32_t done) { hooks.progress(done, total); },
      hooks.training_ended);
  chip.host().set_program(m_host.get());
}

void FfJob::read_back(chip::Chip& chip) {
  m_chip_outcomes = m_host->outcomes();
  m_chip_test_outcomes = m_host->test_outcomes();
  for (const FfCoreProgram* leader : m_leaders) m_chip_records.push_back(leader->records());
  m_chip_weights = job::read_back_weights(chip, m_network.weights, m_network.weight_width_bits);
}

job::Accuracy FfJob::accuracy() const {
  job::Accuracy accuracy;
  for (const auto& o : m_chip_outcomes) accuracy.train.add(o.label, o.predicted);
  for (const auto& o : m_chip_test_outcomes) accuracy.test.add(o.label, o.predicted);
  return accuracy;
}

void FfJob::add_notes(Report& report) const { report.add_notes(job::kPreloadNote); }

std::string FfJob::check_reference(const job::ChipTotals& chip) {
  FfReference& reference = *m_reference;
  const workloads::Dataset& train = *m_schedule.data;
  const workloads::Dataset& test = *m_schedule.test_data;
  const std::vector<uint32_t>& order = m_schedule.sample_indices;
  FfWorkTotals& totals = m_reference_totals;
  std::string mismatch;
  for (std::size_t s = 0; s < order.size() && mismatch.empty(); ++s) {
    const uint32_t d = order[s];
    const uint32_t predicted = reference.train(train.sample(d), train.labels[d], d);
    mismatch = compare_sample(m_chip_records, reference, s, true, m_chip_outcomes[s].predicted, predicted, s);
    add_counts(reference.last_counts(), totals);
    add_core_work(reference, m_mapping, totals);
  }
  for (std::size_t k = 0; k < m_schedule.test_indices.size() && mismatch.empty(); ++k) {
    const uint32_t i = m_schedule.test_indices[k];
    const uint32_t predicted = reference.predict(test.sample(i), m_schedule.test_encoder_indices[k]);
    mismatch = compare_sample(m_chip_records, reference, order.size() + k, false, m_chip_test_outcomes[k].predicted,
                              predicted, k);
    add_counts(reference.last_counts(), totals);
  }
  if (!mismatch.empty()) return mismatch;
  for (std::size_t l = 0; l < reference.weights().layers.size(); ++l) {
    if (m_chip_weights.layers[l].w != reference.weights().layers[l].w) {
      return "layer " + std::to_string(l + 1) + ": weights differ after training";
    }
  }
  return compare_counts(chip, totals);
}

void FfJob::add_reference_notes(Report& report) const {
  const FfWorkTotals& totals = m_reference_totals;
  char line[320];
  std::snprintf(line, sizeof line,
                "Learning work: %llu update products with a non-zero error (reference), %llu multiplied by the "
                "learning engines (whole rows of every core with a non-zero error); %llu weights and %llu "
                "core rows written.",
                static_cast<unsigned long long>(totals.update_ops),
                static_cast<unsigned long long>(totals.core_multiplies),
                static_cast<unsigned long long>(totals.weights_written),
                static_cast<unsigned long long>(totals.core_rows_written));
  report.add_notes(line);
}

job::WorkloadDefinition definition() {
  job::WorkloadDefinition d;
  d.workload = WORKLOAD_FF;
  d.name = "ff";
  d.chip_job = [] { return std::make_unique<FfJob>(); };
  d.study = study;
  d.compare_title = "FF";
  d.compare_network = network_text;
  return d;
}

}  // namespace nmsim::ff
