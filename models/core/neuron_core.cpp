#include "models/core/neuron_core.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "models/core/neuron_core_internal.h"
#include "models/arith/ternary_spike.h"
#include "models/core/weight_row.h"
#include "models/base/avx2_clones.h"
#include "models/base/errors.h"
#include "models/trace/neuron_recorder.h"

namespace nmsim::core {

namespace {

// The second synapse array of TRANSPOSED_COPY: the first's geometry and timing, sized for the
// transposed block of the core's own neurons (neurons rows of neurons weights), rounded up
// to whole bank rows.
SramConfig transposed_copy_config(const CoreConfig& config) {
  SramConfig copy = config.synapse_sram();
  const uint64_t bytes = uint64_t{config.neurons()} *
                         row_bytes(config.neurons(), config.weight_width_bits(), copy.word_width_bits());
  const uint64_t unit = uint64_t{copy.banks()} * (copy.word_width_bits() / 8);
  copy.set_size_bytes(ceil_div(bytes, unit) * unit);
  return copy;
}

// Creates a unit enabled after the core's constructor (before the run) as the core's child,
// as if the constructor had made it, so the report names it core.<unit>.
template <typename Unit, typename... Args>
std::unique_ptr<Unit> make_child(sc_core::sc_module& parent, Args&&... args) {
  sc_core::sc_simcontext& simulation = *sc_core::sc_get_curr_simcontext();
  simulation.hierarchy_push(&parent);
  struct Pop {
    sc_core::sc_simcontext& simulation;
    ~Pop() { simulation.hierarchy_pop(); }
  } pop{simulation};
  return std::make_unique<Unit>(std::forward<Args>(args)...);
}

// u[j] = min(max(u[j] + w[j], lo), hi) for the n weights of a little-endian row of int16
// (`wide`) or int8 weights: the integrate unit's inner loop when no refractory masking is on.
// It vectorises (the index is a size_t: a uint32_t 2 * j could wrap, which keeps GCC from
// it), with an AVX2 clone.
NMSIM_AVX2_CLONES void clamp_accumulate(int32_t* u, const uint8_t* row, std::size_t n, bool wide, int32_t lo, int32_t hi) {
  const auto clamp_add = [&](std::size_t j, int32_t w) {
    const int32_t v = u[j] + w;
    u[j] = v > hi ? hi : (v < lo ? lo : v);
  };
  if (wide) {
    for (std::size_t j = 0; j < n; ++j) {
      int16_t w;
      std::memcpy(&w, row + 2 * j, sizeof w);
      clamp_add(j, w);
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) clamp_add(j, static_cast<int8_t>(row[j]));
  }
}

}  // namespace

NeuronCore::NeuronCore(sc_core::sc_module_name name, const CoreConfig& config, SimContext& ctx,
                       uint32_t node, uint32_t core_in_node, Barrier& barrier,
                       uint32_t value_packet_flits)
    : sc_module(name),
      sram_socket("sram_socket"),
      noc_socket("noc_socket"),
      m_neurons(config.neurons()),
      m_lanes(config.accumulate_lanes()),
      m_state_width_bits(config.state_width_bits()),
      m_weight_width_bits(config.weight_width_bits()),
      m_state_ports(config.has_state_memory_ports() ? config.state_memory_ports() : 2),
      m_max_axons(config.max_axons()),
      m_scan_bits(config.spike_scan_bits_per_cycle()),
      m_encoder_lanes(config.encoder_lanes()),
      m_fill_cycles(config.pipeline_fill_cycles()),
      m_node(node),
      m_core_in_node(core_in_node),
      m_value_packet_flits(value_packet_flits),
      m_event_fire_in_sweep(config.event_fire_in_sweep()),
      m_event_sweep_all_neurons(config.event_sweep_all_neurons()),
      m_aer_out_stall_cycles(config.aer_out_stall_cycles()),
      m_aer_input_sync_cycles(config.aer_input_sync_cycles()),
      m_aer_ack_cycles(config.aer_ack_cycles()),
      m_event_queue_depth(config.event_queue_depth()),
      m_event_queue_pop_cycles(config.event_queue_pop_cycles()),
      m_event_queue_accepts_during_sweep(config.event_queue_accepts_during_sweep()),
      m_ctx(ctx),
      m_barrier(barrier),
      m_couples(config.has_ternary_couples() && config.ternary_couples()
                    ? std::make_unique<CoupleUnit>("couples", config, ctx)
                    : nullptr),
      m_sram("sram", config.synapse_sram(), ctx),
      m_learning("learning", m_sram, ctx, config.accumulate_lanes(), config.weight_width_bits()),
      m_transposed_read(config.has_transposed_read() ? config.transposed_read() : TRANSPOSED_READ_NONE) {
  NMSIM_ASSERT(m_neurons > 0 && m_lanes > 0 && m_scan_bits > 0 && m_encoder_lanes > 0,
               "core config not validated");
  NMSIM_ASSERT(m_weight_width_bits >= 1 && m_weight_width_bits <= 16, "core config not validated");
  NMSIM_ASSERT(m_state_ports == 1 || m_state_ports == 2, "core config not validated");
  sram_socket.bind(m_sram.socket);
  m_potentials.assign(m_neurons, 0);
  m_refractory.assign(m_neurons, 0);
  m_spike_counts.assign(m_neurons, 0);
  m_fired.reserve(m_neurons);
  m_axon_spikes.resize(m_max_axons);
  m_axon_counts.assign(m_max_axons, 0);
  m_received_values.reserve(1024);
  m_event_word.assign(m_sram.word_bytes(), 0);

  const double state_kb = static_cast<double>(m_neurons) * m_state_width_bits / 8.0 / 1024.0;
  const uint32_t state_word_bits = m_lanes * m_state_width_bits;
  add_stat("sops", "SOPs", "synaptic operations: one weight accumulated for one input spike",
           m_sops, {EnergyKind::kAdd, 0, m_state_width_bits});
  add_stat("rows_fetched", "rows", "weight rows fetched by the integrate unit", m_rows_fetched);
  add_stat("state_reads", "words", "neuron state memory reads (lanes potentials a word)",
           m_state_reads, {EnergyKind::kStateRead, state_kb, state_word_bits});
  add_stat("state_writes", "words", "neuron state memory writes (lanes potentials a word)",
           m_state_writes, {EnergyKind::kStateWrite, state_kb, state_word_bits});
  add_stat("neuron_updates", "updates", "neurons leaked and thresholded by the fire scan",
           m_neuron_updates, {EnergyKind::kAdd, 0, m_state_width_bits});
  add_stat("encoder_ops", "pixels", "pixel-steps converted by the rate encoder", m_encoder_ops,
           {EnergyKind::kAdd, 0, 8});
  add_stat("spikes_fired", "spikes", "neurons that fired", m_spikes_fired);
  add_stat("spikes_received", "spikes", "spike packets delivered to this core", m_spikes_received);
  add_stat("packets_sent", "packets", "packets (spikes and values) handed to the network interface",
           m_packets_sent);
  add_stat("values_received", "packets", "graded-value packets delivered to this core",
           m_values_received);
  add_stat("busy_cycles", "cycles", "cycles the core's units were working (sum of the unit cycles below)",
           m_busy_cycles);
  // Clock tree and control logic per active cycle, by unit.
  add_stat("integrate_cycles", "cycles", "cycles spent integrating spikes", m_integrate_cycles,
           {EnergyKind::kActiveCycle});
  add_stat("scan_cycles", "cycles", "cycles spent in fire scans and neuron resets", m_scan_cycles,
           {EnergyKind::kActiveCycle});
  add_stat("encode_cycles", "cycles", "cycles spent encoding input pixels", m_encode_cycles,
           {EnergyKind::kActiveCycle});
  add_stat("learn_cycles", "cycles", "cycles spent reading and updating weights", m_learn_cycles,
           {EnergyKind::kActiveCycle});
  add_stat("controller_cycles", "cycles", "cycles of the controller's scalar datapath",
           m_controller_cycles, {EnergyKind::kActiveCycle});
  add_stat("controller_adds", "adds", "32-bit adds of the controller's scalar datapath",
           m_controller_adds, {EnergyKind::kAdd, 0, 32});
  add_stat("controller_multiplies", "multiplies", "32-bit multiplies of the controller's scalar datapath",
           m_controller_multiplies, {EnergyKind::kMultiply, 0, 32});
  add_stat("send_cycles", "cycles", "cycles spent handing spikes to the network interface",
           m_send_cycles, {EnergyKind::kActiveCycle});
  add_stat("idle_cycles", "cycles", "cycles the core waited (clocked only without clock gating)",
           m_idle_cycles, {EnergyKind::kIdleCycle});
  add_leakage({LeakageKind::kCoreLogic});
  add_leakage({LeakageKind::kSram, state_kb});
  // The couple unit's couple and drive memories, each as large as the state memory: listed
  // with the core's own memories (tools/compare_table.cpp finds them there).
  if (m_couples) add_leakage({LeakageKind::kSram, 2 * state_kb});

  // config::validate(chip) refused these before elaboration.
  NMSIM_ASSERT(m_transposed_read == TRANSPOSED_READ_NONE || m_couples, "a transposed read without the couples");
  NMSIM_ASSERT(m_transposed_read == TRANSPOSED_READ_NONE || m_transposed_read == TRANSPOSED_COPY ||
                   m_transposed_read == COLUMN_READ,
               "an unknown transposed read");
  if (m_transposed_read == TRANSPOSED_COPY) {
    m_transposed_sram = std::make_unique<sram::Sram>("transposed_sram", transposed_copy_config(config), ctx);
    m_transposed_socket =
        std::make_unique<tlm_utils::simple_initiator_socket<NeuronCore>>("transposed_sram_socket");
    m_transposed_socket->bind(m_transposed_sram->socket);
  }

  if (m_ctx.tracer != nullptr) {
    const std::string base = this->name();
    m_trace_busy = m_ctx.tracer->add_signal(base + ".busy", 1);
    m_trace_phase = m_ctx.tracer->add_states(base + ".activity", kActivityNames);
    m_trace_spike_out = m_ctx.tracer->add_signal(base + ".spike_out", 1);
    m_trace_packets_sent = m_ctx.tracer->add_counter(base + ".packets_sent");
  }
  SC_HAS_PROCESS(NeuronCore);
  SC_THREAD(controller);
}

void NeuronCore::configure(const CoreLayout& layout, const NeuronParams& params) {
  NMSIM_ASSERT(layout.neuron_count <= m_neurons && layout.fan_in <= m_max_axons,
               "mapper placed more than the core holds");
  m_layout = layout;
  m_params = params;
  m_params.state_width_bits = m_state_width_bits;
  for (auto& buffer : m_row_buffers) buffer.assign(layout.row_bytes, 0);
  m_learning.configure(layout.neuron_count, layout.row_bytes);
  if (layout.first_layer) m_input_pixels.assign(layout.fan_in, 0);
  if (m_ctx.neurons != nullptr && layout.owns_neurons()) {
    m_watched = m_ctx.neurons->watched(layout.layer, layout.first_neuron, layout.neuron_count);
  }
  if (m_transposed_read == COLUMN_READ) m_couples->configure(layout.neuron_count, m_sram.word_bytes());
  if (layout.fan_in_groups > 1) {
    NMSIM_ASSERT(m_generator == nullptr, "a fan-in split on a core with a weight generator");
    if (m_partials == nullptr) {  // configured again (a workload's own spike routes): kept
      m_partials = make_child<PartialSumUnit>(*this, "partials", m_ctx, layout.fan_in_group, layout.fan_in_groups,
                                              layout.neuron_count, m_lanes, m_state_width_bits);
    }
    m_decoded_row.assign(layout.neuron_count, 0);
  }
}

void NeuronCore::set_weight_generator(const WeightGenerator* generator) {
  NMSIM_ASSERT(m_generator == nullptr, "a core's weight generator is set once, before the run");
  if (generator == nullptr) return;
  m_generator = make_child<WeightGeneratorUnit>(*this, "weight_generator", *generator, m_ctx, m_neurons);
}

void NeuronCore::controller() {
  if (m_program == nullptr) return;  // an unused core: never clocked
  m_program->run(*this);
  sync();  // the run ends when the core's last call does
  m_trace_phase.set(now(), kIdle);
}

void NeuronCore::barrier(Phase next_phase) {
  m_trace_phase.set(now(), kBarrierWait);
  m_barrier.arrive_and_wait(next_phase, now());
  m_trace_phase.set(now(), kIdle);  // until the next unit starts
}

uint32_t NeuronCore::swept_neurons() const {
  const bool all = m_event_sweep_all_neurons && m_layout.owns_neurons() && !m_couples;
  return all ? m_neurons : m_layout.neuron_count;
}

void NeuronCore::advance_to(Cycle end) {
  if (defer_waits()) {
    m_deferred_until = max(m_deferred_until, end);
  } else {
    m_ctx.clock.wait_until(end);
  }
}

void NeuronCore::set_deferred_waits(bool on) {
  if (!on) sync();
  m_deferred_waits = on;
}

void NeuronCore::sync() {
  if (m_deferred_until > m_ctx.clock.now()) m_ctx.clock.wait_until(m_deferred_until);
}

void NeuronCore::busy_until(Cycle end, PhaseCounter& unit_cycles) {
  charge_busy(now(), end, unit_cycles);
  advance_to(end);
}

void NeuronCore::charge_busy(Cycle start, Cycle end, PhaseCounter& unit_cycles) {
  m_last_sweep_can_fire = false;  // any work since an integrate() pass: fire() scans
  m_busy_cycles.add(m_ctx.phase.current(), end - start);
  unit_cycles.add(m_ctx.phase.current(), end - start);
  if (end > start) {
    m_trace_busy.set(start, 1);
    m_trace_busy.set(end, 0);
  }
}

void NeuronCore::accumulate_row(const uint8_t* row, uint32_t n) {
  // The hot loop of the simulator (one iteration per SOP): the weight width and whether
  // refractory masking is on are decided once per row, not per synapse.
  int32_t* const u = m_potentials.data();
  const uint8_t* const refractory = m_refractory.data();
  const bool masked = m_params.refractory_steps > 0;
  const uint32_t bits = m_state_width_bits;
  if (!masked && bits <= 30 && (m_weight_width_bits == 16 || m_weight_width_bits == 8)) {
    // |u| < 2^29 and |w| <= 2^15, so u + w cannot overflow an int32: the int32 clamp equals
    // arith::accumulate bit for bit (the functional references take the same path under the
    // same condition).
    const int32_t hi = static_cast<int32_t>((int64_t{1} << (bits - 1)) - 1);
    clamp_accumulate(u, row, n, m_weight_width_bits == 16, -hi - 1, hi);
    return;
  }
  const auto add = [&](uint32_t j, int32_t w) {
    if (!masked || refractory[j] == 0) u[j] = arith::accumulate(u[j], w, bits);
  };
  switch (m_weight_width_bits) {
    case 16:
      for (uint32_t j = 0; j < n; ++j) {
        int16_t w;
        std::memcpy(&w, row + 2 * j, sizeof w);  // little-endian rows (weight_row.h)
        add(j, w);
      }
      break;
    case 8:
      for (uint32_t j = 0; j < n; ++j) add(j, static_cast<int8_t>(row[j]));
      break;
    default:
      for (uint32_t j = 0; j < n; ++j) add(j, read_weight(row, j, m_weight_width_bits));
      break;
  }
}

void NeuronCore::accumulate_generated_row(const int32_t* weights, uint32_t n) {
  int32_t* const u = m_potentials.data();
  const uint8_t* const refractory = m_refractory.data();
  const uint32_t bits = m_state_width_bits;
  if (m_params.refractory_steps > 0) {
    for (uint32_t j = 0; j < n; ++j) {
      if (refractory[j] == 0) u[j] = arith::accumulate(u[j], weights[j], bits);
    }
  } else {
    for (uint32_t j = 0; j < n; ++j) u[j] = arith::accumulate(u[j], weights[j], bits);
  }
}

void NeuronCore::reset_neurons() {
  const Cycle start = now();
  const uint64_t words = ceil_div(m_layout.neuron_count, m_lanes);
  std::fill(m_potentials.begin(), m_potentials.end(), 0);
  std::fill(m_refractory.begin(), m_refractory.end(), 0);
  std::fill(m_spike_counts.begin(), m_spike_counts.end(), 0);
  std::fill(m_axon_counts.begin(), m_axon_counts.end(), 0);
  m_sample = m_resets++;
  m_step = 0;
  m_encoded_step = 0;
  m_state_writes.add(m_ctx.phase.current(), words);
  m_trace_phase.set(start, kReset);
  busy_until(start + words + m_fill_cycles, m_scan_cycles);
}

void NeuronCore::set_input_spikes(const SpikeBitmap& spikes) {
  NMSIM_ASSERT(m_layout.first_layer && spikes.size() == m_layout.fan_in,
               "input spikes for a core that does not hold the first layer");
  const Cycle start = now();
  m_axon_spikes.clear();
  spikes.for_each([&](uint32_t line) { m_axon_spikes.set(line); });
  m_encoder_ops.add(m_ctx.phase.current(), m_layout.fan_in);
  // Every input line once: each neuron range's cores hold the same lines, range 0's is kept.
  if (m_ctx.neurons != nullptr && m_layout.first_neuron == 0) record_input_spikes(start, spikes);
  ++m_encoded_step;
  m_trace_phase.set(start, kEncode);
  busy_until(start + ceil_div(m_layout.fan_in, m_encoder_lanes), m_encode_cycles);
}

void NeuronCore::clear_axon_spikes() {
  const Cycle start = now();
  m_axon_spikes.clear();
  busy_until(start + 1, m_controller_cycles);
}

void NeuronCore::integrate() {
  NMSIM_ASSERT(!m_couples || !m_couples->negative_pending(),
               "integrate() with -1 couple spikes pending: integrate_couples() takes them");
  const Cycle start = now();
  const Phase phase = m_ctx.phase.current();
  const uint32_t n = m_layout.neuron_count;
  const uint64_t state_words = ceil_div(n, m_lanes);
  const uint64_t swept_words = ceil_div(swept_neurons(), m_lanes);
  m_trace_phase.set(start, kIntegrate);
  if (start > m_ctx.clock.now()) m_spikes_read_at = start;  // a deferred read (deliver() checks)
  const auto fetch = [&](uint32_t axon, std::size_t buffer, Cycle request) {
    if (m_axon_counts[axon] < 255) ++m_axon_counts[axon];
    return fetch_synapses(axon * m_layout.row_bytes, m_row_buffers[buffer].data(),
                          static_cast<uint32_t>(m_layout.row_bytes), request);
  };
  const auto accumulate = [&](uint32_t, std::size_t buffer) {
    accumulate_row(m_row_buffers[buffer].data(), n);
  };
  const auto accumulate_partial = [&](uint32_t, std::size_t buffer) {
    const uint8_t* row = m_row_buffers[buffer].data();
    if (m_weight_width_bits == 16 || m_weight_width_bits == 8) {
      m_partials->accumulate_packed_row(row, m_weight_width_bits == 16);
      return;
    }
    for (uint32_t j = 0; j < n; ++j) m_decoded_row[j] = read_weight(row, j, m_weight_width_bits);
    m_partials->accumulate_row(m_decoded_row.data());
  };
  uint64_t rows = 0;
  Cycle accumulator_free;
  if (!m_layout.owns_neurons() && m_generator == nullptr) {
    m_partials->begin_step();
    accumulator_free = sender_pipeline(m_axon_spikes, start, fetch, accumulate_partial, &rows);
  } else if (m_generator == nullptr) {
    accumulator_free = sender_pipeline(m_axon_spikes, start, fetch, accumulate, &rows);
  } else {
    // One row at a time through the generator's lanes, then its pipeline (top of the header);
    // a fan-in group core adds the generated rows into its partial sums.
    m_generator->begin_pass(start);
    if (!m_layout.owns_neurons()) m_partials->begin_step();
    const auto generate = [&](uint32_t axon, std::size_t buffer, Cycle request) {
      if (m_axon_counts[axon] < 255) ++m_axon_counts[axon];
      return m_generator->generate(axon, n, buffer, request, state_words);
    };
    const auto accumulate_generated = [&](uint32_t, std::size_t buffer) {
      if (m_layout.owns_neurons()) accumulate_generated_row(m_generator->row(buffer), n);
      else m_partials->accumulate_row(m_generator->row(buffer));
    };
    accumulator_free = sender_pipeline(m_axon_spikes, start, generate, accumulate_generated, &rows);
  }
  m_axon_spikes.clear();
  m_rows_fetched.add(phase, rows);
  m_sops.add(phase, rows * n);
  if (m_layout.owns_neurons()) {
    m_state_reads.add(phase, rows * swept_words);
    m_state_writes.add(phase, rows * swept_words);
  } else {
    m_partials->count_row_pass(rows);
  }
  const Cycle scan_end = start + ceil_div(m_layout.fan_in, m_scan_bits);
  busy_until(max(accumulator_free, scan_end) + m_fill_cycles, m_integrate_cycles);
  // event_fire_in_sweep: the last row's sweep can fire if the encoder had finished when it
  // started (the controller knew no row would follow).
  const Cycle last_sweep_start = Cycle(accumulator_free.value() - swept_words * cycles_per_state_word());
  if (m_event_fire_in_sweep && m_layout.owns_neurons() && !m_couples && rows > 0 && scan_end <= last_sweep_start) {
    m_last_sweep_can_fire = true;
    m_last_sweep_start = last_sweep_start;
    m_last_sweep_pass_end = now();
  }
}

Cycle NeuronCore::fetch_synapses(uint64_t address, uint8_t* data, uint32_t length, Cycle request) {
  // The SRAM's typed path (sram.h): the timing and counts of a b_transport at `request`
  // without building a payload and converting cycles to kernel times and back per row.
  return m_sram.access(false, address, length, data, request);
}

uint32_t NeuronCore::fire() {
  const Cycle start = now();
  const Phase phase = m_ctx.phase.current();
  const uint32_t n = m_layout.neuron_count;
  const uint32_t swept = swept_neurons();
  const uint64_t words = ceil_div(swept, m_lanes);
  // event_fire_in_sweep: directly after an integrate() whose last sweep could fire, the
  // neurons fired in its write cycles (the top of neuron_core.h); otherwise a scan of its own.
  const bool in_last_sweep = m_last_sweep_can_fire && start == m_last_sweep_pass_end;
  m_fired.clear();
  for (uint32_t j = 0; j < n; ++j) {
    if (arith::fire_step(m_potentials[j], m_refractory[j], m_params)) {
      m_fired.push_back(j);
      ++m_spike_counts[j];
    }
  }
  const uint32_t stall = m_aer_out_stall_cycles + m_aer_receiver_delay;
  const uint64_t stalls = uint64_t{stall} * m_fired.size();  // AER-out handshakes
  m_neuron_updates.add(phase, swept);
  if (!in_last_sweep) {
    m_state_reads.add(phase, words);
    m_state_writes.add(phase, words);
  }
  m_spikes_fired.add(phase, m_fired.size());
  if (m_ctx.neurons != nullptr) record_fire_scan(in_last_sweep ? m_last_sweep_start : start, stall);
  ++m_step;
  m_trace_phase.set(start, kFire);
  const uint64_t scan = in_last_sweep ? 0 : words * cycles_per_state_word() + m_fill_cycles;
  busy_until(start + scan + stalls, m_scan_cycles);
  return static_cast<uint32_t>(m_fired.size());
}

void NeuronCore::record_fire_scan(Cycle start, uint32_t stall) {
  trace::NeuronRecorder& recorder = *m_ctx.neurons;
  const trace::StepPosition position{m_sample, m_step, m_layout.layer};
  const auto scanned = [&](uint32_t j, uint64_t spikes_before) {
    return start + j / m_lanes * cycles_per_state_word() + spikes_before * stall;
  };
  if (recorder.records_spikes()) {
    for (std::size_t k = 0; k < m_fired.size(); ++k) {
      recorder.spike(scanned(m_fired[k], k), position, m_layout.first_neuron + m_fired[k]);
    }
  }
  for (uint32_t j : m_watched) {
    const auto before = std::lower_bound(m_fired.begin(), m_fired.end(), j) - m_fired.begin();
    recorder.potential(scanned(j, static_cast<uint64_t>(before)), position, m_layout.first_neuron + j, m_potentials[j]);
  }
}

void NeuronCore::record_input_spikes(Cycle start, const SpikeBitmap& spikes) {
  trace::NeuronRecorder& recorder = *m_ctx.neurons;
  if (!recorder.records_spikes()) return;
  const trace::StepPosition position{m_sample, m_encoded_step, 0};
  spikes.for_each([&](uint32_t line) {
    recorder.spike(start + line / m_encoder_lanes, position, m_layout.first_axon + line);
  });
}

void NeuronCore::inject(Cycle at) {
  sync();  // the NI and the mesh see the packet at the kernel's cycle the core is at
  m_packet.id = (uint64_t{m_node} << 40) | (uint64_t{m_core_in_node} << 36) | m_packets_sent_total++;
  m_packet.src_node = m_node;
  m_packet.src_core = m_core_in_node;
  m_packet.phase = m_ctx.phase.current();
  m_packet.created = at;
  m_noc_payload.set_command(tlm::TLM_WRITE_COMMAND);
  m_noc_payload.set_address(0);
  m_noc_payload.set_data_ptr(reinterpret_cast<unsigned char*>(&m_packet));
  m_noc_payload.set_data_length(sizeof(noc::Packet));
  m_noc_payload.set_streaming_width(sizeof(noc::Packet));
  m_noc_payload.set_byte_enable_ptr(nullptr);
  m_noc_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = m_ctx.clock.to_time(at) - sc_core::sc_time_stamp();
  noc_socket->b_transport(m_noc_payload, delay);
  NMSIM_ASSERT(m_noc_payload.is_response_ok(), "network interface refused a packet");
  m_packets_sent.add(m_packet.phase);
  m_trace_packets_sent.count(at);
}

void NeuronCore::send_spikes() {
  if (!m_layout.has_tree || m_fired.empty()) return;
  const Cycle start = now();
  m_trace_phase.set(start, kSend);
  uint64_t k = 0;
  std::size_t route = 0;
  for (uint32_t j : m_fired) {
    const Cycle at = start + k;
    while (route < m_layout.routes.size() && j >= m_layout.routes[route].end) ++route;
    m_packet = noc::Packet{};
    m_packet.kind = noc::PacketKind::kMulticast;
    m_packet.tree_id = route < m_layout.routes.size() ? m_layout.routes[route].tree_id : m_layout.tree_id;
    m_packet.type = noc::PacketType::kSpike;
    m_packet.length_flits = 1;
    m_packet.payload = m_layout.spike_address_base + m_layout.first_neuron + j;  // AER: the neuron's input line
    inject(at);
    m_trace_spike_out.pulse(at);
    ++k;
  }
  busy_until(start + k, m_send_cycles);
}

void NeuronCore::send_partials() {
  NMSIM_ASSERT(m_partials != nullptr && !m_layout.owns_neurons(), "send_partials() on a core that owns its neurons");
  const Cycle start = now();
  m_trace_phase.set(start, kSend);
  const auto unicast = [&](uint32_t payload, uint32_t flits) {
    m_packet = noc::Packet{};
    m_packet.kind = noc::PacketKind::kUnicast;
    m_packet.dest_node = m_layout.owner_node;
    m_packet.dest_core = m_layout.owner_core;
    m_packet.type = noc::PacketType::kPartialSum;
    m_packet.length_flits = flits;
    m_packet.payload = payload;
  };
  const uint32_t group = m_layout.fan_in_group;
  if (!m_partials->has_partials()) {
    unicast(PartialSumUnit::payload(group, PartialSumUnit::kNone), 1);
    inject(start);
    busy_until(start + 1, m_send_cycles);
    return;
  }
  m_partials->count_send();
  const uint32_t n = m_layout.neuron_count;
  const uint32_t flits = 1 + 3 * (m_value_packet_flits - 1);
  for (uint32_t j = 0; j < n; ++j) {
    const arith::SaturatingSum partial = m_partials->partial(j);
    unicast(PartialSumUnit::payload(group, j), flits);
    m_packet.value = partial.clamped_sum(m_state_width_bits);
    m_packet.low = partial.low;
    m_packet.high = partial.high;
    inject(start + j);
  }
  busy_until(start + n, m_send_cycles);
}

void NeuronCore::merge_partials() {
  NMSIM_ASSERT(m_partials != nullptr && m_layout.owns_neurons(), "merge_partials() on a core without partials to merge");
  while (!m_partials->complete()) sc_core::wait(m_partials_complete);
  const Cycle start = max(now(), m_partials->last_arrival());
  const Phase phase = m_ctx.phase.current();
  const uint64_t words = ceil_div(m_layout.neuron_count, m_lanes) * m_partials->groups_with_partials();
  m_partials->merge(m_potentials.data(), m_refractory.data(), m_params.refractory_steps > 0);
  advance_to(start);
  if (words == 0) return;
  m_state_reads.add(phase, words);
  m_state_writes.add(phase, words);
  m_trace_phase.set(start, kIntegrate);
  busy_until(start + words * cycles_per_state_word() + m_fill_cycles, m_partials->merge_cycles());
}

void NeuronCore::send_value(uint32_t tree_id, uint32_t index, int32_t value) {
  m_packet = noc::Packet{};
  m_packet.kind = noc::PacketKind::kMulticast;
  m_packet.tree_id = tree_id;
  send_value_packet(index, value);
}

void NeuronCore::send_value_to(uint32_t node, uint32_t core, uint32_t index, int32_t value) {
  m_packet = noc::Packet{};
  m_packet.kind = noc::PacketKind::kUnicast;
  m_packet.dest_node = node;
  m_packet.dest_core = core;
  send_value_packet(index, value);
}

void NeuronCore::send_value_packet(uint32_t index, int32_t value) {
  const Cycle start = now();
  m_trace_phase.set(start, kSend);
  m_packet.type = noc::PacketType::kValue;
  m_packet.length_flits = m_value_packet_flits;
  m_packet.payload = index;
  m_packet.value = value;
  inject(start);
  busy_until(start + 1, m_send_cycles);
}

void NeuronCore::update_weights(uint32_t axon, const int32_t* deltas) {
  NMSIM_ASSERT(m_generator == nullptr, "learning on generated weights: they are read-only");
  NMSIM_ASSERT(axon < m_layout.fan_in, "weight update of an axon the core does not have");
  const Cycle done = m_learning.update_row(axon, deltas, now());
  busy_until(done, m_learn_cycles);
}

bool NeuronCore::update_weights_scaled(uint32_t axon, const int32_t* factors, int32_t scale,
                                       int shift) {
  NMSIM_ASSERT(m_generator == nullptr, "learning on generated weights: they are read-only");
  NMSIM_ASSERT(axon < m_layout.fan_in, "weight update of an axon the core does not have");
  bool written = false;
  const Cycle done =
      m_learning.update_row_scaled(axon, factors, scale, shift, now(), &written);
  busy_until(done, m_learn_cycles);
  return written;
}

void NeuronCore::update_rows_scaled(const uint8_t* scales, const int32_t* factors, int shift) {
  NMSIM_ASSERT(m_generator == nullptr, "learning on generated weights: they are read-only");
  if (m_ctx.tracer != nullptr) {
    for (uint32_t i = 0; i < m_layout.fan_in; ++i) {
      if (scales[i] != 0) update_weights_scaled(i, factors, scales[i], shift);
    }
    return;
  }
  // Nothing else reads or writes this core's synapse SRAM or learning engine while it works,
  // and the phase changes only at a barrier: the rows need no wait between them.
  Cycle at = now();
  for (uint32_t i = 0; i < m_layout.fan_in; ++i) {
    if (scales[i] == 0) continue;
    const Cycle done = m_learning.update_row_scaled(i, factors, scales[i], shift, at, nullptr);
    charge_busy(at, done, m_learn_cycles);
    at = done;
  }
  advance_to(at);
}

void NeuronCore::advance_rounding(const int32_t* factors, uint64_t steps) {
  const Cycle done = m_learning.advance_rounding(factors, steps, m_ctx.clock.now());
  busy_until(done, m_learn_cycles);
}

void NeuronCore::accumulate_values(uint64_t ops) {
  const Cycle start = now();
  m_sops.add(m_ctx.phase.current(), ops);
  busy_until(start + ceil_div(ops, m_lanes) + m_fill_cycles, m_integrate_cycles);
}

void NeuronCore::controller_compute(uint64_t cycles, uint64_t adds, uint64_t multiplies) {
  const Phase phase = m_ctx.phase.current();
  m_controller_adds.add(phase, adds);
  m_controller_multiplies.add(phase, multiplies);
  busy_until(now() + cycles, m_controller_cycles);
}

void NeuronCore::read_weights(uint32_t axon, int32_t* weights) {
  NMSIM_ASSERT(m_generator == nullptr, "learning on generated weights: they are read-only");
  NMSIM_ASSERT(axon < m_layout.fan_in, "weight read of an axon the core does not have");
  const Cycle ready = m_learning.read_row(axon, weights, now());
  busy_until(ready, m_learn_cycles);
}

void NeuronCore::deliver(const noc::Packet& packet, Cycle at) {
  if (packet.type == noc::PacketType::kValue) {
    m_received_values.push_back({packet.src_node, packet.src_core, packet.payload, packet.value, at});
    m_values_received.add(packet.phase);
    return;
  }
  if (packet.type == noc::PacketType::kCouplePartial) {
    NMSIM_ASSERT(m_couples != nullptr, "a couple partial for a core without couples");
    m_couples->receive_partial(packet, at);
    if (m_couples->partials_complete()) m_couple_partials_complete.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  if (packet.type == noc::PacketType::kPartialSum) {
    NMSIM_ASSERT(m_partials != nullptr, "a partial sum for a core without a fan-in split");
    m_partials->receive(packet, at);
    if (m_partials->complete()) m_partials_complete.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  const uint32_t axon = arith::spike_address(packet.payload) - m_layout.first_axon;
  NMSIM_ASSERT(axon < m_layout.fan_in, "spike for an axon this core does not have");
  NMSIM_ASSERT(m_spikes_read_at == Cycle() || at > m_spikes_read_at,
               "a spike delivered while a deferred integrate had read the bitmap: a barrier belongs between");
  if (arith::spike_is_negative(packet.payload)) {
    NMSIM_ASSERT(m_couples != nullptr, "a -1 spike for a core without ternary couples");
    m_couples->mark_negative(axon);
  }
  m_axon_spikes.set(axon);
  m_spikes_received.add(packet.phase);
}

void NeuronCore::finalize(const std::array<uint64_t, kPhaseCount>& phase_cycles) {
  if (!m_layout.used) return;  // unused cores are power-gated: leakage only
  for (std::size_t p = 0; p < kPhaseCount; ++p) {
    const uint64_t busy = m_busy_cycles.by_phase[p];
    m_idle_cycles.by_phase[p] = phase_cycles[p] > busy ? phase_cycles[p] - busy : 0;
  }
}

const std::vector<sc_core::sc_object*>& NeuronCore::get_child_objects() const {
  const std::array<sc_core::sc_object*, 4> units = {m_couples.get(), m_generator.get(), m_readout.get(),
                                                    m_partials.get()};
  m_children.clear();
  for (sc_core::sc_object* unit : units) {
    if (unit != nullptr) m_children.push_back(unit);
  }
  for (sc_core::sc_object* child : sc_module::get_child_objects()) {
    if (std::find(units.begin(), units.end(), child) == units.end()) m_children.push_back(child);
  }
  return m_children;
}

// --- readout unit (the arithmetic and timing are in readout_unit.cpp) ---

ReadoutUnit& NeuronCore::readout_unit() const {
  NMSIM_ASSERT(m_readout != nullptr, "a readout call before configure_readout");
  return *m_readout;
}

void NeuronCore::configure_readout(const ReadoutLayout& layout) {
  NMSIM_ASSERT(m_readout == nullptr, "the readout unit is configured once, before the run");
  m_readout = make_child<ReadoutUnit>(*this, "readout", m_sram, m_ctx, m_lanes, m_scan_bits);
  m_readout->configure(layout);
}

void NeuronCore::readout_forward(const SpikeBitmap& rows, int64_t* sums) {
  ReadoutUnit& unit = readout_unit();
  busy_until(unit.forward(rows, sums, now()) + m_fill_cycles, unit.active_cycles());
}

void NeuronCore::readout_accumulate(const SpikeBitmap& rows, const int32_t* residuals) {
  ReadoutUnit& unit = readout_unit();
  busy_until(unit.accumulate(rows, residuals, now()) + m_fill_cycles, unit.active_cycles());
}

void NeuronCore::readout_step(int shift, int64_t tau, arith::GroupNorm norm) {
  ReadoutUnit& unit = readout_unit();
  busy_until(unit.step(shift, tau, norm, now()) + m_fill_cycles, unit.active_cycles());
}

int64_t NeuronCore::readout_group_norms(arith::GroupNorm norm) {
  ReadoutUnit& unit = readout_unit();
  int64_t total = 0;
  busy_until(unit.group_norms(norm, &total, now()) + m_fill_cycles, unit.active_cycles());
  return total;
}

uint64_t NeuronCore::readout_dual_norm(arith::GroupNorm norm) {
  ReadoutUnit& unit = readout_unit();
  uint64_t largest = 0;
  busy_until(unit.dual_norm(norm, &largest, now()) + m_fill_cycles, unit.active_cycles());
  return largest;
}

void NeuronCore::peek_readout(std::vector<int32_t>& weights) {
  const ReadoutUnit& unit = readout_unit();
  const ReadoutLayout& layout = unit.layout();
  weights.assign(uint64_t{unit.rows()} * layout.values, 0);
  std::vector<uint8_t> row(unit.row_bytes());
  tlm::tlm_generic_payload p;
  for (uint32_t r = 0; r < unit.rows(); ++r) {
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(unit.row_address(r));
    p.set_data_ptr(row.data());
    p.set_data_length(static_cast<unsigned>(row.size()));
    NMSIM_ASSERT(sram_socket->transport_dbg(p) == row.size(), "readout row outside the synapse SRAM");
    std::memcpy(weights.data() + uint64_t{r} * layout.values, row.data(), sizeof(int32_t) * layout.values);
  }
}

}  // namespace nmsim::core
