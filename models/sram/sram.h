// Banked synapse SRAM: a TLM-2.0 target with cycle-exact timing by resource reservation.
//
// Microarchitecture (tests derive their numbers from this):
// - The macro holds size_bytes in words of word_width_bits, split over `banks` banks.
//   Word w (= byte address / word bytes) lives in bank
//     WORD interleaving:  w % banks
//     BLOCK interleaving: w / (words / banks)   (each bank one contiguous block)
// - Each bank accepts one access per cycle (pipelined: busy for the issue cycle only);
//   the macro accepts at most `ports` accesses per cycle over all banks.
// - One request queue, words issue IN ORDER (within a transaction and across transactions).
//   A transaction starting at cycle s issues its words one after another: word k issues at
//   the first cycle c >= max(s, issue cycle of the previous word) at which its bank is free
//   and fewer than `ports` words have issued.
// - Bank conflict: let p be the cycle the word would issue if banks never blocked (the first
//   cycle >= max(s, previous issue) with a free port). If the word's bank is busy at p, the
//   word counts one conflict on that bank. A stall caused by the port limit alone is not a
//   bank conflict (so N reads of one bank with ports = 1 count no conflicts).
// - A read issued at c has its data at c + read_latency_cycles; a write completes at
//   c + write_latency_cycles. A transaction completes when its last word does.
// => N reads of one bank: s + (N-1) + R; N reads over B banks with ports >= B:
//    s + ceil(N/B) - 1 + R; ports = 1: s + N - 1 + R.
//
// Loosely timed: b_transport starts at s = the first clock edge at or after
// now + annotated delay, returns with delay = completion - now and never calls wait();
// the initiator decides when to synchronize. Data moves at call time, in call order.
// DMI is refused so every access is counted; transport_dbg is an uncounted backdoor.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/base/cycle.h"
#include "models/base/sim_context.h"
#include "models/base/stats.h"
#include "models/trace/tracer.h"
#include "proto/sram.pb.h"

namespace nmsim::sram {

class Sram : public sc_core::sc_module, public StatGroup {
 public:
  ComponentClass component_class() const override { return COMPONENT_SRAM; }
  // KB in banks that no counted access nor debug write has touched: they hold nothing.
  double unused_sram_kb() const override;
  tlm_utils::simple_target_socket<Sram> socket;

  // `config` as config::validate(chip) checked it (an assertion otherwise).
  Sram(sc_core::sc_module_name name, const SramConfig& config, SimContext& ctx);

  // The fast typed path the core uses instead of a TLM payload per row: same timing, same
  // counts as b_transport. `start` is the cycle the request reaches the SRAM; returns the
  // completion cycle. address must be word aligned, length a positive multiple of the word
  // size, the range inside the macro (a simulator bug otherwise). data (length bytes) is
  // read into or written from; null means timing and counts only.
  Cycle access(bool write, uint64_t address, uint32_t length_bytes, uint8_t* data, Cycle start);

  // A bit-masked write of one word (the write enables SRAM compilers offer per bit): the
  // bits of `data` where `bit_mask` is 1 replace the stored ones, the others are kept.
  // Timed and counted as one word write; both buffers are word_bytes long.
  Cycle write_masked(uint64_t address, const uint8_t* data, const uint8_t* bit_mask, Cycle start);

  // Which bank holds a word (word address = byte address / word bytes).
  uint32_t bank_of(uint64_t word) const;

  uint64_t size_bytes() const { return m_size_bytes; }
  uint32_t word_bytes() const { return m_word_bytes; }
  uint32_t banks() const { return m_banks; }

  // Counters (also registered as stats).
  const PhaseCounter& reads() const { return m_reads; }
  const PhaseCounter& writes() const { return m_writes; }
  const PhaseCounter& bits_read() const { return m_bits_read; }
  const PhaseCounter& bits_written() const { return m_bits_written; }
  const PhaseCounter& bank_conflicts() const { return m_bank_conflicts; }
  const PhaseCounter& busy_cycles() const { return m_busy_cycles; }
  const PhaseCounter& bank_conflicts(uint32_t bank) const { return m_bank_state[bank].conflicts; }
  const PhaseCounter& bank_busy_cycles(uint32_t bank) const { return m_bank_state[bank].busy_cycles; }

 private:
  struct Bank {
    Cycle free_at{};  // first cycle the bank can accept an access
    PhaseCounter conflicts;
    PhaseCounter busy_cycles;
    trace::Signal busy;        // pulse at each issue cycle
    trace::Signal busy_count;  // the statistic busy_cycles, as it grows
    bool touched = false;  // read or written at least once (else it holds nothing)
  };

  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);

  // TLM_OK_RESPONSE if (address, length) is a legal access, else the error response.
  tlm::tlm_response_status check(uint64_t address, uint64_t length) const;
  // Marks the banks holding any word of [first_word, end_word) as touched (debug writes).
  void touch(uint64_t first_word, uint64_t end_word);
  // Reserves the issue cycle of one word of `bank` for a request starting at `start`.
  Cycle issue_word(uint32_t bank, Cycle start, Phase phase);
  // Issues `words` consecutive words from `first_word` exactly as issue_word one by one would,
  // and returns the last one's issue cycle (in closed form once the pattern is regular).
  Cycle issue_words(uint64_t first_word, uint32_t words, Cycle start, Phase phase);

  const uint64_t m_size_bytes;
  const uint32_t m_word_bits;
  const uint32_t m_word_bytes;
  const uint32_t m_banks;
  const uint32_t m_ports;
  const uint32_t m_read_latency_cycles;
  const uint32_t m_write_latency_cycles;
  const bool m_block_interleaving;
  const uint64_t m_words_per_bank;
  const bool m_traced;  // bank signals exist: each issue is recorded, so words issue one by one
  SimContext& m_ctx;

  std::vector<uint8_t> m_data;
  std::vector<Bank> m_bank_state;  // sized once in the constructor: stats point into it
  Cycle m_last_issue{};            // issue cycle of the last word (in-order queue)
  uint32_t m_issued_at_last = 0;   // words issued at m_last_issue (port use)

  PhaseCounter m_reads;
  PhaseCounter m_writes;
  PhaseCounter m_bits_read;
  PhaseCounter m_bits_written;
  PhaseCounter m_bank_conflicts;
  PhaseCounter m_busy_cycles;
};

}  // namespace nmsim::sram
