// The core's AER event controller (neuron_core.h "AER events"; models/core/README.md): the
// timing of one event is computed from the controller's state, its arithmetic done in plain
// C++, then the core waits until the event is idle.
#include "models/core/neuron_core.h"

#include <algorithm>

#include "models/core/neuron_core_internal.h"
#include "models/core/weight_row.h"

namespace nmsim::core {

namespace {

// The kinds the scheduler queues (ODIN's PUSH/POP path); the others are handled directly.
bool queued_kind(AerEventKind kind) {
  return kind == AER_NEURON_SPIKE || kind == AER_VIRTUAL || kind == AER_VIRTUAL_LEAK;
}

bool sweeps_all(AerEventKind kind) { return kind == AER_NEURON_SPIKE || kind == AER_TIME_REF_ALL; }

}  // namespace

int32_t NeuronCore::event_synapse(uint32_t pre, uint32_t neuron, Cycle at) {
  const uint32_t word_bits = m_sram.word_bytes() * 8;
  const uint32_t per_word = word_bits / m_weight_width_bits;
  fetch_synapses(pre * m_layout.row_bytes + uint64_t{neuron / per_word} * m_sram.word_bytes(),
                 m_event_word.data(), m_sram.word_bytes(), at);
  return read_weight(m_event_word.data(), neuron % per_word, m_weight_width_bits);
}

template <typename Update>
Cycle NeuronCore::event_pass(uint32_t first, uint32_t count, Cycle t, bool fire, Update&& update,
                             AerEventRecord& record, Cycle* last_write, bool* reached) {
  const uint64_t c = cycles_per_state_word();
  const uint32_t stall = m_aer_out_stall_cycles + m_aer_receiver_delay;
  const Phase phase = m_ctx.phase.current();
  const uint32_t first_word = first / m_lanes;
  const uint32_t end_word = static_cast<uint32_t>(ceil_div(uint64_t{first} + count, m_lanes));
  for (uint32_t word = first_word; word < end_word; ++word) {
    t += c;  // read in the word's first cycle, written in its last
    *last_write = t;
    const uint32_t end = std::min((word + 1) * m_lanes, first + count);
    for (uint32_t j = std::max(word * m_lanes, first); j < end; ++j) {
      update(j);
      if (!fire) {
        *reached = *reached || m_potentials[j] >= m_params.threshold;
        continue;
      }
      if (!arith::threshold_step(m_potentials[j], m_params)) continue;
      if (m_spike_counts[j] < 255) ++m_spike_counts[j];
      m_spikes_fired.add(phase);
      record.add_out(t.value());
      record.add_out_neuron(j);
      m_trace_spike_out.pulse(t);
      t += stall;  // the AER-out handshake freezes the controller
    }
  }
  m_state_reads.add(phase, end_word - first_word);
  m_state_writes.add(phase, end_word - first_word);
  return t;
}

AerEventRecord NeuronCore::process_event(const AerInputEvent& event) {
  NMSIM_ASSERT(m_layout.used && m_layout.owns_neurons() && !m_couples && m_generator == nullptr,
               "AER events on a core without neurons of its own, or with couples or a weight generator");
  const AerEventKind kind = event.kind();
  const bool queued = m_event_queue_depth > 0 && queued_kind(kind);
  AerEventRecord record;
  record.set_kind(kind);
  const Cycle request = max(Cycle(event.at()), m_event_input_free);
  const Cycle seen = request + m_aer_input_sync_cycles;
  Cycle wait_for = max(seen, m_event_controller_free);
  if (queued && m_event_queue_accepts_during_sweep) {
    // Entries whose processing started by `seen` have left; a full scheduler frees an entry
    // when the oldest one still waiting starts.
    while (!m_event_queue.empty() && m_event_queue.front() <= seen) m_event_queue.pop_front();
    wait_for = m_event_queue.size() < m_event_queue_depth
                   ? seen
                   : max(seen, m_event_queue[m_event_queue.size() - m_event_queue_depth]);
  }
  const Cycle accepted = wait_for + 1;
  Cycle t = accepted;  // the last cycle the controller has used
  Cycle acknowledged = accepted;
  if (queued) {
    acknowledged = accepted + 1;  // the push
    t = max(acknowledged + m_aer_ack_cycles, m_event_controller_free) + m_event_queue_pop_cycles;
    m_event_queue.push_back(t);
  }

  const Phase phase = m_ctx.phase.current();
  const uint32_t swept = m_event_sweep_all_neurons ? m_neurons : m_layout.neuron_count;
  const bool sweep = sweeps_all(kind);
  const uint32_t first = sweep ? 0 : event.neuron();
  const uint32_t count = sweep ? swept : 1;
  const uint32_t n = m_layout.neuron_count;
  const uint32_t bits = m_state_width_bits;
  const auto add = [&](uint32_t j, int32_t w) { m_potentials[j] = arith::accumulate(m_potentials[j], w, bits); };
  const auto leak = [&](uint32_t j) { arith::leak_step(m_potentials[j], m_params); };
  bool integrates = true;
  Cycle last_write = t;
  bool reached = false;
  Cycle end = t;
  const auto pass = [&](auto&& update) {
    end = event_pass(first, count, t, m_event_fire_in_sweep, update, record, &last_write, &reached);
  };
  switch (kind) {
    case AER_NEURON_SPIKE: {
      const uint32_t pre = event.pre();
      fetch_synapses(pre * m_layout.row_bytes, m_row_buffers[0].data(),
                     static_cast<uint32_t>(m_layout.row_bytes), max(t, now()));
      m_rows_fetched.add(phase);
      m_sops.add(phase, n);
      if (m_axon_counts[pre] < 255) ++m_axon_counts[pre];
      const uint8_t* row = m_row_buffers[0].data();
      pass([&](uint32_t j) {
        if (j < n) add(j, read_weight(row, j, m_weight_width_bits));
      });
      break;
    }
    case AER_SINGLE_SYNAPSE: {
      const int32_t w = event_synapse(event.pre(), event.neuron(), max(t, now()));
      m_sops.add(phase, 1);
      pass([&](uint32_t j) { add(j, w); });
      break;
    }
    case AER_VIRTUAL:
      m_sops.add(phase, 1);
      pass([&](uint32_t j) { add(j, event.weight()); });
      break;
    case AER_VIRTUAL_LEAK:
    case AER_TIME_REF_NEURON:
    case AER_TIME_REF_ALL:
      integrates = false;
      m_neuron_updates.add(phase, count);
      pass(leak);
      break;
    default:
      NMSIM_ASSERT(false, "an AER event kind the stimulus loader did not check");
  }
  if (!m_event_fire_in_sweep && reached) {
    // The separate fire scan: the same words again, the neurons firing in their write cycles.
    end = event_pass(first, count, end, true, [](uint32_t) {}, record, &last_write, &reached);
  }
  if (!queued) acknowledged = last_write;
  const Cycle handshake_end = acknowledged + m_aer_ack_cycles;
  m_event_input_free = handshake_end;
  const Cycle idle = max(end, handshake_end);
  m_event_controller_free = queued ? end : idle;
  record.set_request(request.value());
  record.set_accepted(accepted.value());
  record.set_acknowledged(acknowledged.value());
  record.set_idle(idle.value());

  // Busy from the cycle the controller took the event (or from now, if it was taken while the
  // core was still busy with the one before) until the event is idle.
  const Cycle busy_from = Cycle(accepted.value() - 1);
  if (busy_from > now()) advance_to(busy_from);
  m_trace_phase.set(now(), integrates ? kIntegrate : kFire);
  busy_until(max(idle, now()), integrates ? m_integrate_cycles : m_scan_cycles);
  m_trace_phase.set(now(), kIdle);
  return record;
}

}  // namespace nmsim::core
