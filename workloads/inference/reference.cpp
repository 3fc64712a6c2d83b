#include "workloads/inference/reference.h"

#include <algorithm>
#include <string>

#include "models/base/errors.h"
#include "workloads/common/metrics.h"
#include "workloads/common/network.h"

namespace nmsim::inference {
namespace {

const std::vector<uint32_t>& checked_sizes(const std::vector<uint32_t>& sizes,
                                           const workloads::NetworkWeights& weights,
                                           const arith::NeuronParams& params) {
  workloads::check_network(sizes, weights, params);
  return sizes;
}

}  // namespace

InferenceReference::InferenceReference(std::vector<uint32_t> layer_sizes,
                                       const workloads::NetworkWeights& weights,
                                       arith::NeuronParams params, uint32_t time_steps,
                                       ::nmsim::Encoder encoder, uint64_t seed)
    : m_layer_sizes(checked_sizes(layer_sizes, weights, params)),
      m_weights(weights),
      m_params(params),
      m_time_steps(time_steps),
      m_encoder(encoder, seed, time_steps) {
  const size_t layers = m_layer_sizes.size() - 1;
  m_potentials.resize(layers);
  m_refractory.resize(layers);
  m_spikes.resize(layers + 1);
  for (size_t l = 0; l <= layers; ++l) m_spikes[l].resize(m_layer_sizes[l]);
  for (size_t l = 1; l <= layers; ++l) {
    m_potentials[l - 1].assign(m_layer_sizes[l], 0);
    m_refractory[l - 1].assign(m_layer_sizes[l], 0);
  }
}

SampleResult InferenceReference::run(const uint8_t* pixels, uint64_t sample_index,
                                     bool record_spikes) {
  const size_t layers = m_layer_sizes.size() - 1;
  const uint32_t width = m_params.state_width_bits;
  SampleResult result;
  result.output_counts.assign(m_layer_sizes.back(), 0);
  result.sops_per_layer.assign(layers, 0);
  result.spikes_per_layer.assign(layers, 0);
  if (record_spikes) {
    result.spikes.reserve(m_time_steps);
    result.potentials.reserve(m_time_steps);
  }
  for (size_t l = 0; l < layers; ++l) {
    std::fill(m_potentials[l].begin(), m_potentials[l].end(), 0);
    std::fill(m_refractory[l].begin(), m_refractory[l].end(), 0);
  }
  m_encoder.start(pixels, m_layer_sizes[0], sample_index);

  for (uint32_t t = 0; t < m_time_steps; ++t) {
    m_encoder.step(t, m_spikes[0]);
    result.input_spikes += m_spikes[0].count();
    for (size_t l = 1; l <= layers; ++l) {
      const workloads::LayerWeightsData& w = m_weights.layers[l - 1];
      int32_t* const u = m_potentials[l - 1].data();
      uint8_t* const refractory = m_refractory[l - 1].data();
      const uint32_t n = m_layer_sizes[l];
      uint64_t rows = 0;
      m_spikes[l - 1].for_each([&](uint32_t i) {
        ++rows;
        const int32_t* row = w.row(i);
        for (uint32_t j = 0; j < n; ++j)
          if (refractory[j] == 0) u[j] = arith::accumulate(u[j], row[j], width);
      });
      result.sops_per_layer[l - 1] += rows * n;
      SpikeBitmap& out = m_spikes[l];
      out.clear();
      for (uint32_t j = 0; j < n; ++j)
        if (arith::fire_step(u[j], refractory[j], m_params)) out.set(j);
      result.spikes_per_layer[l - 1] += out.count();
    }
    const SpikeBitmap& last = m_spikes[layers];
    last.for_each([&](uint32_t j) { ++result.output_counts[j]; });
    if (record_spikes) {
      result.spikes.push_back(m_spikes);
      result.potentials.push_back(m_potentials);
    }
  }
  result.final_potentials = m_potentials[layers - 1];
  result.predicted = workloads::predict(result.output_counts, result.final_potentials);
  return result;
}

}  // namespace nmsim::inference
