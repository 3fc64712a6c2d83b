// The spike raster and membrane exports (models/trace/neuron_recorder.h) of inference runs
// against the functional reference, which computes every layer's spikes and potentials step by
// step without the chip model: the CSV rows, keyed by sample, step, layer and neuron, are
// exactly the reference's (input spikes as layer 0), also across neuron ranges and fan-in
// groups (the network's indices, not a core's); the cycles follow the fire scan's word timing
// and the schedule's order; the spike count equals the report's spikes_fired.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "platform/config/loader.h"
#include "platform/mapper/mapper.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"
#include "tests/common/report_stats.h"

using namespace nmsim;

namespace {

using Key = std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>;  // sample, step, layer, neuron

struct Row {
  uint64_t cycle = 0;
  Key key;
  long long potential = 0;
};

// The rows of an export, its header checked; a malformed row fails the test.
std::vector<Row> read_rows(const std::string& path, const std::string& header, bool potentials) {
  std::ifstream in(path);
  std::string line;
  REQUIRE(std::getline(in, line));
  REQUIRE(line == header);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    Row row;
    unsigned long long cycle = 0;
    unsigned sample = 0, step = 0, layer = 0, neuron = 0;
    char tail = 0;
    const int fields = potentials ? std::sscanf(line.c_str(), "%llu,%u,%u,%u,%u,%lld%c", &cycle, &sample, &step,
                                                &layer, &neuron, &row.potential, &tail)
                                  : std::sscanf(line.c_str(), "%llu,%u,%u,%u,%u%c", &cycle, &sample, &step, &layer,
                                                &neuron, &tail);
    INFO(line);
    REQUIRE(fields == (potentials ? 6 : 5));  // no trailing character
    row.cycle = cycle;
    row.key = {sample, step, layer, neuron};
    rows.push_back(row);
  }
  return rows;
}

// The owner core of a network neuron, and its local index (layer 0: the range-0 core of
// layer 1 whose fan-in group holds the input line).
std::pair<uint32_t, uint32_t> placed(const mapper::Mapping& mapping, uint32_t layer, uint32_t neuron) {
  const auto& slots = mapping.layers[layer == 0 ? 0 : layer - 1];
  for (const mapper::CoreSlot& slot : slots) {
    if (layer == 0 && slot.first_neuron == 0 && neuron >= slot.first_axon && neuron < slot.first_axon + slot.fan_in)
      return {slot.core_index, neuron - slot.first_axon};
    if (layer > 0 && slot.owns_neurons() && neuron >= slot.first_neuron && neuron < slot.first_neuron + slot.neuron_count)
      return {slot.core_index, neuron - slot.first_neuron};
  }
  FAIL("neuron " << neuron << " of layer " << layer << " is on no core");
  return {};
}

// Runs inference with both exports and checks them against the reference; `chosen` are the
// neurons `spec` names.
void check_exports(job::JobOptions options, const std::string& spec, const std::vector<Key>& chosen,
                   const std::vector<uint32_t>& sizes) {
  char folder[] = "/tmp/nmsim-export-XXXXXX";
  REQUIRE(mkdtemp(folder) != nullptr);
  const std::string dir = folder;
  trace::NeuronRecordOptions exports;
  exports.spikes_path = dir + "/spikes.csv";
  exports.membrane_path = dir + "/membrane.csv";
  exports.membrane_spec = spec;
  exports.membrane_neurons = trace::parse_neuron_selection(spec);
  options.neurons = exports;
  inference::SpikeRecord record;  // the reference records every step's spikes and potentials
  inference::InferenceJob workload(&record);
  job::JobResult result = job::run_chip_job(workload, options);
  INFO(result.mismatch);
  REQUIRE(result.reference_matches);
  REQUIRE(result.neuron_files.size() == 2);
  for (OutputFile& file : result.neuron_files) file.commit();
  const std::vector<Row> spikes = read_rows(exports.spikes_path, "cycle,sample,step,layer,neuron", false);
  const std::vector<Row> membrane =
      read_rows(exports.membrane_path, "cycle,sample,step,layer,neuron,potential", true);
  std::system(("rm -rf '" + dir + "'").c_str());
  const auto& reference = workload.reference_outcomes();

  // Spikes: the reference's, every layer, every step, every sample; nothing twice.
  std::vector<Key> expected, got;
  uint64_t reference_inputs = 0;
  for (uint32_t s = 0; s < reference.size(); ++s) {
    reference_inputs += reference[s].input_spikes;
    for (uint32_t t = 0; t < reference[s].spikes.size(); ++t) {
      for (uint32_t l = 0; l < reference[s].spikes[t].size(); ++l) {
        reference[s].spikes[t][l].for_each([&](uint32_t n) { expected.push_back({s, t, l, n}); });
      }
    }
  }
  for (const Row& row : spikes) got.push_back(row.key);
  std::sort(got.begin(), got.end());
  CHECK(std::adjacent_find(got.begin(), got.end()) == got.end());
  CHECK(got == expected);
  const auto inputs = std::count_if(spikes.begin(), spikes.end(), [](const Row& r) { return std::get<2>(r.key) == 0; });
  CHECK(static_cast<uint64_t>(inputs) == reference_inputs);
  CHECK(spikes.size() - inputs == stat_sum(result.report, ".spikes_fired"));
  CHECK(inputs > 0);
  CHECK(spikes.size() - inputs > 0);

  // Cycles: a fire scan handles `lanes` neurons a word, a word a cycle (two with one state
  // port), so on one core, in one step, cycle - floor(local / lanes) x cycles per word is the
  // scan's start for every spike; the encoder converts encoder_lanes lines a cycle.
  const mapper::Mapping mapping = mapper::map_network(options.chip, sizes);
  const CoreConfig& core = options.chip.core();
  const uint64_t per_word = core.has_state_memory_ports() && core.state_memory_ports() == 1 ? 2 : 1;
  std::map<Key, uint64_t> scan_start;  // (sample, step, layer, core): the scan's (or encoding's) start
  const auto start_of = [&](const Row& row) {
    const auto [s, t, l, n] = row.key;
    const auto [core_index, local] = placed(mapping, l, n);
    const uint64_t offset = l == 0 ? local / core.encoder_lanes() : local / core.accumulate_lanes() * per_word;
    return std::pair{Key{s, t, l, core_index}, row.cycle - offset};
  };
  for (const Row& row : spikes) {
    const auto [where, start] = start_of(row);
    const auto [it, fresh] = scan_start.emplace(where, start);
    INFO("spike at cycle " << row.cycle);
    CHECK(it->second == start);
  }
  // The schedule's order: every spike of layer l in a step comes before layer l + 1's, and a
  // step's before the next step's.
  std::map<Key, std::pair<uint64_t, uint64_t>> span;  // (sample, step, layer, 0): first, last cycle
  for (const Row& row : spikes) {
    const auto [s, t, l, n] = row.key;
    auto [it, fresh] = span.emplace(Key{s, t, l, 0}, std::pair{row.cycle, row.cycle});
    it->second = {std::min(it->second.first, row.cycle), std::max(it->second.second, row.cycle)};
  }
  for (auto it = span.begin(); std::next(it) != span.end(); ++it) {
    INFO("after sample, step, layer " << std::get<0>(it->first) << ", " << std::get<1>(it->first) << ", "
                                      << std::get<2>(it->first));
    CHECK(it->second.second < std::next(it)->second.first);
  }

  // Potentials: one row per chosen neuron per step, the reference's potential after the step;
  // a neuron that spiked has its spike's cycle (the same scan word).
  std::map<Key, uint64_t> spike_cycle;
  for (const Row& row : spikes) spike_cycle[row.key] = row.cycle;
  std::map<Key, long long> potentials;
  for (const Row& row : membrane) {
    CHECK(potentials.emplace(row.key, row.potential).second);
    const auto spiked = spike_cycle.find(row.key);
    if (spiked != spike_cycle.end()) CHECK(spiked->second == row.cycle);
    const auto [where, start] = start_of(row);
    CHECK(scan_start.emplace(where, start).first->second == start);
  }
  REQUIRE(potentials.size() == reference.size() * options.run.time_steps() * chosen.size());
  for (uint32_t s = 0; s < reference.size(); ++s) {
    for (uint32_t t = 0; t < options.run.time_steps(); ++t) {
      for (const Key& neuron : chosen) {
        const uint32_t l = std::get<2>(neuron), n = std::get<3>(neuron);
        INFO("sample " << s << " step " << t << " layer " << l << " neuron " << n);
        CHECK(potentials.at({s, t, l, n}) == reference[s].potentials[t][l - 1][n]);
      }
    }
  }
}

job::JobOptions inference_options(uint32_t samples, uint32_t hidden) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.set_workload(WORKLOAD_INFERENCE);
  o.run.set_samples(samples);
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(hidden);
  return o;
}

std::vector<Key> neurons(uint32_t layer, uint32_t first, uint32_t last) {
  std::vector<Key> keys;
  for (uint32_t n = first; n <= last; ++n) keys.push_back({0, 0, layer, n});
  return keys;
}

}  // namespace

TEST_CASE("exports: inference 784-20-10 on the default chip, spikes and potentials equal the reference",
          "[exports][inference][equivalence]") {
  // One core per layer: local index = network index. Lanes 16: neurons 0..15 share a word.
  auto options = inference_options(3, 20);
  std::vector<Key> chosen = neurons(1, 0, 4);
  chosen.push_back({0, 0, 1, 18});
  for (const Key& k : neurons(2, 0, 9)) chosen.push_back(k);
  check_exports(options, "1:0-4,1:18,2:0-9,1:2-3", chosen, {784, 20, 10});  // 1:2-3 repeats: recorded once
}

TEST_CASE("exports: neuron ranges and fan-in groups translate to the network's indices",
          "[exports][inference][fan-in split][equivalence]") {
  // 784-100-10 on cores of 32 neurons and 64 axons: layer 1 is 4 ranges of 25 neurons x 13
  // fan-in groups (52 cores; each range's group 0 owns its neurons), layer 2 one range x 2
  // groups; 4 cores a node on the 4 x 4 mesh. One state port (2 cycles a word), 4 lanes,
  // 4 encoder lanes, 16-bit potentials that saturate, leak and refractoriness.
  auto options = inference_options(2, 100);
  options.chip.set_cores_per_node(4);
  CoreConfig& core = *options.chip.mutable_core();
  core.set_neurons(32);
  core.set_max_axons(64);
  core.set_state_width_bits(16);
  core.set_state_memory_ports(1);
  core.set_accumulate_lanes(4);
  core.set_encoder_lanes(4);
  auto& neuron = *options.run.mutable_network()->mutable_neuron();
  neuron.set_leak_mode(LEAK_SHIFT);
  neuron.set_leak_amount(3);
  neuron.set_refractory_steps(1);
  neuron.set_threshold(6000);
  std::vector<Key> chosen = neurons(1, 20, 55);  // ranges 0, 1 and 2
  chosen.push_back({0, 0, 2, 7});
  REQUIRE(mapper::map_network(options.chip, {784, 100, 10}).layers[0].size() == 52);
  check_exports(options, "1:20-55,2:7", chosen, {784, 100, 10});
}
