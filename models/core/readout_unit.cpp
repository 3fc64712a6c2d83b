#include "models/core/readout_unit.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "models/arith/proximal.h"
#include "models/arith/readout_footprint.h"
#include "models/base/errors.h"

namespace nmsim::core {

namespace {

int32_t load_i32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
int64_t load_i64(const uint8_t* p) {
  int64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
void store_i32(uint8_t* p, int32_t v) { std::memcpy(p, &v, sizeof v); }
void store_i64(uint8_t* p, int64_t v) { std::memcpy(p, &v, sizeof v); }

}  // namespace

ReadoutUnit::ReadoutUnit(const char* name, sram::Sram& sram, SimContext& ctx, uint32_t lanes, uint32_t scan_bits)
    : sc_object(name), m_sram(sram), m_ctx(ctx), m_lanes(lanes), m_scan_bits(scan_bits) {
  add_stat("value_adds", "adds", "64-bit adds of readout rows into the output sums and of residuals into "
           "gradient accumulators", m_value_adds, {EnergyKind::kAdd, 0, 64});
  add_stat("update_ops", "ops", "32-bit adds and compares of the gradient steps, proximal steps and norms",
           m_update_ops, {EnergyKind::kAdd, 0, 32});
  add_stat("weight_updates", "weights", "readout weights whose value changed", m_weight_updates);
  add_stat("rows_read", "rows", "readout rows read (forward, step, norms)", m_rows_read);
  add_stat("gradient_rows", "rows", "gradient rows read, modified and written back", m_gradient_rows);
  add_stat("groups_stepped", "groups", "unit groups passed through the gradient and proximal step",
           m_groups_stepped);
  add_stat("bisection_steps", "steps", "l_inf prox bisection iterations", m_bisection_steps);
  add_stat("cycles", "cycles", "cycles of the readout unit", m_cycles, {EnergyKind::kActiveCycle});
}

void ReadoutUnit::configure(const ReadoutLayout& layout) {
  NMSIM_ASSERT(!configured(), "the readout unit is configured once, before the run");
  NMSIM_ASSERT(layout.units > 0 && layout.group_rows > 0 && layout.values > 0, "readout layout is empty");
  const uint64_t word = m_sram.word_bytes();
  NMSIM_ASSERT(layout.base % word == 0, "readout base not word aligned");
  m_layout = layout;
  m_rows = layout.units * layout.group_rows;
  m_group_size = layout.group_rows * layout.values;
  const arith::ReadoutFootprint footprint = arith::readout_footprint(layout.units, layout.group_rows, layout.values, word);
  m_vrow_bytes = footprint.weight_row_bytes;
  m_grow_bytes = footprint.gradient_row_bytes;
  m_gradient_base = layout.base + footprint.weight_bytes();
  // config::validate(run, chip, mapping) refused a readout that does not fit, before elaboration.
  NMSIM_ASSERT(end_address() <= m_sram.size_bytes(), "the readout does not fit the synapse SRAM");
  m_dirty.assign(m_rows, 0);
  m_nonzero.assign(layout.units, 0);
  m_row_bytes.assign(m_vrow_bytes * layout.group_rows, 0);
  m_gradient_bytes.assign(m_grow_bytes, 0);
  m_group.assign(m_group_size, 0);
  m_before.assign(m_group_size, 0);
  m_gradient.assign(m_group_size, 0);
  m_word_changed.assign(m_vrow_bytes / word * layout.group_rows, 0);
}

uint64_t ReadoutUnit::end_address() const { return m_gradient_base + uint64_t{m_rows} * m_grow_bytes; }

bool ReadoutUnit::group_dirty(uint32_t unit) const {
  const uint8_t* d = m_dirty.data() + uint64_t{unit} * m_layout.group_rows;
  return std::any_of(d, d + m_layout.group_rows, [](uint8_t x) { return x != 0; });
}

Cycle ReadoutUnit::forward(const SpikeBitmap& rows, int64_t* sums, Cycle start) {
  NMSIM_ASSERT(configured() && rows.size() == m_rows, "readout forward: rows do not match the layout");
  const Phase phase = m_ctx.phase.current();
  const uint32_t values = m_layout.values;
  const uint32_t adds = add_cycles(values);
  Cycle adder_free = start;
  Cycle buffer_free[2] = {start, start};
  uint64_t count = 0;
  uint8_t* buffer = m_row_bytes.data();
  rows.for_each([&](uint32_t r) {
    const std::size_t b = count & 1;
    const Cycle found = start + (r / m_scan_bits + 1);
    const Cycle ready = m_sram.access(false, vrow_address(r), static_cast<uint32_t>(m_vrow_bytes), buffer,
                                      max(found, buffer_free[b]));
    for (uint32_t k = 0; k < values; ++k) sums[k] += load_i32(buffer + 4 * k);
    adder_free = max(ready, adder_free) + adds;
    buffer_free[b] = adder_free;
    ++count;
  });
  m_rows_read.add(phase, count);
  m_value_adds.add(phase, count * values);
  return max(adder_free, start + (m_rows + m_scan_bits - 1) / m_scan_bits);
}

Cycle ReadoutUnit::accumulate(const SpikeBitmap& rows, const int32_t* residuals, Cycle start) {
  NMSIM_ASSERT(configured() && rows.size() == m_rows, "readout accumulate: rows do not match the layout");
  const Phase phase = m_ctx.phase.current();
  const uint32_t values = m_layout.values;
  const auto length = static_cast<uint32_t>(m_grow_bytes);
  Cycle done = start;
  uint64_t count = 0;
  uint8_t* buffer = m_gradient_bytes.data();
  rows.for_each([&](uint32_t r) {
    const Cycle found = start + (r / m_scan_bits + 1);
    const Cycle ready = m_sram.access(false, grow_address(r), length, buffer, max(found, done));
    for (uint32_t k = 0; k < values; ++k) store_i64(buffer + 8 * k, load_i64(buffer + 8 * k) + residuals[k]);
    done = m_sram.access(true, grow_address(r), length, buffer, ready + add_cycles(values));
    m_dirty[r] = 1;
    ++count;
  });
  m_gradient_rows.add(phase, count);
  m_value_adds.add(phase, count * values);
  return max(done, start + (m_rows + m_scan_bits - 1) / m_scan_bits);
}

Cycle ReadoutUnit::read_group(uint32_t unit, bool all_rows, Cycle start, Cycle ready) {
  const uint32_t values = m_layout.values;
  const uint32_t first = unit * m_layout.group_rows;
  uint64_t read = 0;
  for (uint32_t t = 0; t < m_layout.group_rows; ++t) {
    const uint32_t r = first + t;
    uint8_t* bytes = m_row_bytes.data() + uint64_t{t} * m_vrow_bytes;
    if (all_rows || m_dirty[r]) {
      ready = max(ready, m_sram.access(false, vrow_address(r), static_cast<uint32_t>(m_vrow_bytes), bytes, start));
      ++read;
    }
    // A row not read (clean, no prox) is not touched by the step: 0 stands in for it.
    for (uint32_t k = 0; k < values; ++k)
      m_group[t * values + k] = all_rows || m_dirty[r] ? load_i32(bytes + 4 * k) : 0;
  }
  m_rows_read.add(m_ctx.phase.current(), read);
  return ready;
}

Cycle ReadoutUnit::step(int shift, int64_t tau, arith::GroupNorm norm, Cycle start) {
  NMSIM_ASSERT(configured(), "readout step before configure()");
  const Phase phase = m_ctx.phase.current();
  const uint32_t values = m_layout.values;
  const uint32_t group_rows = m_layout.group_rows;
  const uint32_t word = m_sram.word_bytes();
  const bool prox = tau > 0;
  Cycle done = start;
  uint64_t groups = 0, gradient_rows = 0, ops = 0, changed_total = 0, bisections = 0;
  for (uint32_t unit = 0; unit < m_layout.units; ++unit) {
    const bool dirty = group_dirty(unit);
    if (!dirty && !(prox && m_nonzero[unit])) continue;
    ++groups;
    const uint32_t first = unit * group_rows;
    Cycle ready = read_group(unit, prox, done, done);
    // The dirty gradient rows, after the readout rows in the queue.
    for (uint32_t t = 0; t < group_rows; ++t) {
      int64_t* g = m_gradient.data() + uint64_t{t} * values;
      std::fill(g, g + values, 0);
      if (!m_dirty[first + t]) continue;
      uint8_t* bytes = m_gradient_bytes.data();
      ready = max(ready, m_sram.access(false, grow_address(first + t), static_cast<uint32_t>(m_grow_bytes),
                                       bytes, done));
      for (uint32_t k = 0; k < values; ++k) g[k] = load_i64(bytes + 8 * k);
      ++gradient_rows;
    }
    m_before = m_group;
    uint64_t cycles = 0;
    for (uint32_t t = 0; t < group_rows; ++t) {
      if (!m_dirty[first + t]) continue;
      cycles += add_cycles(values);
      ops += values;
      for (uint32_t k = 0; k < values; ++k) arith::gradient_step(m_group[t * values + k], m_gradient[t * values + k], shift);
    }
    if (prox) {
      const uint32_t pass = add_cycles(m_group_size);
      const uint64_t iterations = arith::prox(m_group.data(), m_group_size, tau, norm);
      if (norm == arith::GroupNorm::kL1) {
        cycles += pass;
        ops += m_group_size;
      } else {
        cycles += (2 + iterations) * pass + iterations;
        ops += (2 + iterations) * m_group_size;
        bisections += iterations;
      }
    }
    const Cycle computed = ready + cycles;
    // Write back the readout words holding a changed weight, then clear the dirty gradients.
    Cycle written = computed;
    bool any_nonzero = false;
    for (uint32_t t = 0; t < group_rows; ++t) {
      uint8_t* bytes = m_row_bytes.data() + uint64_t{t} * m_vrow_bytes;
      std::fill(m_word_changed.begin(), m_word_changed.end(), 0);
      for (uint32_t k = 0; k < values; ++k) {
        const int32_t v = m_group[t * values + k];
        any_nonzero = any_nonzero || v != 0;
        store_i32(bytes + 4 * k, v);
        if (v == m_before[t * values + k]) continue;
        ++changed_total;
        m_word_changed[4 * k / word] = 1;
      }
      for (uint32_t w = 0; w < m_vrow_bytes / word; ++w) {
        if (!m_word_changed[w]) continue;
        written = max(written, m_sram.access(true, vrow_address(first + t) + uint64_t{w} * word, word,
                                             bytes + uint64_t{w} * word, computed));
      }
    }
    std::fill(m_gradient_bytes.begin(), m_gradient_bytes.end(), 0);
    for (uint32_t t = 0; t < group_rows; ++t) {
      if (!m_dirty[first + t]) continue;
      written = max(written, m_sram.access(true, grow_address(first + t), static_cast<uint32_t>(m_grow_bytes),
                                           m_gradient_bytes.data(), computed));
      m_dirty[first + t] = 0;
    }
    // Without the prox the clean rows were not read: the group stays marked if it was.
    m_nonzero[unit] = any_nonzero || (!prox && m_nonzero[unit]);
    done = written;
  }
  m_groups_stepped.add(phase, groups);
  m_gradient_rows.add(phase, gradient_rows);
  m_update_ops.add(phase, ops);
  m_weight_updates.add(phase, changed_total);
  m_bisection_steps.add(phase, bisections);
  return max(done, start + (m_layout.units + m_scan_bits - 1) / m_scan_bits);
}

Cycle ReadoutUnit::group_norms(arith::GroupNorm norm, int64_t* total, Cycle start) {
  NMSIM_ASSERT(configured(), "readout norms before configure()");
  Cycle done = start;
  int64_t sum = 0;
  uint64_t ops = 0;
  for (uint32_t unit = 0; unit < m_layout.units; ++unit) {
    if (!m_nonzero[unit]) continue;
    const Cycle ready = read_group(unit, true, done, done);
    sum += arith::group_norm(m_group.data(), m_group_size, norm);
    ops += m_group_size;
    done = ready + add_cycles(m_group_size);
  }
  *total = sum;
  m_update_ops.add(m_ctx.phase.current(), ops);
  return max(done, start + (m_layout.units + m_scan_bits - 1) / m_scan_bits);
}

Cycle ReadoutUnit::dual_norm(arith::GroupNorm norm, uint64_t* largest, Cycle start) {
  NMSIM_ASSERT(configured(), "readout dual norm before configure()");
  const Phase phase = m_ctx.phase.current();
  const uint32_t values = m_layout.values;
  const auto length = static_cast<uint32_t>(m_grow_bytes);
  Cycle done = start;
  uint64_t best = 0, ops = 0, gradient_rows = 0;
  for (uint32_t unit = 0; unit < m_layout.units; ++unit) {
    if (!group_dirty(unit)) continue;
    const uint32_t first = unit * m_layout.group_rows;
    Cycle ready = done;
    uint64_t dual = 0;
    for (uint32_t t = 0; t < m_layout.group_rows; ++t) {
      if (!m_dirty[first + t]) continue;
      uint8_t* bytes = m_gradient_bytes.data();
      ready = max(ready, m_sram.access(false, grow_address(first + t), length, bytes, done));
      for (uint32_t k = 0; k < values; ++k) {
        const auto c = static_cast<uint64_t>(load_i64(bytes + 8 * k));
        dual = arith::dual_norm_add(dual, c, norm);
      }
      ++gradient_rows;
    }
    best = std::max(best, dual);
    ops += m_group_size;
    const Cycle computed = ready + add_cycles(m_group_size);
    std::fill(m_gradient_bytes.begin(), m_gradient_bytes.end(), 0);
    Cycle written = computed;
    for (uint32_t t = 0; t < m_layout.group_rows; ++t) {
      if (!m_dirty[first + t]) continue;
      written = max(written, m_sram.access(true, grow_address(first + t), length, m_gradient_bytes.data(), computed));
      m_dirty[first + t] = 0;
    }
    done = written;
  }
  *largest = best;
  m_update_ops.add(phase, ops);
  m_gradient_rows.add(phase, gradient_rows);
  return max(done, start + (m_layout.units + m_scan_bits - 1) / m_scan_bits);
}

}  // namespace nmsim::core
