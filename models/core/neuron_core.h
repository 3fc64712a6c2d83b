// A neuron core: neuron state memory, synapse SRAM, integrate pipeline, fire/leak scan,
// input encoder port, network interface and a controller that runs firmware.
//
// Microarchitecture and timing (tests derive their numbers from this; n = neurons held,
// lanes = accumulate_lanes, fill = pipeline_fill_cycles):
// - integrate(): the priority encoder scans the axon spike bitmap, scan_bits per cycle, in
//   ascending axon order; the spike on axon a is found at s + floor(a / scan_bits) + 1.
//   Its weight row (words_per_row words at address a * row_bytes) is requested from the
//   synapse SRAM (TLM, in-order, banked) as soon as it is found and one of the two row
//   buffers is free (the buffer of the row two spikes earlier has been accumulated).
//   The row is accumulated when its data is ready and the accumulator is free, taking
//   A = ceil(n / lanes) cycles (reading and writing A state words of `lanes` potentials).
//   The pass ends at max(last accumulate end, s + ceil(fan_in / scan_bits)) + fill.
//   SOPs: n per spike (refractory neurons are masked but the row is processed).
// - With a weight generator (set_weight_generator; weight_generator.h) integrate() takes each
//   row from the generator instead of the SRAM (no SRAM access). The generator has one lane
//   per accumulate lane and produces one row at a time: a row's generation begins at
//   g = max(request, previous row's g + ceil(n / lanes)) (request as above: found and a row
//   buffer free) and its data is ready at g + ceil(n / lanes) + L, L = the generator's
//   latency_cycles; the accumulate and the end of the pass are as above. Counted: n generated
//   weights per row, n x the generator's multiplies and adds per weight (32-bit each).
//   Generated weights are read-only: update_weights*, read_weights assert.
// - Weights (weight_width_bits = w, any 1..16 dividing the SRAM word): signed two's
//   complement, packed little-endian in the row, weight j at bit offset j * w.
// - state_memory_ports (1 or 2, unset = 2): with 2 a state word is read and written in the
//   same cycle (the numbers above). With 1 (a single-port state SRAM, as ODIN) each word
//   takes a read cycle, then an update-and-write cycle: integrate accumulates a row in
//   A = 2 * ceil(n / lanes) cycles and the fire scan takes 2 * ceil(n / lanes) cycles + fill.
//   The weights are consumed in the second cycle of a word, so with 1 port a row's pass
//   may start one cycle before its data is ready: at max(ready - 1, accumulator free)
//   (ODIN reads its neuron and synapse SRAMs in the same cycle). reset_neurons() only
//   writes: 1 cycle per word either way. ODIN's "1 + 512 cycles per spike event": 256
//   neurons, lanes 1, 1 port, a row fetched in one issue cycle with read latency 1, fill 0.
// - fire(): the scan unit leaks, thresholds and resets every neuron: A cycles + fill,
//   A state reads and writes, n neuron updates.
// - send_spikes(): the controller hands one spike packet per cycle to the network interface.
// - set_input_spikes(): the rate encoder converts the host-loaded pixels, encoder_lanes per
//   cycle: ceil(pixels / encoder_lanes) cycles.
// - reset_neurons(): clears potentials, refractory and spike counters: A cycles + fill.
// - With ctx.neurons (models/trace/neuron_recorder.h), fire() reports its spikes and the
//   chosen neurons' potentials and set_input_spikes() its spikes (range 0's cores only, so
//   each input line once), at no cost in cycles: an export, not hardware.
// - update_weights() / update_weights_scaled() / read_weights(): the learning engine's
//   read-modify-write of one weight row through the synapse SRAM (learning_engine.h).
// - accumulate_values(ops): ceil(ops / lanes) + fill cycles, ops SOPs.
// - controller_compute(cycles, ...): the stated cycles.
// - barrier(): see Barrier.
// Ternary neuron couples (chip.core.ternary_couples; SPIDE's backward stage; the why of each
// choice is in models/core/README.md). A = ceil(n / lanes) x (2 with one state port, else 1):
// - Storage: a couple memory (n potentials v_i of state_width_bits, `lanes` per word, the
//   state memory's geometry and port count, so the couple pass runs at the integrate rate), a
//   drive memory (n drives g_i, same geometry), a send-mask bit and a signed spike counter per
//   neuron. Together 2 x n x state_width_bits of memory beside the state memory.
// - reset_couples(): clears v, the counters and the outputs, sets the mask to all ones:
//   ceil(n / lanes) + fill cycles, ceil(n / lanes) couple writes.
// - set_couple_drive(g): the controller writes the drive memory a word (lanes drives) a
//   cycle: ceil(n / lanes) cycles, ceil(n / lanes) drive writes.
// - set_couple_send_mask(bits): the controller writes 32 mask bits a cycle: ceil(n / 32).
//   set_couple_send_mask_from_counts(lo, hi): m_i = lo < spike count_i < hi by the scan unit,
//   two compares per neuron: ceil(n / lanes) + fill cycles (SPIDE: lo = 0, hi = T_f).
// - fire_couples(add_drive): the scan reads each couple word (and with add_drive its drive
//   word, v = sat(v + g) first), compares v with +-theta_b (2 compares a neuron), resets the
//   fired ones by -+2 theta_b and writes the word back: A + fill cycles, ceil(n / lanes) couple
//   reads and writes (+ drive reads, n drive adds), 2n compares, one add per fired couple. All
//   couples fire and count (the counts are SPIDE's beta); the mask gates only what is sent.
// - send_couple_spikes(tree): one single-flit spike packet a cycle per masked +-1 spike, in
//   ascending neuron order; the sign rides in the AER flit (ternary_spike.h).
// - integrate_couples(): the signed spikes delivered since the last call (a -1 spike sets its
//   axon's bit in a second, negative bitmap) through the ordinary weight rows, timed exactly
//   as integrate(); the lane subtracts the weight of a -1 spike. Couples are never masked by
//   refractoriness, and the input-rate counters (axon_counts) do not count these spikes.
// - integrate_couples_transposed(plus, minus): v_i += sum_j +-W_ji over local senders j (the
//   core's own neurons, e.g. its masked couple spikes) through the transposed recurrent block
//   (set_transposed_block): the priority encoder scans the n sender bits as integrate() scans
//   axons, double-buffered as integrate(), A cycles of accumulate per sender, and
//     TRANSPOSED_COPY: sender j's row of the copy (words_per_row words at j * row_bytes of the
//       second array, banked like the first) is fetched as integrate() fetches a row;
//     COLUMN_READ: n single-word reads through the synapse SRAM's in-order queue, one per
//       receiver i: the word of row first_axon + i holding weight j (word j * w / word_bits);
//       the column is ready when its last word is. Row starts are a row apart, so with
//       WORD interleaving and words_per_row a multiple of banks (or BLOCK interleaving) all n
//       words hit one bank: n cycles per sender, where a row takes words_per_row / banks.
//   Ends at max(last accumulate end, s + ceil(n / scan_bits)) + fill; n SOPs per sender.
// - Learning with TRANSPOSED_COPY writes both arrays (learning_engine.h).
// Couples across cores (configure_couple_partials; m = the core's recurrent rows of the block,
// B = ceil(m / lanes)):
// - integrate_couple_partials(plus, minus): as integrate_couples_transposed, but sender j's
//   weights W_ij for the block rows i (a copy row of m weights, or a column of m single-word
//   reads) are added to the partial memory (one saturating sum per row): B accumulate cycles
//   per sender (x2 with one state port), m SOPs, B partial words read and written, 2m bound
//   adds; the partial memory starts each pass as the identity.
// - send_couple_partials(): per target owner, with a sender this pass, one packet per row
//   (1 + 3 x (value flits - 1) flits, as send_partials) or, with none, one 1-flit "none";
//   rows of the core's own couples are written to its merge buffer without a packet. One
//   packet or entry a cycle; B partial words read per target sent.
// - merge_couple_partials(): waits for every range's report, then from max(now, last arrival)
//   applies the ranges with partials in range order: per range n buffer reads, 3n merge ops,
//   ceil(n / lanes) couple words read and written, ceil(n / lanes) x (1 or 2) cycles; + fill,
//   nothing if no range had partials.
// Fan-in split (mapper.h; models/core/README.md "Fan-in split"; the partial-sum unit,
// partial_sum_unit.h, exists only on the cores of a split layer). A = ceil(n / lanes):
// - integrate() on a fan-in group core (group > 0) is timed and counted as above (rows, SOPs)
//   but accumulates into the partial memory (A partial words read and written per row, two
//   bound adds per SOP) instead of the potentials, unmasked by refractoriness; every step
//   starts from the identity.
// - send_partials() (group core): with at least one row integrated this step, reads the A
//   partial words and hands one packet per neuron to the NI, one a cycle, unicast to the
//   owner: 1 + 3 x (value flits - 1) flits (a header, the sum and its two bounds, 32 bits
//   each); with none, one single-flit "none" packet: 1 cycle.
// - merge_partials() (owner): waits until every other group has reported, then from
//   max(now, last arrival) applies each group's partials in group order: per group with
//   partials A state words (x2 with one state port) and n merge buffer reads, 3n merge ops
//   (an add, two compares); the pass takes (groups with partials) x A x (1 or 2) cycles +
//   fill, or nothing if no group had partials.
// AER events (process_event; the kinds in proto/stimulus.proto; the timing options are the
// chip.core.event_* and aer_* fields, ODIN's in the odin_like preset; models/core/README.md
// "AER events" has the timeline). S = aer_input_sync_cycles, H = aer_ack_cycles,
// c = cycles per state word (2 with one state port: read, then write), N = the swept neurons
// (all the core's with event_sweep_all_neurons, else the mapped ones), cycles are edges:
// - The request raised at R = max(at, previous handshake's end) is seen at R + S and taken
//   (accepted) at max(R + S, controller free) + 1; with the scheduler accepting during sweeps
//   a queued kind waits only for a free scheduler entry instead of the controller.
// - Queued kinds (neuron spike, virtual, virtual leak) with event_queue_depth >= 1: pushed
//   and acknowledged at accepted + 1; the handshake ends at ack + H; processing starts
//   event_queue_pop_cycles after max(handshake end, controller free). Other kinds (and all
//   without a scheduler): processing starts at accepted + 1, the acknowledge is its last
//   write cycle, the handshake ends at ack + H.
// - Processing: a neuron spike event and an all-neurons time reference sweep ceil(N / lanes)
//   words, c cycles each (the neurons of word k read at its first cycle, written at its last);
//   single-neuron kinds take one word. With event_fire_in_sweep a neuron reaching the
//   threshold fires in its write cycle: its AER-out request appears in that cycle and the
//   controller freezes aer_out_stall_cycles + receiver delay cycles after it (the acknowledge
//   does not wait for the stall of the last write). Without it, the sweep only integrates and,
//   if a swept neuron reached the threshold, a fire pass over the same words follows.
// - idle = max(processing end with stalls, handshake end); the core's time advances to it.
// - Counted: a neuron spike event fetches its row (SOPs = mapped neurons), a single-synapse
//   event one SRAM word (1 SOP), a virtual event 1 SOP; leaks count neuron updates; every
//   swept word one state read and write.
// The same options in the time-stepped passes (integrate(), then fire(); models/core/README.md
// "AER events"), on a core that owns its neurons and has no couples; unset, nothing changes.
// N = the swept neurons as above, W = ceil(N / lanes):
// - event_sweep_all_neurons: each row of integrate() sweeps W words (A = W x c cycles, W state
//   reads and writes a row; SOPs stay n a row) and fire() scans W words (N neuron updates).
// - event_fire_in_sweep: fire() right after integrate() (nothing else in between that takes
//   time) leaks, thresholds and resets each neuron in its write cycle of the pass's last row,
//   if that row's sweep started once the priority encoder had finished (s + ceil(fan_in /
//   scan_bits) <= its start: the controller knows it is the last): no fire scan, no state
//   accesses of its own, N neuron updates. Otherwise (no row, a later row possible, other work
//   in between) fire() scans as above. Same arithmetic in the same order: spikes do not change.
// - aer_out_stall_cycles: each spike of fire() (fused or scanned) freezes it the stall + the
//   receiver's delay (0 unless set_aer_receiver_delay): fire() takes fired x stall cycles more;
//   send_spikes() then hands the packets to the network interface as before.
// - aer_input_sync_cycles, aer_ack_cycles, event_queue_*: the AER input handshake and the
//   scheduler; the time-stepped inputs come through the spike bitmap, so they do not apply.
// Every call advances the core's time by exactly what it costs; the core is busy for those
// cycles and idle otherwise (an idle core is never clocked by the simulator).
// Deferred waits (set_deferred_waits(true), by a firmware that separates what it sends from
// what it integrates by barriers and reads no kernel clock; never with a tracer or neuron
// recorder): a call that only touches the core's own state (its memories, units, SRAM) moves
// the core's own clock ahead instead of waiting (one SystemC thread switch less). The core waits for its clock (sync) before it hands a
// packet to the NI, reads delivered values, merges partials or handles an AER event; a
// barrier takes its arrival cycle. Cycles, counts and results are those of a wait per call.
// integrate() reads the spikes delivered before it without waiting: the firmware separates
// sending and integrating by a barrier; a spike delivered at or before the cycle a deferred
// integrate() read the bitmap asserts (it would have been taken with a wait per call).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <type_traits>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/arith/neuron_datapath.h"
#include "models/core/barrier.h"
#include "models/core/core_layout.h"
#include "models/core/couple_unit.h"
#include "models/core/learning_engine.h"
#include "models/core/partial_sum_unit.h"
#include "models/core/program.h"
#include "models/core/readout_unit.h"
#include "models/core/weight_generator.h"
#include "models/core/weight_generator_unit.h"
#include "models/noc/packet.h"
#include "models/sram/sram.h"
#include "models/base/errors.h"
#include "models/base/sim_context.h"
#include "models/base/spike_bitmap.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"
#include "proto/core.pb.h"
#include "proto/stimulus.pb.h"

namespace nmsim::core {

// The neuron parameters a core is configured with are the datapath's (models/arith).
using arith::NeuronParams;

class NeuronCore : public sc_core::sc_module, public StatGroup, public noc::PacketSink {
 public:
  ComponentClass component_class() const override { return COMPONENT_CORE; }
  bool holds_nothing() const override { return !m_layout.used; }  // the mapping gave it no neurons
  tlm_utils::simple_initiator_socket<NeuronCore> sram_socket;  // to the synapse SRAM
  tlm_utils::simple_initiator_socket<NeuronCore> noc_socket;   // to the node's NI

  // value_packet_flits: flits of a graded-value packet (a header flit and the 32-bit value).
  NeuronCore(sc_core::sc_module_name name, const CoreConfig& config, SimContext& ctx,
             uint32_t node, uint32_t core_in_node, Barrier& barrier, uint32_t value_packet_flits);

  // --- set up before the simulation starts (by the chip and the workload) ---
  void configure(const CoreLayout& layout, const NeuronParams& params);
  void set_program(Program* program) { m_program = program; }
  // Deferred waits (the top of this file); off by default. Turning them off waits for the
  // core's clock.
  void set_deferred_waits(bool on);
  // Rows for integrate() from `generator` (not owned; outlives the run) instead of the synapse
  // SRAM, through the weight generator unit (weight_generator_unit.h); null (the default) =
  // stored weights. Set before the run.
  void set_weight_generator(const WeightGenerator* generator);
  sram::Sram& synapse_sram() { return m_sram; }
  const CoreLayout& layout() const { return m_layout; }
  // Synaptic operations, by phase (the job compares them with the reference's).
  const PhaseCounter& sops() const { return m_sops; }

  // --- firmware API: each call costs what the hardware spends ---
  void reset_neurons();
  void set_input_spikes(const SpikeBitmap& spikes);  // from the rate encoder
  // Drops the spikes delivered and not integrated (a synchronous clear of the axon bitmap's
  // flip-flops: 1 controller cycle), for a core of a layer the encoder does not feed.
  void clear_axon_spikes();
  void integrate();
  uint32_t fire();  // returns the number of neurons that fired
  void send_spikes();
  // Fan-in split (see the top of this file): a group core sends its partial sums to the
  // owner; the owner merges the other groups' into its potentials, before its fire().
  void send_partials();
  void merge_partials();
  // Graded values (errors, labels): one multi-flit packet along a multicast tree (built with
  // chip.mesh().add_multicast_tree before the run) or to one core; 1 cycle each to hand over.
  void send_value(uint32_t tree_id, uint32_t index, int32_t value);
  void send_value_to(uint32_t node, uint32_t core, uint32_t index, int32_t value);
  // Values delivered so far (in delivery order), until cleared by the firmware.
  struct ReceivedValue {
    uint32_t src_node;
    uint32_t src_core;
    uint32_t index;
    int32_t value;
    Cycle arrived;
  };
  // Waits for the core's clock first (deferred waits): the values delivered by then.
  const std::vector<ReceivedValue>& received_values() {
    sync();
    return m_received_values;
  }
  void clear_received_values() { m_received_values.clear(); }
  // Learning engine (learning_engine.h): w[axon][j] += deltas[j] for the core's neurons j,
  // saturating; the core waits until the row is written back.
  void update_weights(uint32_t axon, const int32_t* deltas);
  // Outer-product update of one row: w[axon][j] += round_shift(factors[j] * scale, shift);
  // returns whether the row was written (a row whose products all round to 0 is not).
  bool update_weights_scaled(uint32_t axon, const int32_t* factors, int32_t scale, int shift);
  // The learning engine's pass over the core's rows: update_weights_scaled(i, factors,
  // scales[i], shift) for every axon i < fan_in with scales[i] != 0, in ascending order, each
  // row starting when the previous one is written. Cycles, counts, weights and rounding draws
  // are those of the calls one by one; the core waits once, for the last row (with a tracer
  // attached it waits per row, so the trace records its changes in the order it always did).
  void update_rows_scaled(const uint8_t* scales, const int32_t* factors, int shift);
  // Stochastic rounding of update_weights_scaled from now on (stochastic_rounding.h): one
  // non-zero xorshift state per neuron, set once before the run.
  void enable_stochastic_rounding(const std::vector<uint32_t>& states) { m_learning.enable_stochastic_rounding(states); }
  // The generators of the neurons with a non-zero factor step `steps` times (a fan-in group
  // core passing the other groups' draws: LearningEngine::advance_rounding); the core waits.
  void advance_rounding(const int32_t* factors, uint64_t steps);
  // Reads the core's weights of one axon (n values) through the learning engine's port.
  void read_weights(uint32_t axon, int32_t* weights);
  // The accumulate lanes add `ops` graded values (e.g. feedback errors) into per-neuron
  // registers: ceil(ops / lanes) cycles + fill; counted as SOPs of the current phase.
  void accumulate_values(uint64_t ops);
  // The controller's scalar datapath (e.g. a softmax over the outputs): the firmware states
  // the cycles, 32-bit adds and 32-bit multiplies its computation takes.
  void controller_compute(uint64_t cycles, uint64_t adds, uint64_t multiplies);
  // Spikes integrated per axon since the last reset_neurons (saturating at 255): the input
  // rates a learning rule needs. Flip-flops with a synchronous clear: reset costs nothing extra.
  const std::vector<uint8_t>& axon_counts() const { return m_axon_counts; }
  uint32_t lanes() const { return m_lanes; }  // accumulate lanes
  // Registers the host writes over the host link (e.g. the label of a training sample). Each
  // firmware names the registers it uses with an enum of its own (values 0..kHostRegisters - 1),
  // so no call site indexes a bare number.
  static constexpr std::size_t kHostRegisters = 8;
  template <typename Register>
  int32_t& host_register(Register name) {
    static_assert(std::is_enum_v<Register>, "name a host register with the firmware's enum");
    const auto index = static_cast<std::size_t>(name);
    NMSIM_ASSERT(index < kHostRegisters, "a host register the core does not have");
    return m_host_registers[index];
  }
  void barrier(Phase next_phase);
  const std::vector<uint32_t>& fired() const { return m_fired; }      // local indices, ascending

  // --- host link side: raw state access, timed by the host link ---
  std::vector<uint8_t>& input_pixels() { return m_input_pixels; }
  const std::vector<uint8_t>& spike_counts() const { return m_spike_counts; }
  const std::vector<int32_t>& potentials() const { return m_potentials; }

  // --- ternary neuron couples (chip.core.ternary_couples; see the top of this file) ---
  // The couple unit (couple_unit.h): its state, which the firmware reads (this step's masked
  // outputs, the send mask, the spike counts, the potentials). A core without couples has none.
  const CoupleUnit& couples() const;
  // Which rows hold the recurrent weights of the core's own neurons: row first_axon + i is
  // neuron i's axon. Set up before the run; needed by the transposed read.
  void set_transposed_block(uint32_t first_axon);
  // Fills the transposed copy from the main array's block through the uncounted backdoor, as
  // the initial weights are loaded (call after them). TRANSPOSED_COPY only.
  void load_transposed_copy();
  void reset_couples();
  void set_couple_drive(const int32_t* drives);  // n drives, saturated to the state width
  void set_couple_send_mask(const SpikeBitmap& mask);
  void set_couple_send_mask_from_counts(uint8_t above, uint8_t below);
  // Returns the number of couples that fired (+1 or -1).
  uint32_t fire_couples(bool add_drive);
  void send_couple_spikes(uint32_t tree_id);
  void integrate_couples();
  void integrate_couples_transposed(const SpikeBitmap& positive, const SpikeBitmap& negative);
  // A recurrent layer split over cores (models/core/README.md "Couples across cores"): this
  // core's block of W is its recurrent rows [first_row, first_row + rows) x its neurons; its
  // local senders' partial sums of W^T go to the couples' owners, which merge them in range
  // order. Set up once before the run (after configure()); with TRANSPOSED_COPY the copy
  // holds the block transposed (rows weights a copy row), and must fit the copy array.
  struct CouplePartialTarget {
    uint32_t node = 0;          // the owner of rows [first_row, first_row + count) of the block
    uint32_t core = 0;
    uint32_t first_row = 0;     // block row (0 .. rows - 1)
    uint32_t count = 0;
    uint32_t first_couple = 0;  // the owner's local couple index of the first of them
  };
  struct CouplePartialsLayout {
    uint32_t first_row = 0;
    uint32_t rows = 0;          // 0: the core holds no recurrent rows (an owner still merges)
    uint32_t range = 0;         // the neuron range of the core's neurons (its senders)
    uint32_t ranges = 1;        // the layer's neuron ranges (the sources an owner merges)
    std::vector<CouplePartialTarget> targets;  // in block row order
  };
  void configure_couple_partials(const CouplePartialsLayout& layout);
  // v-partials of the block rows from local senders (the transposed read of the block, into
  // the partial memory); then one packet per row to its owner (or one "none" per owner when
  // no sender), a row of this core's own couples written straight into its merge buffer.
  void integrate_couple_partials(const SpikeBitmap& positive, const SpikeBitmap& negative);
  void send_couple_partials();
  // Owner: waits for every range's partials (or "none") and applies them to the couples.
  void merge_couple_partials();
  // The second synapse array of TRANSPOSED_COPY (null otherwise).
  sram::Sram* transposed_sram() { return m_transposed_sram.get(); }
  tlm_utils::simple_initiator_socket<NeuronCore>* transposed_sram_socket() {
    return m_transposed_socket.get();
  }

  // --- readout unit (readout_unit.h: a dense readout learned in the synapse SRAM) ---
  // Once, before the run: creates the unit (a child named `readout`); its rows start at
  // layout.base, above the synapse rows.
  void configure_readout(const ReadoutLayout& layout);
  void readout_forward(const SpikeBitmap& rows, int64_t* sums);  // sums[k] += rows' weights
  void readout_accumulate(const SpikeBitmap& rows, const int32_t* residuals);
  void readout_step(int shift, int64_t tau, arith::GroupNorm norm);
  int64_t readout_group_norms(arith::GroupNorm norm);
  uint64_t readout_dual_norm(arith::GroupNorm norm);  // and clears the accumulators
  // Uncounted backdoor: the readout weights, [row * values + k].
  void peek_readout(std::vector<int32_t>& weights);

  // --- AER events (see the top of this file) ---
  // Handles one AER input event (events in request order) and waits until it is idle.
  AerEventRecord process_event(const AerInputEvent& event);
  // The AER output receiver acknowledges `cycles` late (the d of each output's stall).
  void set_aer_receiver_delay(uint32_t cycles) { m_aer_receiver_delay = cycles; }

  // PacketSink: a spike packet arrives; sets the axon's bit in the spike bitmap.
  void deliver(const noc::Packet& packet, Cycle at) override;
  // Spikes and values are only recorded; a partial sum may complete a set and notify.
  bool needs_current_time(const noc::Packet& packet) const override {
    return packet.type == noc::PacketType::kPartialSum || packet.type == noc::PacketType::kCouplePartial;
  }

  // Charges idle cycles (total minus busy, per phase) once the run has ended.
  void finalize(const std::array<uint64_t, kPhaseCount>& phase_cycles);

  // The core's units (couples, weight_generator, readout: whichever it has) first, then its
  // memories and the rest, so a report lists the units' stats right after the core's own
  // whenever they were enabled (the order the energy totals are summed in).
  const std::vector<sc_core::sc_object*>& get_child_objects() const override;

 private:
  void controller();  // SC_THREAD: runs the program
  // The integrate pipeline shared by every one-fetch-per-sender pass (the top of this file):
  // the priority encoder finds sender `line` at start + line / scan_bits + 1; fetch(line,
  // buffer, request) starts its weights' fetch into row buffer `buffer` no earlier than
  // `request` and returns the cycle they are ready; accumulate(line, buffer) adds them.
  // Returns the cycle the accumulator is free after the last sender; *senders counts them.
  template <typename Fetch, typename Accumulate>
  Cycle sender_pipeline(const SpikeBitmap& lines, Cycle start, Fetch&& fetch,
                        Accumulate&& accumulate, uint64_t* senders, uint32_t receivers = 0);
  // The transposed block: its rows and the copy's row length (the main row's for a square block).
  uint32_t transposed_rows() const;
  uint64_t transposed_copy_row_bytes() const;
  // Counts a couple pass's SOPs and couple-memory accesses and waits for its end.
  void finish_couple_pass(Cycle start, Cycle accumulator_free, uint64_t senders, uint32_t lines,
                          bool transposed);
  // The couple unit, asserting it exists (`call` names the firmware call).
  CoupleUnit& couple_unit(const char* call) const;
  // A readout call before configure_readout asserts.
  ReadoutUnit& readout_unit() const;
  // The core's clock: the kernel's cycle, or later while waits are deferred (top of this file).
  Cycle now() const { return max(m_ctx.clock.now(), m_deferred_until); }
  // Advances the core's clock to `end`: a wait, or with deferred waits only the core's clock.
  void advance_to(Cycle end);
  // Waits until the kernel reaches the core's clock (nothing to do without deferred waits).
  void sync();
  // Advances to `end` (advance_to), charging the cycles to the core and to one unit.
  void busy_until(Cycle end, PhaseCounter& unit_cycles);
  // The charge of busy_until for the cycles [start, end), without the wait.
  void charge_busy(Cycle start, Cycle end, PhaseCounter& unit_cycles);
  // Accumulates one fetched weight row into the potentials of the core's n neurons.
  void accumulate_row(const uint8_t* row, uint32_t n);
  // The same for a generated row of decoded weights.
  void accumulate_generated_row(const int32_t* weights, uint32_t n);
  // Hands m_packet to the network interface, entering its queue at `at`.
  void inject(Cycle at);
  // Completes m_packet (addressed by the caller) as a graded value and sends it: 1 cycle.
  void send_value_packet(uint32_t index, int32_t value);
  uint64_t cycles_per_state_word() const { return m_state_ports == 1 ? 2 : 1; }
  // Reads `length` bytes at `address` of the synapse SRAM into `data` (its typed access path,
  // timed and counted as a b_transport), issued at `request`; returns the cycle the data is ready.
  Cycle fetch_synapses(uint64_t address, uint8_t* data, uint32_t length, Cycle request);
  // The weight of synapse (pre, neuron) of an AER event, read from its SRAM word at `at`.
  int32_t event_synapse(uint32_t pre, uint32_t neuron, Cycle at);
  // An event's pass over the state words holding neurons [first, first + count): after the
  // controller's cycle t, each word takes c cycles; update(j) changes neuron j's potential in
  // its write cycle; with `fire`, a neuron at the threshold fires there (record.out gets the
  // cycle, the controller stalls). Returns the last cycle used; *last_write is the last write
  // cycle; *reached tells whether, without `fire`, a neuron reached the threshold.
  template <typename Update>
  Cycle event_pass(uint32_t first, uint32_t count, Cycle t, bool fire, Update&& update,
                   AerEventRecord& record, Cycle* last_write, bool* reached);
  // The neurons a pass over the state memory covers: all the core's with
  // event_sweep_all_neurons (on a core owning its neurons, without couples), else the mapped.
  uint32_t swept_neurons() const;
  // The spike and membrane exports (models/trace/neuron_recorder.h), called only when on:
  // neuron j's word is passed at start + (j / lanes) x c, plus `stall` per spike before it.
  void record_fire_scan(Cycle start, uint32_t stall);
  void record_input_spikes(Cycle start, const SpikeBitmap& spikes);

  const uint32_t m_neurons;
  const uint32_t m_lanes;
  const uint32_t m_state_width_bits;
  const uint32_t m_weight_width_bits;
  const uint32_t m_state_ports;  // 1: read and write take separate cycles
  const uint32_t m_max_axons;
  const uint32_t m_scan_bits;
  const uint32_t m_encoder_lanes;
  const uint32_t m_fill_cycles;
  const uint32_t m_node;
  const uint32_t m_core_in_node;
  const uint32_t m_value_packet_flits;
  // The event controller's options (chip.core.event_*, aer_*).
  const bool m_event_fire_in_sweep;
  const bool m_event_sweep_all_neurons;
  const uint32_t m_aer_out_stall_cycles;
  const uint32_t m_aer_input_sync_cycles;
  const uint32_t m_aer_ack_cycles;
  const uint32_t m_event_queue_depth;
  const uint32_t m_event_queue_pop_cycles;
  const bool m_event_queue_accepts_during_sweep;
  SimContext& m_ctx;
  Barrier& m_barrier;
  // Deferred waits (top of this file): off with a tracer or neuron recorder, whose records
  // keep the order of a wait per call.
  bool defer_waits() const { return m_deferred_waits && m_ctx.tracer == nullptr && m_ctx.neurons == nullptr; }
  bool m_deferred_waits = false;
  Cycle m_deferred_until;    // the core's clock while it is ahead of the kernel's
  Cycle m_spikes_read_at;    // the cycle of the last deferred read of the spike bitmap
  // Created before the synapse SRAM, so the report lists its stats right after the core's.
  std::unique_ptr<CoupleUnit> m_couples;
  sram::Sram m_sram;
  LearningEngine m_learning;
  // Units enabled before the run (set_weight_generator, configure_readout), else null.
  std::unique_ptr<WeightGeneratorUnit> m_generator;
  std::unique_ptr<ReadoutUnit> m_readout;
  // The cores of a split layer only (configure).
  std::unique_ptr<PartialSumUnit> m_partials;
  sc_core::sc_event m_partials_complete;
  std::vector<int32_t> m_decoded_row;  // a group core's row, decoded for the partial memory
  const TransposedRead m_transposed_read;
  // TRANSPOSED_COPY: the second synapse array and the port bound to it.
  std::unique_ptr<sram::Sram> m_transposed_sram;
  std::unique_ptr<tlm_utils::simple_initiator_socket<NeuronCore>> m_transposed_socket;

  CoreLayout m_layout;
  NeuronParams m_params;
  Program* m_program = nullptr;

  // Neuron state memory and the integrate unit's buffers (sized once).
  std::vector<int32_t> m_potentials;
  std::vector<uint8_t> m_refractory;
  std::vector<uint8_t> m_spike_counts;
  std::vector<uint8_t> m_input_pixels;
  std::vector<uint8_t> m_axon_counts;
  std::array<int32_t, kHostRegisters> m_host_registers{};
  SpikeBitmap m_axon_spikes;
  std::vector<uint32_t> m_fired;
  std::array<std::vector<uint8_t>, 2> m_row_buffers;
  bool m_has_transposed_block = false;
  uint32_t m_transposed_first_axon = 0;
  CouplePartialsLayout m_couple_partials;  // couples across cores (rows 0: unused)
  sc_core::sc_event m_couple_partials_complete;
  tlm::tlm_generic_payload m_noc_payload;
  noc::Packet m_packet;
  uint64_t m_packets_sent_total = 0;
  // The event controller's state: when the input handshake and the controller are free (the
  // last cycle they are busy), the processing starts of the events pushed into the scheduler.
  uint32_t m_aer_receiver_delay = 0;
  Cycle m_event_input_free;
  Cycle m_event_controller_free;
  std::deque<Cycle> m_event_queue;
  std::vector<uint8_t> m_event_word;  // one synapse SRAM word
  // event_fire_in_sweep in the time-stepped passes: integrate() leaves the start of its last
  // row's sweep and its own end when that sweep can fire (the top of this file); busy_until
  // clears it, so only a fire() directly after the integrate() uses it.
  bool m_last_sweep_can_fire = false;
  Cycle m_last_sweep_start;
  Cycle m_last_sweep_pass_end;
  // Where the run is, for the spike and membrane exports: the forward pass (neuron resets so
  // far, less one) and the time step within it: fire scans since the reset, or for the input
  // spikes encodings since the reset (a fan-in group core encodes but never fires).
  uint32_t m_resets = 0;
  uint32_t m_sample = 0;
  uint32_t m_step = 0;
  uint32_t m_encoded_step = 0;
  std::vector<uint32_t> m_watched;  // local indices of the neurons whose potentials are exported

  PhaseCounter m_sops;
  PhaseCounter m_rows_fetched;
  PhaseCounter m_state_reads;
  PhaseCounter m_state_writes;
  PhaseCounter m_neuron_updates;
  PhaseCounter m_encoder_ops;
  PhaseCounter m_spikes_fired;
  PhaseCounter m_spikes_received;
  PhaseCounter m_values_received;
  std::vector<ReceivedValue> m_received_values;
  PhaseCounter m_packets_sent;
  PhaseCounter m_busy_cycles;
  PhaseCounter m_integrate_cycles;
  PhaseCounter m_scan_cycles;
  PhaseCounter m_encode_cycles;
  PhaseCounter m_send_cycles;
  PhaseCounter m_learn_cycles;
  PhaseCounter m_controller_cycles;
  PhaseCounter m_controller_adds;
  PhaseCounter m_controller_multiplies;
  PhaseCounter m_idle_cycles;

  mutable std::vector<sc_core::sc_object*> m_children;  // get_child_objects()'s order
  trace::Signal m_trace_busy;
  trace::Signal m_trace_phase;
  trace::Signal m_trace_spike_out;
  trace::Signal m_trace_packets_sent;  // the statistic packets_sent, as it grows
};

}  // namespace nmsim::core
