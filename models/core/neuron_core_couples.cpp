// The core's firmware calls that drive its couple unit (couple_unit.h): each call's timing (the
// top of neuron_core.h), the integrate pipeline the couple passes share with integrate(), the
// transposed copy, and the network interface the couple spikes leave through.
#include <algorithm>
#include <string>

#include "models/arith/neuron_datapath.h"
#include "models/arith/ternary_spike.h"
#include "models/base/errors.h"
#include "models/core/neuron_core.h"
#include "models/core/neuron_core_internal.h"
#include "models/core/weight_row.h"

namespace nmsim::core {

namespace {

// Moves `length` bytes through a socket's uncounted debug transport.
void debug_transport(tlm_utils::simple_initiator_socket<NeuronCore>& socket, tlm::tlm_command command,
                     uint64_t address, uint8_t* data, std::size_t length) {
  tlm::tlm_generic_payload p;
  p.set_command(command);
  p.set_address(address);
  p.set_data_ptr(data);
  p.set_data_length(static_cast<unsigned>(length));
  p.set_streaming_width(static_cast<unsigned>(length));
  NMSIM_ASSERT(socket->transport_dbg(p) == length, "debug transport outside the SRAM");
}

}  // namespace

CoupleUnit& NeuronCore::couple_unit(const char* call) const {
  NMSIM_ASSERT(m_couples != nullptr,
               std::string(call) + " on a core without ternary couples (chip.core.ternary_couples)");
  return *m_couples;
}

const CoupleUnit& NeuronCore::couples() const { return couple_unit("couples"); }

void NeuronCore::set_transposed_block(uint32_t first_axon) {
  couple_unit("set_transposed_block");
  NMSIM_ASSERT(m_transposed_read != TRANSPOSED_READ_NONE, "set_transposed_block with transposed_read NONE");
  NMSIM_ASSERT(!m_has_transposed_block, "set_transposed_block called twice");
  NMSIM_ASSERT(m_layout.neuron_count > 0 &&
                   uint64_t{first_axon} + m_layout.neuron_count <= m_layout.fan_in,
               "transposed block outside the core's rows (configure() first)");
  m_has_transposed_block = true;
  m_transposed_first_axon = first_axon;
  if (m_transposed_read == TRANSPOSED_COPY) {
    m_learning.attach_transposed_copy(m_transposed_sram.get(), first_axon);
  }
}

uint32_t NeuronCore::transposed_rows() const {
  return m_couple_partials.rows > 0 ? m_couple_partials.rows : m_layout.neuron_count;
}

uint64_t NeuronCore::transposed_copy_row_bytes() const {
  if (m_couple_partials.rows == 0) return m_layout.row_bytes;
  return row_bytes(m_couple_partials.rows, m_weight_width_bits, m_sram.word_bytes() * 8);
}

void NeuronCore::load_transposed_copy() {
  NMSIM_ASSERT(m_transposed_read == TRANSPOSED_COPY && m_has_transposed_block,
               "load_transposed_copy needs TRANSPOSED_COPY and set_transposed_block");
  const uint32_t n = m_layout.neuron_count;
  const uint32_t rows = transposed_rows();
  const uint64_t row = m_layout.row_bytes;
  const uint64_t copy_row = transposed_copy_row_bytes();
  std::vector<uint8_t> block(rows * row), copy(n * copy_row, 0);  // set-up time, not per spike
  debug_transport(sram_socket, tlm::TLM_READ_COMMAND, m_transposed_first_axon * row, block.data(),
                  block.size());
  for (uint32_t i = 0; i < rows; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      write_weight(copy.data() + j * copy_row, i, m_weight_width_bits,
                   read_weight(block.data() + i * row, j, m_weight_width_bits));
    }
  }
  debug_transport(*m_transposed_socket, tlm::TLM_WRITE_COMMAND, 0, copy.data(), copy.size());
}

void NeuronCore::configure_couple_partials(const CouplePartialsLayout& layout) {
  CoupleUnit& unit = couple_unit("configure_couple_partials");
  NMSIM_ASSERT(m_transposed_read != TRANSPOSED_READ_NONE && !m_has_transposed_block,
               "couple partials need a transposed read and no square transposed block");
  NMSIM_ASSERT(uint64_t{layout.first_row} + layout.rows <= m_layout.fan_in, "couple partial rows outside the core's rows");
  uint32_t covered = 0;
  for (const CouplePartialTarget& t : layout.targets) {
    NMSIM_ASSERT(t.first_row == covered && t.count > 0, "couple partial targets must cover the rows in order");
    covered += t.count;
  }
  NMSIM_ASSERT(covered == layout.rows && layout.range < layout.ranges, "couple partial targets must cover the rows");
  m_couple_partials = layout;
  unit.configure_partials(layout.rows, layout.ranges, m_layout.owns_neurons() ? m_layout.neuron_count : 0);
  if (layout.rows == 0) return;
  m_has_transposed_block = true;
  m_transposed_first_axon = layout.first_row;
  if (m_transposed_read == TRANSPOSED_COPY) {
    for (auto& buffer : m_row_buffers) buffer.resize(std::max<std::size_t>(buffer.size(), transposed_copy_row_bytes()));
    const uint64_t bytes = uint64_t{m_layout.neuron_count} * transposed_copy_row_bytes();
    NMSIM_ASSERT(bytes <= m_transposed_sram->size_bytes(), "the transposed block does not fit the copy array");
    m_learning.attach_transposed_copy(m_transposed_sram.get(), layout.first_row, layout.rows,
                                      transposed_copy_row_bytes());
  }
}

void NeuronCore::integrate_couple_partials(const SpikeBitmap& positive, const SpikeBitmap& negative) {
  CoupleUnit& unit = couple_unit("integrate_couple_partials");
  const uint32_t m = m_couple_partials.rows;
  NMSIM_ASSERT(m > 0, "integrate_couple_partials on a core without recurrent rows");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  SpikeBitmap& senders = unit.senders();
  senders.clear();
  positive.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n, "couple partial sender outside the core's neurons");
    senders.set(j);
  });
  negative.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n && !positive.test(j), "a sender both +1 and -1, or outside the core");
    senders.set(j);
  });
  m_trace_phase.set(start, kIntegrate);
  unit.begin_partial_pass();
  uint64_t count = 0;
  Cycle accumulator_free;
  if (m_transposed_read == TRANSPOSED_COPY) {
    const auto copy_row = static_cast<uint32_t>(transposed_copy_row_bytes());
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      return m_transposed_sram->access(false, uint64_t{j} * copy_row, copy_row, m_row_buffers[buffer].data(), request);
    };
    const auto add = [&](uint32_t j, std::size_t buffer) {
      unit.accumulate_partial_row(m_row_buffers[buffer].data(), m, negative.test(j));
    };
    accumulator_free = sender_pipeline(senders, start, fetch, add, &count, m);
  } else {
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      return unit.fetch_column(m_sram, m_couple_partials.first_row, m_layout.row_bytes, j, m, buffer, request);
    };
    const auto add = [&](uint32_t j, std::size_t buffer) { unit.accumulate_partial_column(buffer, m, negative.test(j)); };
    accumulator_free = sender_pipeline(senders, start, fetch, add, &count, m);
  }
  m_sops.add(m_ctx.phase.current(), count * m);
  unit.count_partial_pass(count);
  const Cycle scan_end = start + ceil_div(n, m_scan_bits);
  busy_until(max(accumulator_free, scan_end) + m_fill_cycles, m_integrate_cycles);
}

void NeuronCore::send_couple_partials() {
  CoupleUnit& unit = couple_unit("send_couple_partials");
  const Cycle start = now();
  m_trace_phase.set(start, kSend);
  const uint32_t range = m_couple_partials.range;
  const bool any = unit.block_has_senders();
  const uint32_t flits = 1 + 3 * (m_value_packet_flits - 1);
  uint64_t k = 0;
  for (const CouplePartialTarget& t : m_couple_partials.targets) {
    const bool local = t.node == m_node && t.core == m_core_in_node;
    if (any) unit.count_partial_send(t.count);
    if (local) {  // the core's own couples: straight into its merge buffer
      if (any) {
        for (uint32_t r = 0; r < t.count; ++r)
          unit.store_partial(range, t.first_couple + r, unit.block_partial(t.first_row + r), start + k + r);
      } else {
        unit.store_none(range, t.count, start + k);
      }
      k += any ? t.count : 1;
      continue;
    }
    const auto packet = [&](uint32_t couple, uint32_t length) {
      m_packet = noc::Packet{};
      m_packet.kind = noc::PacketKind::kUnicast;
      m_packet.dest_node = t.node;
      m_packet.dest_core = t.core;
      m_packet.type = noc::PacketType::kCouplePartial;
      m_packet.length_flits = length;
      m_packet.payload = CoupleUnit::partial_payload(range, couple);
    };
    if (!any) {
      packet(CoupleUnit::kNone, 1);
      m_packet.value = static_cast<int32_t>(t.count);
      inject(start + k);
      ++k;
      continue;
    }
    for (uint32_t r = 0; r < t.count; ++r) {
      const arith::SaturatingSum& partial = unit.block_partial(t.first_row + r);
      packet(t.first_couple + r, flits);
      m_packet.value = partial.clamped_sum(m_state_width_bits);
      m_packet.low = partial.low;
      m_packet.high = partial.high;
      inject(start + k);
      ++k;
    }
  }
  busy_until(start + k, m_send_cycles);
}

void NeuronCore::merge_couple_partials() {
  CoupleUnit& unit = couple_unit("merge_couple_partials");
  NMSIM_ASSERT(m_layout.owns_neurons(), "merge_couple_partials on a core that owns no couples");
  while (!unit.partials_complete()) sc_core::wait(m_couple_partials_complete);
  const Cycle start = max(now(), unit.last_partial_arrival());
  const uint64_t words = ceil_div(m_layout.neuron_count, m_lanes) * unit.ranges_with_partials();
  unit.merge_partials();
  advance_to(start);
  if (words == 0) return;
  m_trace_phase.set(start, kIntegrate);
  busy_until(start + words * cycles_per_state_word() + m_fill_cycles, unit.merge_cycles());
}

void NeuronCore::reset_couples() {
  CoupleUnit& unit = couple_unit("reset_couples");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  unit.reset(n);
  m_trace_phase.set(start, kReset);
  busy_until(start + ceil_div(n, m_lanes) + m_fill_cycles, m_scan_cycles);
}

void NeuronCore::set_couple_drive(const int32_t* drives) {
  CoupleUnit& unit = couple_unit("set_couple_drive");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  unit.set_drive(drives, n);
  busy_until(start + ceil_div(n, m_lanes), m_controller_cycles);
}

void NeuronCore::set_couple_send_mask(const SpikeBitmap& mask) {
  CoupleUnit& unit = couple_unit("set_couple_send_mask");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  unit.set_send_mask(mask, n);
  busy_until(start + ceil_div(n, 32), m_controller_cycles);  // 32 mask bits a controller write
}

void NeuronCore::set_couple_send_mask_from_counts(uint8_t above, uint8_t below) {
  CoupleUnit& unit = couple_unit("set_couple_send_mask_from_counts");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  unit.set_send_mask_from_counts(m_spike_counts, n, above, below);
  m_trace_phase.set(start, kFire);
  busy_until(start + ceil_div(n, m_lanes) + m_fill_cycles, m_scan_cycles);
}

uint32_t NeuronCore::fire_couples(bool add_drive) {
  CoupleUnit& unit = couple_unit("fire_couples");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  const uint32_t fired = unit.fire(add_drive, arith::couple_threshold(m_params), n);
  m_trace_phase.set(start, kFire);
  busy_until(start + ceil_div(n, m_lanes) * cycles_per_state_word() + m_fill_cycles, m_scan_cycles);
  return fired;
}

void NeuronCore::send_couple_spikes(uint32_t tree_id) {
  CoupleUnit& unit = couple_unit("send_couple_spikes");
  SpikeBitmap& senders = unit.senders();
  senders.clear();
  unit.spikes_positive().for_each([&](uint32_t i) { senders.set(i); });
  unit.spikes_negative().for_each([&](uint32_t i) { senders.set(i); });
  const Cycle start = now();
  uint64_t k = 0;
  senders.for_each([&](uint32_t i) {
    const Cycle at = start + k;
    m_packet = noc::Packet{};
    m_packet.kind = noc::PacketKind::kMulticast;
    m_packet.tree_id = tree_id;
    m_packet.type = noc::PacketType::kSpike;
    m_packet.length_flits = 1;
    m_packet.payload = arith::encode_ternary_spike(m_layout.first_neuron + i, unit.spikes_negative().test(i));
    inject(at);
    m_trace_spike_out.pulse(at);
    ++k;
  });
  if (k == 0) return;
  m_trace_phase.set(start, kSend);
  busy_until(start + k, m_send_cycles);
}

void NeuronCore::finish_couple_pass(Cycle start, Cycle accumulator_free, uint64_t senders, uint32_t lines,
                                    bool transposed) {
  const uint32_t n = m_layout.neuron_count;
  m_sops.add(m_ctx.phase.current(), senders * n);
  m_couples->count_pass(senders, n, transposed);
  const Cycle scan_end = start + ceil_div(lines, m_scan_bits);
  busy_until(max(accumulator_free, scan_end) + m_fill_cycles, m_integrate_cycles);
}

void NeuronCore::integrate_couples() {
  CoupleUnit& unit = couple_unit("integrate_couples");
  const Cycle start = now();
  if (start > m_ctx.clock.now()) m_spikes_read_at = start;  // a deferred read (deliver() checks)
  const uint32_t n = m_layout.neuron_count;
  const auto row_bytes = static_cast<uint32_t>(m_layout.row_bytes);
  m_trace_phase.set(start, kIntegrate);
  const auto fetch = [&](uint32_t axon, std::size_t buffer, Cycle request) {
    return m_sram.access(false, uint64_t{axon} * row_bytes, row_bytes, m_row_buffers[buffer].data(), request);
  };
  const auto add = [&](uint32_t axon, std::size_t buffer) {
    unit.accumulate_row(m_row_buffers[buffer].data(), n, unit.is_negative(axon));
  };
  uint64_t rows = 0;
  const Cycle accumulator_free = sender_pipeline(m_axon_spikes, start, fetch, add, &rows);
  m_axon_spikes.clear();
  unit.clear_negative();
  m_rows_fetched.add(m_ctx.phase.current(), rows);
  finish_couple_pass(start, accumulator_free, rows, m_layout.fan_in, false);
}

void NeuronCore::integrate_couples_transposed(const SpikeBitmap& positive, const SpikeBitmap& negative) {
  CoupleUnit& unit = couple_unit("integrate_couples_transposed");
  NMSIM_ASSERT(m_transposed_read != TRANSPOSED_READ_NONE && m_has_transposed_block,
               "integrate_couples_transposed needs chip.core.transposed_read and set_transposed_block");
  const Cycle start = now();
  const uint32_t n = m_layout.neuron_count;
  SpikeBitmap& senders = unit.senders();
  senders.clear();
  positive.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n, "transposed sender outside the core's neurons");
    senders.set(j);
  });
  negative.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n && !positive.test(j), "a transposed sender both +1 and -1, or outside the core");
    senders.set(j);
  });
  m_trace_phase.set(start, kIntegrate);
  uint64_t count = 0;
  Cycle accumulator_free;
  if (m_transposed_read == TRANSPOSED_COPY) {
    // Copy row j holds W_ji for the core's neurons i: one row fetch, as integrate().
    const auto row_bytes = static_cast<uint32_t>(m_layout.row_bytes);
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      return m_transposed_sram->access(false, uint64_t{j} * row_bytes, row_bytes,
                                       m_row_buffers[buffer].data(), request);
    };
    const auto add = [&](uint32_t j, std::size_t buffer) {
      unit.accumulate_row(m_row_buffers[buffer].data(), n, negative.test(j));
    };
    accumulator_free = sender_pipeline(senders, start, fetch, add, &count);
  } else {
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      return unit.fetch_column(m_sram, m_transposed_first_axon, m_layout.row_bytes, j, n, buffer, request);
    };
    const auto add = [&](uint32_t j, std::size_t buffer) { unit.accumulate_column(buffer, n, negative.test(j)); };
    accumulator_free = sender_pipeline(senders, start, fetch, add, &count);
  }
  finish_couple_pass(start, accumulator_free, count, n, true);
}

}  // namespace nmsim::core
