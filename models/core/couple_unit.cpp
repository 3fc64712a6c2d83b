// The neuron core's ternary couple unit (SPIDE's backward stage): couple and drive memories,
// the ternary fire scan, signed spikes and the transposed weight read. Timing and counts are
// stated at the top of neuron_core.h; the choices behind them in models/core/README.md.
#include <algorithm>
#include <cstring>
#include <string>

#include "models/core/neuron_core.h"
#include "models/core/neuron_core_internal.h"
#include "models/arith/ternary_spike.h"
#include "models/core/weight_row.h"
#include "models/base/errors.h"

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

void NeuronCore::require_couples(const char* call) const {
  NMSIM_ASSERT(m_couples, std::string(call) + " on a core without ternary couples (chip.core.ternary_couples)");
}

void NeuronCore::set_transposed_block(uint32_t first_axon) {
  require_couples("set_transposed_block");
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

void NeuronCore::load_transposed_copy() {
  NMSIM_ASSERT(m_transposed_read == TRANSPOSED_COPY && m_has_transposed_block,
               "load_transposed_copy needs TRANSPOSED_COPY and set_transposed_block");
  const uint32_t n = m_layout.neuron_count;
  const uint64_t row = m_layout.row_bytes;
  std::vector<uint8_t> block(n * row), copy(n * row, 0);  // set-up time, not per spike
  debug_transport(sram_socket, tlm::TLM_READ_COMMAND, m_transposed_first_axon * row, block.data(),
                  block.size());
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      write_weight(copy.data() + j * row, i, m_weight_width_bits,
                   read_weight(block.data() + i * row, j, m_weight_width_bits));
    }
  }
  debug_transport(*m_transposed_socket, tlm::TLM_WRITE_COMMAND, 0, copy.data(), copy.size());
}

void NeuronCore::reset_couples() {
  require_couples("reset_couples");
  const Cycle start = m_ctx.clock.now();
  const uint32_t n = m_layout.neuron_count;
  const uint64_t words = ceil_div(n, m_lanes);
  std::fill(m_couple_potentials.begin(), m_couple_potentials.end(), 0);
  std::fill(m_couple_counts.begin(), m_couple_counts.end(), 0);
  m_couple_out_positive.clear();
  m_couple_out_negative.clear();
  m_couple_mask.clear();
  for (uint32_t i = 0; i < n; ++i) m_couple_mask.set(i);  // mask flip-flops preset to 1
  m_couple_writes.add(m_ctx.phase.current(), words);
  m_trace_phase.set(start, kReset);
  busy_until(start + words + m_fill_cycles, m_scan_cycles);
}

void NeuronCore::set_couple_drive(const int32_t* drives) {
  require_couples("set_couple_drive");
  const Cycle start = m_ctx.clock.now();
  const uint32_t n = m_layout.neuron_count;
  const uint64_t words = ceil_div(n, m_lanes);
  for (uint32_t i = 0; i < n; ++i) m_couple_drives[i] = arith::saturate(drives[i], m_state_width_bits);
  m_drive_writes.add(m_ctx.phase.current(), words);
  busy_until(start + words, m_controller_cycles);
}

void NeuronCore::set_couple_send_mask(const SpikeBitmap& mask) {
  require_couples("set_couple_send_mask");
  const uint32_t n = m_layout.neuron_count;
  NMSIM_ASSERT(mask.size() >= n, "send mask shorter than the core's neurons");
  const Cycle start = m_ctx.clock.now();
  m_couple_mask.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (mask.test(i)) m_couple_mask.set(i);
  }
  busy_until(start + ceil_div(n, 32), m_controller_cycles);  // 32 mask bits a controller write
}

void NeuronCore::set_couple_send_mask_from_counts(uint8_t above, uint8_t below) {
  require_couples("set_couple_send_mask_from_counts");
  const Cycle start = m_ctx.clock.now();
  const uint32_t n = m_layout.neuron_count;
  m_couple_mask.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (m_spike_counts[i] > above && m_spike_counts[i] < below) m_couple_mask.set(i);
  }
  m_mask_compares.add(m_ctx.phase.current(), 2 * uint64_t{n});
  m_trace_phase.set(start, kFire);
  busy_until(start + ceil_div(n, m_lanes) + m_fill_cycles, m_scan_cycles);
}

uint32_t NeuronCore::fire_couples(bool add_drive) {
  require_couples("fire_couples");
  const Cycle start = m_ctx.clock.now();
  const Phase phase = m_ctx.phase.current();
  const uint32_t n = m_layout.neuron_count;
  const uint64_t words = ceil_div(n, m_lanes);
  const int32_t theta_b = arith::couple_threshold(m_params);
  NMSIM_ASSERT(theta_b > 0, "couple threshold theta / 2 must be positive");
  m_couple_out_positive.clear();
  m_couple_out_negative.clear();
  uint32_t fired = 0;
  for (uint32_t i = 0; i < n; ++i) {
    int32_t& v = m_couple_potentials[i];
    if (add_drive) v = arith::accumulate(v, m_couple_drives[i], m_state_width_bits);
    const int spike = arith::couple_fire_step(v, theta_b);
    if (spike == 0) continue;
    ++fired;
    int16_t& count = m_couple_counts[i];
    if (spike > 0 && count < INT16_MAX) ++count;
    if (spike < 0 && count > INT16_MIN) --count;
    if (m_couple_mask.test(i)) (spike > 0 ? m_couple_out_positive : m_couple_out_negative).set(i);
  }
  m_couple_reads.add(phase, words);
  m_couple_writes.add(phase, words);
  if (add_drive) {
    m_drive_reads.add(phase, words);
    m_drive_adds.add(phase, n);
  }
  m_couple_compares.add(phase, 2 * uint64_t{n});
  m_couple_resets.add(phase, fired);
  m_couple_spikes.add(phase, fired);
  m_trace_phase.set(start, kFire);
  busy_until(start + words * cycles_per_state_word() + m_fill_cycles, m_scan_cycles);
  return fired;
}

void NeuronCore::send_couple_spikes(uint32_t tree_id) {
  require_couples("send_couple_spikes");
  m_senders.clear();
  m_couple_out_positive.for_each([&](uint32_t i) { m_senders.set(i); });
  m_couple_out_negative.for_each([&](uint32_t i) { m_senders.set(i); });
  const Cycle start = m_ctx.clock.now();
  uint64_t k = 0;
  m_senders.for_each([&](uint32_t i) {
    const Cycle at = start + k;
    m_packet = noc::Packet{};
    m_packet.kind = noc::PacketKind::kMulticast;
    m_packet.tree_id = tree_id;
    m_packet.type = noc::PacketType::kSpike;
    m_packet.length_flits = 1;
    m_packet.payload = arith::encode_ternary_spike(m_layout.first_neuron + i, m_couple_out_negative.test(i));
    inject(at);
    m_trace_spike_out.pulse(at);
    ++k;
  });
  if (k == 0) return;
  m_trace_phase.set(start, kSend);
  busy_until(start + k, m_send_cycles);
}

void NeuronCore::accumulate_couple_row(const uint8_t* row, uint32_t n, bool negative) {
  int32_t* const v = m_couple_potentials.data();
  const uint32_t bits = m_state_width_bits;
  if (m_weight_width_bits == 16) {
    for (uint32_t i = 0; i < n; ++i) {
      int16_t w;
      std::memcpy(&w, row + 2 * i, sizeof w);  // little-endian rows (weight_row.h)
      v[i] = arith::accumulate_signed(v[i], w, negative, bits);
    }
    return;
  }
  for (uint32_t i = 0; i < n; ++i) {
    v[i] = arith::accumulate_signed(v[i], read_weight(row, i, m_weight_width_bits), negative, bits);
  }
}

void NeuronCore::accumulate_couple_column(const int32_t* column, uint32_t n, bool negative) {
  int32_t* const v = m_couple_potentials.data();
  for (uint32_t i = 0; i < n; ++i) v[i] = arith::accumulate_signed(v[i], column[i], negative, m_state_width_bits);
}

void NeuronCore::finish_couple_pass(Cycle start, Cycle accumulator_free, uint64_t senders,
                                    uint32_t lines) {
  const Phase phase = m_ctx.phase.current();
  const uint32_t n = m_layout.neuron_count;
  const uint64_t words = ceil_div(n, m_lanes);
  m_sops.add(phase, senders * n);
  m_couple_reads.add(phase, senders * words);
  m_couple_writes.add(phase, senders * words);
  const Cycle scan_end = start + ceil_div(lines, m_scan_bits);
  busy_until(max(accumulator_free, scan_end) + m_fill_cycles, m_integrate_cycles);
}

void NeuronCore::integrate_couples() {
  require_couples("integrate_couples");
  const Cycle start = m_ctx.clock.now();
  const uint32_t n = m_layout.neuron_count;
  const auto row_bytes = static_cast<uint32_t>(m_layout.row_bytes);
  m_trace_phase.set(start, kIntegrate);
  const auto fetch = [&](uint32_t axon, std::size_t buffer, Cycle request) {
    return m_sram.access(false, uint64_t{axon} * row_bytes, row_bytes, m_row_buffers[buffer].data(), request);
  };
  const auto add = [&](uint32_t axon, std::size_t buffer) {
    accumulate_couple_row(m_row_buffers[buffer].data(), n, m_axon_negative.test(axon));
  };
  uint64_t rows = 0;
  const Cycle accumulator_free = sender_pipeline(m_axon_spikes, start, fetch, add, &rows);
  m_axon_spikes.clear();
  m_axon_negative.clear();
  m_rows_fetched.add(m_ctx.phase.current(), rows);
  finish_couple_pass(start, accumulator_free, rows, m_layout.fan_in);
}

void NeuronCore::integrate_couples_transposed(const SpikeBitmap& positive, const SpikeBitmap& negative) {
  require_couples("integrate_couples_transposed");
  NMSIM_ASSERT(m_transposed_read != TRANSPOSED_READ_NONE && m_has_transposed_block,
               "integrate_couples_transposed needs chip.core.transposed_read and set_transposed_block");
  const Cycle start = m_ctx.clock.now();
  const uint32_t n = m_layout.neuron_count;
  m_senders.clear();
  positive.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n, "transposed sender outside the core's neurons");
    m_senders.set(j);
  });
  negative.for_each([&](uint32_t j) {
    NMSIM_ASSERT(j < n && !positive.test(j), "a transposed sender both +1 and -1, or outside the core");
    m_senders.set(j);
  });
  m_trace_phase.set(start, kIntegrate);
  uint64_t senders = 0;
  Cycle accumulator_free;
  if (m_transposed_read == TRANSPOSED_COPY) {
    // Copy row j holds W_ji for the core's neurons i: one row fetch, as integrate().
    const auto row_bytes = static_cast<uint32_t>(m_layout.row_bytes);
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      return m_transposed_sram->access(false, uint64_t{j} * row_bytes, row_bytes,
                                       m_row_buffers[buffer].data(), request);
    };
    const auto add = [&](uint32_t j, std::size_t buffer) {
      accumulate_couple_row(m_row_buffers[buffer].data(), n, negative.test(j));
    };
    accumulator_free = sender_pipeline(m_senders, start, fetch, add, &senders);
  } else {
    // W_ji sits in row first_axon + i: one word read per receiver i, one weight used of it.
    const uint32_t word_bytes = m_sram.word_bytes();
    const uint32_t per_word = word_bytes * 8 / m_weight_width_bits;
    const auto fetch = [&](uint32_t j, std::size_t buffer, Cycle request) {
      const uint64_t word_offset = uint64_t{j / per_word} * word_bytes;
      Cycle ready = request;
      for (uint32_t i = 0; i < n; ++i) {
        const uint64_t address = (uint64_t{m_transposed_first_axon} + i) * m_layout.row_bytes + word_offset;
        ready = max(ready, m_sram.access(false, address, word_bytes, m_word_buffer.data(), request));
        m_column_buffers[buffer][i] = read_weight(m_word_buffer.data(), j % per_word, m_weight_width_bits);
      }
      return ready;
    };
    const auto add = [&](uint32_t j, std::size_t buffer) {
      accumulate_couple_column(m_column_buffers[buffer].data(), n, negative.test(j));
    };
    accumulator_free = sender_pipeline(m_senders, start, fetch, add, &senders);
  }
  m_transposed_senders.add(m_ctx.phase.current(), senders);
  finish_couple_pass(start, accumulator_free, senders, n);
}

}  // namespace nmsim::core
