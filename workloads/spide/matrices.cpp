#include "workloads/spide/matrices.h"

#include "workloads/common/prng.h"

namespace nmsim::spide {
namespace {

// Matrix number k of the kWeights stream: 0 = F, 1 = O (as layers 0 and 1 of a layered
// 784-N-10 network), 2 = W, 3 = V (the feedforward layer's pixels -> H).
workloads::LayerWeightsData draw(uint64_t seed, uint64_t k, uint32_t rows, uint32_t columns,
                                 int32_t range) {
  workloads::LayerWeightsData m{rows, columns, {}};
  m.w.resize(uint64_t{rows} * columns);
  for (uint64_t n = 0; n < m.w.size(); ++n)
    m.w[n] = workloads::prng_uniform(seed, workloads::Stream::kWeights, (k << 40) + n, -range, range);
  return m;
}

}  // namespace

SpideMatrices random_matrices(const SpideOptions& o) {
  check_options(o);
  SpideMatrices m;
  if (o.feedforward > 0) m.feedforward = draw(o.seed, 3, o.inputs, o.feedforward, o.feedforward_init_range);
  m.input = draw(o.seed, 0, o.recurrent_inputs(), o.hidden, o.input_init_range);
  m.readout = draw(o.seed, 1, o.hidden, o.classes, o.readout_init_range);
  m.recurrent = draw(o.seed, 2, o.hidden, o.hidden, o.recurrent_init_range);
  return m;
}

}  // namespace nmsim::spide
