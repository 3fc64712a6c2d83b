#include "models/sram/sram.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "models/base/errors.h"

namespace nmsim::sram {

namespace {

// What the timing and bank mapping rely on: the limits of proto/sram.proto, checked by
// config::validate(chip) for the synapse SRAM (and kept by the transposed copy derived from it).
const SramConfig& validated(const SramConfig& c) {
  const uint32_t w = c.word_width_bits();
  NMSIM_ASSERT(w >= 8 && w <= 512 && w % 8 == 0, "sram config not validated");
  NMSIM_ASSERT(c.banks() >= 1 && c.ports() >= 1 && c.read_latency_cycles() >= 1 && c.write_latency_cycles() >= 1,
               "sram config not validated");
  const uint64_t unit = uint64_t{c.banks()} * (w / 8);
  NMSIM_ASSERT(c.size_bytes() >= unit && c.size_bytes() % unit == 0, "sram size not a multiple of banks x word");
  NMSIM_ASSERT(c.interleaving() == INTERLEAVING_WORD || c.interleaving() == INTERLEAVING_BLOCK,
               "sram config not validated");
  return c;
}

}  // namespace

Sram::Sram(sc_core::sc_module_name name, const SramConfig& config, SimContext& ctx)
    : sc_core::sc_module(name),
      socket("socket"),
      m_size_bytes(validated(config).size_bytes()),
      m_word_bits(config.word_width_bits()),
      m_word_bytes(config.word_width_bits() / 8),
      m_banks(config.banks()),
      m_ports(config.ports()),
      m_read_latency_cycles(config.read_latency_cycles()),
      m_write_latency_cycles(config.write_latency_cycles()),
      m_block_interleaving(config.interleaving() == INTERLEAVING_BLOCK),
      m_words_per_bank(m_size_bytes / m_word_bytes / m_banks),
      m_traced(ctx.tracer != nullptr),
      m_ctx(ctx),
      m_data(m_size_bytes, 0),
      m_bank_state(m_banks) {
  socket.register_b_transport(this, &Sram::b_transport);
  socket.register_transport_dbg(this, &Sram::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &Sram::get_direct_mem_ptr);

  const double bank_kb = static_cast<double>(m_size_bytes) / m_banks / 1024.0;
  const double macro_kb = static_cast<double>(m_size_bytes) / 1024.0;
  add_stat("reads", "words", "words read", m_reads, {EnergyKind::kSramRead, bank_kb, m_word_bits});
  add_stat("writes", "words", "words written", m_writes,
           {EnergyKind::kSramWrite, bank_kb, m_word_bits});
  add_stat("bits_read", "bits", "bits read", m_bits_read);
  add_stat("bits_written", "bits", "bits written", m_bits_written);
  add_stat("bank_conflicts", "accesses", "accesses delayed by a busy bank, all banks",
           m_bank_conflicts);
  add_stat("busy_cycles", "bank-cycles", "cycles a bank was accessed, summed over banks",
           m_busy_cycles);
  for (uint32_t b = 0; b < m_banks; ++b) {
    const std::string bank = "bank[" + std::to_string(b) + "]";
    add_stat(bank + ".conflicts", "accesses", "accesses delayed because this bank was busy",
             m_bank_state[b].conflicts);
    add_stat(bank + ".busy_cycles", "cycles", "cycles this bank was accessed",
             m_bank_state[b].busy_cycles);
    // The statistics' names: "bank[i]" is a scope, so no viewer reads [i] as a bit index.
    if (ctx.tracer != nullptr) {
      const std::string scope = std::string(this->name()) + "." + bank + ".";
      m_bank_state[b].busy = ctx.tracer->add_signal(scope + "busy", 1);
      m_bank_state[b].busy_count = ctx.tracer->add_counter(scope + "busy_cycles");
    }
  }
  add_leakage({LeakageKind::kSram, macro_kb});
}

double Sram::unused_sram_kb() const {
  uint32_t untouched = 0;
  for (const Bank& b : m_bank_state) untouched += b.touched ? 0 : 1;
  return static_cast<double>(m_size_bytes) / m_banks / 1024.0 * untouched;
}

void Sram::touch(uint64_t first_word, uint64_t end_word) {
  if (m_block_interleaving) {
    for (uint64_t b = first_word / m_words_per_bank; b * m_words_per_bank < end_word; ++b) m_bank_state[b].touched = true;
  } else {
    for (uint64_t w = first_word; w < end_word && w < first_word + m_banks; ++w) m_bank_state[w % m_banks].touched = true;
  }
}

uint32_t Sram::bank_of(uint64_t word) const {
  return static_cast<uint32_t>(m_block_interleaving ? word / m_words_per_bank : word % m_banks);
}

tlm::tlm_response_status Sram::check(uint64_t address, uint64_t length) const {
  if (address % m_word_bytes != 0 || address >= m_size_bytes) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (length == 0 || length % m_word_bytes != 0) return tlm::TLM_BURST_ERROR_RESPONSE;
  if (length > m_size_bytes - address) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

Cycle Sram::issue_word(uint32_t bank, Cycle start, Phase phase) {
  Bank& b = m_bank_state[bank];
  const Cycle earliest = max(start, m_last_issue);
  const bool ports_full = earliest == m_last_issue && m_issued_at_last >= m_ports;
  const Cycle port_cycle = ports_full ? earliest + 1 : earliest;
  if (b.free_at > port_cycle) {
    b.conflicts.add(phase);
    m_bank_conflicts.add(phase);
  }
  const Cycle issue = max(port_cycle, b.free_at);
  b.free_at = issue + 1;
  if (issue == m_last_issue) {
    ++m_issued_at_last;
  } else {
    m_last_issue = issue;
    m_issued_at_last = 1;
  }
  b.busy_cycles.add(phase);
  b.touched = true;
  m_busy_cycles.add(phase);
  b.busy.pulse(issue);
  b.busy_count.count(issue);
  return issue;
}

Cycle Sram::issue_words(uint64_t first_word, uint32_t words, Cycle start, Phase phase) {
  // Why a closed form is exact (WORD interleaving). Every bank's free_at is at most
  // m_last_issue + 1, so a word either joins the cycle of the last issue or starts the next
  // one. Once this transaction has started a new cycle L with bank b, its later words (banks
  // b+1, b+2, ... mod B, all with earliest cycle L) fill each cycle with q = min(ports, B)
  // words: with ports <= B the (q+1)-th finds the ports full and moves on without a conflict;
  // with ports > B it finds bank b busy, a conflict on b, and moves on. So word i of the run
  // from b issues at L + i / q. The words before that point (at most q + 1) go one by one.
  // A request after the queue's last issue (every bank free) starts its own cycle with its
  // first word: the closed form holds from that word on.
  const bool closed_form = !m_block_interleaving && !m_traced;
  const bool opens_cycle = start > m_last_issue;
  Cycle last = issue_word(bank_of(first_word), start, phase);
  const Cycle first_cycle = last;
  uint32_t k = 1;
  while (k < words && (!closed_form || (last == first_cycle && !opens_cycle))) {
    last = issue_word(bank_of(first_word + k++), start, phase);
  }
  if (k == words) return last;

  const uint64_t run = uint64_t{words - k} + 1;  // word k-1 (bank b, issued at L) and the rest
  const uint32_t b = bank_of(first_word + k - 1);
  const uint64_t q = std::min(m_ports, m_banks);
  const Cycle cycle_l = last;
  const uint64_t cycles = (run + q - 1) / q;
  if (m_ports > m_banks) {
    m_bank_state[b].conflicts.add(phase, cycles - 1);
    m_bank_conflicts.add(phase, cycles - 1);
  }
  // Words k..words-1 over banks b+1, b+2, ...: each bank's count, and its last issue (one of
  // the last B words) for free_at. The t-th of these banks (t < min(B, rest)) takes
  // full + (t < extra) words, its last at run index last_i = t + 1 + (full - (t >= extra)) x B:
  // consecutive t step last_i by 1 except at t = extra, so last_i / q is kept as a quotient and
  // remainder, with no division per bank (this loop runs for every row the core fetches).
  const uint64_t rest = run - 1;
  const uint64_t full = rest / m_banks;
  const uint64_t extra = rest - full * m_banks;
  const uint64_t touched = std::min<uint64_t>(m_banks, rest);
  uint32_t bank_index = b + 1 == m_banks ? 0 : b + 1;
  uint64_t last_i = 1 + (extra > 0 ? full : full - 1) * m_banks;  // t = 0
  uint64_t quotient = last_i / q;
  uint64_t remainder = last_i - quotient * q;
  for (uint64_t t = 0; t < touched; ++t) {
    if (t == extra && t > 0) {  // from here on the banks take one word less
      last_i = t + 1 + (full - 1) * m_banks;
      quotient = last_i / q;
      remainder = last_i - quotient * q;
    }
    Bank& bank = m_bank_state[bank_index];
    bank.busy_cycles.add(phase, t < extra ? full + 1 : full);
    bank.touched = true;
    bank.free_at = cycle_l + quotient + 1;
    if (++bank_index == m_banks) bank_index = 0;
    if (++remainder == q) {
      remainder = 0;
      ++quotient;
    }
  }
  m_busy_cycles.add(phase, rest);
  m_last_issue = cycle_l + (cycles - 1);
  m_issued_at_last = static_cast<uint32_t>(run - (cycles - 1) * q);
  return m_last_issue;
}

Cycle Sram::access(bool write, uint64_t address, uint32_t length_bytes, uint8_t* data,
                   Cycle start) {
  NMSIM_ASSERT(check(address, length_bytes) == tlm::TLM_OK_RESPONSE,
               std::string(name()) + ": illegal access at " + std::to_string(address) + ", " +
                   std::to_string(length_bytes) + " bytes");
  const Phase phase = m_ctx.phase.current();
  const uint64_t first_word = address / m_word_bytes;
  const uint32_t words = length_bytes / m_word_bytes;
  const Cycle last_issue = issue_words(first_word, words, start, phase);

  if (write) {
    if (data != nullptr) std::memcpy(&m_data[address], data, length_bytes);
    m_writes.add(phase, words);
    m_bits_written.add(phase, uint64_t{words} * m_word_bits);
    return last_issue + m_write_latency_cycles;
  }
  if (data != nullptr) std::memcpy(data, &m_data[address], length_bytes);
  m_reads.add(phase, words);
  m_bits_read.add(phase, uint64_t{words} * m_word_bits);
  return last_issue + m_read_latency_cycles;
}

Cycle Sram::write_masked(uint64_t address, const uint8_t* data, const uint8_t* bit_mask,
                         Cycle start) {
  NMSIM_ASSERT(check(address, m_word_bytes) == tlm::TLM_OK_RESPONSE,
               std::string(name()) + ": illegal masked write at " + std::to_string(address));
  const Phase phase = m_ctx.phase.current();
  const Cycle issue = issue_word(bank_of(address / m_word_bytes), start, phase);
  for (uint32_t b = 0; b < m_word_bytes; ++b) {
    uint8_t& stored = m_data[address + b];
    stored = static_cast<uint8_t>((stored & ~bit_mask[b]) | (data[b] & bit_mask[b]));
  }
  m_writes.add(phase);
  m_bits_written.add(phase, m_word_bits);
  return issue + m_write_latency_cycles;
}

void Sram::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const tlm::tlm_command command = payload.get_command();
  if (command == tlm::TLM_IGNORE_COMMAND) {
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const uint64_t address = payload.get_address();
  const uint64_t length = payload.get_data_length();
  if (payload.get_byte_enable_ptr() != nullptr) {
    payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const tlm::tlm_response_status status = check(address, length);
  if (status != tlm::TLM_OK_RESPONSE) {
    payload.set_response_status(status);
    return;
  }
  if (payload.get_streaming_width() < length) {
    payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  // Start at the first clock edge at or after now + delay (integer kernel ticks).
  const uint64_t period_ticks = m_ctx.clock.period().value();
  const uint64_t now_ticks = sc_core::sc_time_stamp().value();
  const uint64_t start_ticks = now_ticks + delay.value();
  const Cycle start((start_ticks + period_ticks - 1) / period_ticks);
  const Cycle done = access(command == tlm::TLM_WRITE_COMMAND, address,
                            static_cast<uint32_t>(length), payload.get_data_ptr(), start);
  delay = sc_core::sc_time::from_value(m_ctx.clock.to_time(done).value() - now_ticks);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Sram::transport_dbg(tlm::tlm_generic_payload& payload) {
  const uint64_t address = payload.get_address();
  if (address >= m_size_bytes) return 0;
  const uint64_t length = std::min<uint64_t>(payload.get_data_length(), m_size_bytes - address);
  if (payload.get_command() == tlm::TLM_READ_COMMAND) {
    std::memcpy(payload.get_data_ptr(), &m_data[address], length);
  } else if (payload.get_command() == tlm::TLM_WRITE_COMMAND) {
    std::memcpy(&m_data[address], payload.get_data_ptr(), length);
    touch(address / m_word_bytes, (address + length + m_word_bytes - 1) / m_word_bytes);
  } else {
    return 0;
  }
  return static_cast<unsigned int>(length);
}

bool Sram::get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
  // DMI would bypass the counters: refuse it, for the whole address range.
  (void)payload;
  dmi.set_start_address(0);
  dmi.set_end_address(m_size_bytes - 1);
  dmi.allow_none();
  return false;
}

}  // namespace nmsim::sram
