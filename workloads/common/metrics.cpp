#include "workloads/common/metrics.h"

#include "models/base/errors.h"

namespace nmsim::workloads {

uint32_t predict(const std::vector<uint32_t>& counts, const std::vector<int32_t>& final_potentials) {
  NMSIM_ASSERT(!counts.empty() && counts.size() == final_potentials.size(),
               "predict: counts and potentials differ in size");
  uint32_t best = 0;
  for (uint32_t k = 1; k < counts.size(); ++k) {
    // Strictly better only, so equal (count, potential) keeps the lower index.
    if (counts[k] > counts[best] ||
        (counts[k] == counts[best] && final_potentials[k] > final_potentials[best]))
      best = k;
  }
  return best;
}

AccuracyMeter::AccuracyMeter(uint32_t classes)
    : m_class_total(classes, 0), m_class_correct(classes, 0) {}

void AccuracyMeter::add(uint32_t label, uint32_t predicted) {
  NMSIM_ASSERT(label < m_class_total.size(), "AccuracyMeter: label out of range");
  ++m_total;
  ++m_class_total[label];
  if (label == predicted) {
    ++m_correct;
    ++m_class_correct[label];
  }
}

double AccuracyMeter::accuracy() const {
  return m_total == 0 ? 0.0 : static_cast<double>(m_correct) / static_cast<double>(m_total);
}

std::vector<double> AccuracyMeter::per_class() const {
  std::vector<double> out(m_class_total.size(), 0.0);
  for (size_t c = 0; c < out.size(); ++c)
    if (m_class_total[c] > 0)
      out[c] = static_cast<double>(m_class_correct[c]) / static_cast<double>(m_class_total[c]);
  return out;
}

}  // namespace nmsim::workloads
