// Prediction from output spike counts and accuracy bookkeeping.
#pragma once

#include <cstdint>
#include <vector>

namespace nmsim::workloads {

// argmax of counts; ties go to the higher final potential, then to the lower index.
uint32_t predict(const std::vector<uint32_t>& counts, const std::vector<int32_t>& final_potentials);

class AccuracyMeter {
 public:
  explicit AccuracyMeter(uint32_t classes = 10);

  void add(uint32_t label, uint32_t predicted);
  uint64_t total() const { return m_total; }
  uint64_t correct() const { return m_correct; }
  // Fraction correct, 0 when nothing was added.
  double accuracy() const;
  // Per true label: fraction correct (0 for a class never seen).
  std::vector<double> per_class() const;
  const std::vector<uint64_t>& class_total() const { return m_class_total; }
  const std::vector<uint64_t>& class_correct() const { return m_class_correct; }

 private:
  uint64_t m_total = 0;
  uint64_t m_correct = 0;
  std::vector<uint64_t> m_class_total;
  std::vector<uint64_t> m_class_correct;
};

}  // namespace nmsim::workloads
