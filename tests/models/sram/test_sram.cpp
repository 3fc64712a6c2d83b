// SRAM timing, counts and data. Every expected number is derived in a comment from the
// microarchitecture documented in models/sram/sram.h (one access per bank per cycle, at most
// `ports` per cycle, in-order issue, read/write latency from issue). Clock 1 GHz: the
// returned delay in cycles is completion cycle - 0 for requests made at time 0.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/base/errors.h"
#include "models/trace/tracer.h"
#include "tests/common/vcd_reader.h"
#include "tests/models/sram/testbench.h"

using nmsim::Cycle;
using nmsim::Phase;
using namespace nmsim::sram::testing;

namespace {

// 1 KB, 32-bit words (4 bytes), 4 banks, word interleaving unless told.
nmsim::SramConfig small(uint32_t ports, uint32_t read_latency, uint32_t write_latency,
                        nmsim::Interleaving interleaving = nmsim::INTERLEAVING_WORD) {
  return make_config(1024, 32, 4, ports, read_latency, write_latency, interleaving);
}

void require_ok_and_untimed(const Testbench& tb) {
  for (const Result& r : tb.results) {
    REQUIRE(r.status == tlm::TLM_OK_RESPONSE);
    REQUIRE(r.delay_whole_cycles);
    REQUIRE(r.time_unchanged);
  }
}

}  // namespace

TEST_CASE("sram: N reads of one bank serialize on the bank and count conflicts", "[sram]") {
  // ports 4, R 2. Eight one-word reads at word 4k (bank 0), all starting at s = 0.
  // Word k: earliest = previous issue k-1, a port is free there, bank 0 is busy until k
  // -> issues at k, a bank conflict for k >= 1. Completion k + 2; last: s + (N-1) + R = 9.
  Testbench tb("tb", small(4, 2, 1));
  for (uint32_t k = 0; k < 8; ++k) tb.script.push_back(read(16 * k, 4));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results.size() == 8);
  for (uint32_t k = 0; k < 8; ++k) REQUIRE(tb.results[k].delay_cycles == k + 2);
  REQUIRE(tb.sram.bank_conflicts().total() == 7);
  REQUIRE(tb.sram.bank_conflicts(0).total() == 7);
  REQUIRE(tb.sram.bank_busy_cycles(0).total() == 8);
  REQUIRE(tb.sram.bank_busy_cycles(1).total() == 0);
  REQUIRE(tb.sram.reads().total() == 8);
}

TEST_CASE("sram: N reads of one bank with one port stall on the port, not the bank", "[sram]") {
  // ports 1, R 2: word k's port-free cycle is k (one issue per cycle), bank 0 is free again
  // at k -> issues at k, no bank conflict. Completion k + 2, last s + N - 1 + R = 9.
  Testbench tb("tb", small(1, 2, 1));
  for (uint32_t k = 0; k < 8; ++k) tb.script.push_back(read(16 * k, 4));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  for (uint32_t k = 0; k < 8; ++k) REQUIRE(tb.results[k].delay_cycles == k + 2);
  REQUIRE(tb.sram.bank_conflicts().total() == 0);
}

TEST_CASE("sram: N reads spread over B banks with ports = B", "[sram]") {
  // One 8-word read at word 0: banks 0,1,2,3,0,1,2,3. Words 0-3 issue at 0 (4 ports).
  // Word 4: ports full at 0 -> port-free cycle 1, bank 0 free at 1 -> issue 1, no conflict.
  // Words 4-7 issue at 1. Completion s + ceil(8/4) - 1 + R = 0 + 1 + 2 = 3.
  Testbench tb("tb", small(4, 2, 1));
  tb.script.push_back(read(0, 32));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 3);
  REQUIRE(tb.sram.bank_conflicts().total() == 0);
  for (uint32_t b = 0; b < 4; ++b) REQUIRE(tb.sram.bank_busy_cycles(b).total() == 2);
  REQUIRE(tb.sram.reads().total() == 8);
}

TEST_CASE("sram: N reads spread over B banks with ports > B count one bank conflict", "[sram]") {
  // ports 8, 4 banks: words 0-3 issue at 0; word 4 has a free port at 0 but bank 0 is busy
  // -> one conflict on bank 0, issue 1. Words 5-7 issue in order, so no earlier than 1,
  // where their banks are free again: no conflict. Completion 1 + 2 = 3.
  Testbench tb("tb", small(8, 2, 1));
  tb.script.push_back(read(0, 32));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 3);
  REQUIRE(tb.sram.bank_conflicts().total() == 1);
  REQUIRE(tb.sram.bank_conflicts(0).total() == 1);
  REQUIRE(tb.sram.bank_conflicts(1).total() == 0);
}

TEST_CASE("sram: N reads spread over banks with one port issue one per cycle", "[sram]") {
  // ports 1: words 0..7 issue at 0..7 (each bank free again long before) -> s + N - 1 + R = 9.
  Testbench tb("tb", small(1, 2, 1));
  tb.script.push_back(read(0, 32));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 9);
  REQUIRE(tb.sram.bank_conflicts().total() == 0);
}

TEST_CASE("sram: read and write latency from the issue cycle, annotated delay as start", "[sram]") {
  // ports 4, R 3, W 5.
  // 1. write word 0, s 0: issue 0, completes 0 + 5 = 5.
  // 2. read word 1 (bank 1), s 0: in order after issue 0, port free at 0 -> issue 0, data 3.
  // 3. read word 2, delay 10: s 10, issue 10, data 13.
  // 4. write word 3, delay 4: s 4 but in order behind the issue at 10 -> issue 10, done 15;
  //    the thread then waits the 15 cycles.
  // 5. read word 0 at now = 15, delay 0: issue 15, data 18 -> returned delay 3, value of 1.
  Testbench tb("tb", small(4, 3, 5));
  tb.script.push_back(write(0, {1, 2, 3, 4}));
  tb.script.push_back(read(4, 4));
  tb.script.push_back(read(8, 4, 10));
  tb.script.push_back(write(12, {9, 9, 9, 9}, 4));
  tb.script.back().wait_after = true;
  tb.script.push_back(read(0, 4));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 5);
  REQUIRE(tb.results[1].delay_cycles == 3);
  REQUIRE(tb.results[2].delay_cycles == 13);
  REQUIRE(tb.results[3].delay_cycles == 15);
  REQUIRE(tb.results[4].delay_cycles == 3);
  REQUIRE(tb.results[4].data == std::vector<uint8_t>{1, 2, 3, 4});
  REQUIRE(sc_core::sc_time_stamp() == sc_core::sc_time(15, sc_core::SC_NS));
}

TEST_CASE("sram: two back-to-back transactions queue in order", "[sram]") {
  // ports 1, R 2. T1: 4 words at word 0 (banks 0-3), s 0 -> issue 0,1,2,3, done 5.
  // T2: 2 words at word 4 (banks 0,1), s 0 -> behind T1's last issue (3, port used) ->
  // issue 4, 5, done 7. Banks were free: no conflict.
  Testbench tb("tb", small(1, 2, 1));
  tb.script.push_back(read(0, 16));
  tb.script.push_back(read(16, 8));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 5);
  REQUIRE(tb.results[1].delay_cycles == 7);
  REQUIRE(tb.sram.bank_conflicts().total() == 0);
}

TEST_CASE("sram: a request waits behind an earlier one that starts later", "[sram]") {
  // ports 4, R 2. T1: word 0 with delay 5 -> issue 5, done 7. T2: word 1 (another bank),
  // delay 0: in order behind T1 -> issue 5 (a port is free), done 7, not 2.
  Testbench tb("tb", small(4, 2, 1));
  tb.script.push_back(read(0, 4, 5));
  tb.script.push_back(read(4, 4, 0));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.results[0].delay_cycles == 7);
  REQUIRE(tb.results[1].delay_cycles == 7);
}

TEST_CASE("sram: BLOCK interleaving maps contiguous blocks to banks", "[sram]") {
  // 256 words, 64 per bank: bank = word / 64. ports 4, R 1.
  // T1: words 0-3, all bank 0 -> issue 0,1,2,3 (conflicts for words 1-3), done 4.
  // T2-T4: words 64, 128, 192 (banks 1, 2, 3), s 0 -> behind issue 3, ports free there
  //   (1, 2, 3 of 4 used) -> issue 3, done 4 each.
  // T5: words 63 (bank 0) and 64 (bank 1): word 63: ports full at 3 -> port-free 4, bank 0
  //   free at 4 -> issue 4; word 64: port free at 4, bank 1 free since 4 -> issue 4; done 5.
  Testbench tb("tb", small(4, 1, 1, nmsim::INTERLEAVING_BLOCK));
  tb.script.push_back(read(0, 16));
  tb.script.push_back(read(256, 4));
  tb.script.push_back(read(512, 4));
  tb.script.push_back(read(768, 4));
  tb.script.push_back(read(252, 8));
  sc_core::sc_start();
  require_ok_and_untimed(tb);
  REQUIRE(tb.sram.bank_of(63) == 0);
  REQUIRE(tb.sram.bank_of(64) == 1);
  REQUIRE(tb.sram.bank_of(255) == 3);
  REQUIRE(tb.results[0].delay_cycles == 4);
  REQUIRE(tb.results[1].delay_cycles == 4);
  REQUIRE(tb.results[2].delay_cycles == 4);
  REQUIRE(tb.results[3].delay_cycles == 4);
  REQUIRE(tb.results[4].delay_cycles == 5);
  REQUIRE(tb.sram.bank_conflicts(0).total() == 3);
  REQUIRE(tb.sram.bank_conflicts().total() == 3);
  REQUIRE(tb.sram.bank_busy_cycles(0).total() == 5);
  REQUIRE(tb.sram.bank_busy_cycles(1).total() == 2);
  REQUIRE(tb.sram.bank_busy_cycles(2).total() == 1);
  REQUIRE(tb.sram.bank_busy_cycles(3).total() == 1);
}

TEST_CASE("sram: data written is read back and the debug port is a backdoor", "[sram]") {
  // Counted: write 16 bytes (4 words), read them (4), read 4 bytes at 100 (1), read 4 bytes
  // at 0 (1, still zero). Debug reads and writes are not counted.
  Testbench tb("tb", small(2, 1, 1));
  const std::vector<uint8_t> pattern{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  tb.script.push_back(write(8, pattern));
  tb.script.push_back(read(8, 16));
  Request dbg_read = read(8, 16);
  dbg_read.path = Path::kDebug;
  tb.script.push_back(dbg_read);
  Request dbg_write = write(100, {0xAA, 0xBB, 0xCC, 0xDD});
  dbg_write.path = Path::kDebug;
  tb.script.push_back(dbg_write);
  tb.script.push_back(read(100, 4));
  tb.script.push_back(read(0, 4));
  sc_core::sc_start();
  REQUIRE(tb.results[1].status == tlm::TLM_OK_RESPONSE);
  REQUIRE(tb.results[1].data == pattern);
  REQUIRE(tb.results[2].debug_bytes == 16);
  REQUIRE(tb.results[2].data == pattern);
  REQUIRE(tb.results[3].debug_bytes == 4);
  REQUIRE(tb.results[4].data == std::vector<uint8_t>{0xAA, 0xBB, 0xCC, 0xDD});
  REQUIRE(tb.results[5].data == std::vector<uint8_t>{0, 0, 0, 0});
  REQUIRE(tb.sram.writes().total() == 4);
  REQUIRE(tb.sram.reads().total() == 6);
  REQUIRE_FALSE(tb.dmi_offered);
}

TEST_CASE("sram: bad address or length gives an error response and costs nothing", "[sram]") {
  Testbench tb("tb", small(4, 2, 1));
  tb.script.push_back(read(2, 4));     // not word aligned
  tb.script.push_back(read(1024, 4));  // past the end
  tb.script.push_back(read(1020, 8));  // runs past the end
  tb.script.push_back(read(0, 0));     // empty
  tb.script.push_back(read(0, 6));     // not a multiple of the word
  Request enables = read(0, 4);
  enables.byte_enable = true;
  tb.script.push_back(enables);
  tb.script.push_back(read(0, 4, 3));  // then a good one: s 3, issue 3, data 5
  sc_core::sc_start();
  REQUIRE(tb.results[0].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(tb.results[1].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(tb.results[2].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(tb.results[3].status == tlm::TLM_BURST_ERROR_RESPONSE);
  REQUIRE(tb.results[4].status == tlm::TLM_BURST_ERROR_RESPONSE);
  REQUIRE(tb.results[5].status == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  for (int i = 0; i < 6; ++i) REQUIRE(tb.results[i].delay_cycles == 0);  // delay untouched
  REQUIRE(tb.results[6].status == tlm::TLM_OK_RESPONSE);
  REQUIRE(tb.results[6].delay_cycles == 5);
  REQUIRE(tb.sram.reads().total() == 1);
  REQUIRE(tb.sram.busy_cycles().total() == 1);
}

TEST_CASE("sram: counts, bits, phases and the fast path are exact", "[sram]") {
  // 2 KB, 64-bit words (8 bytes), 2 banks (word % 2), ports 2, R 1, W 2.
  // HostIo: write 4 words at word 0 (banks 0,1,0,1): issue 0,0 then ports full -> 1,1;
  //   done 1 + 2 = 3.
  // Forward, fast path, read 3 words at word 0, start 0: word 0 (bank 0): behind issue 1 with
  //   both ports used -> 2; word 1 (bank 1) -> 2; word 2 (bank 0): ports full at 2 -> 3;
  //   done 3 + 1 = 4.
  // Forward, b_transport read word 1 (bank 1): behind issue 3 (1 port used), bank 1 free
  //   since 3 -> issue 3, done 4.
  // Totals: writes 4 (HostIo), 256 bits; reads 4 (Forward), 256 bits; busy 4 per bank.
  Testbench tb("tb", make_config(2048, 64, 2, 2, 1, 2));
  tb.script.push_back(write(0, std::vector<uint8_t>(32, 7)));
  Request fast = read(0, 24);
  fast.path = Path::kFast;
  fast.set_phase = true;
  fast.phase = Phase::kForward;
  tb.script.push_back(fast);
  tb.script.push_back(read(8, 8));
  sc_core::sc_start();
  REQUIRE(tb.results[0].delay_cycles == 3);
  REQUIRE(tb.results[1].delay_cycles == 4);
  REQUIRE(tb.results[1].data == std::vector<uint8_t>(24, 7));
  REQUIRE(tb.results[2].delay_cycles == 4);
  const auto& s = tb.sram;
  REQUIRE(s.writes()[Phase::kHostIo] == 4);
  REQUIRE(s.writes().total() == 4);
  REQUIRE(s.bits_written()[Phase::kHostIo] == 256);
  REQUIRE(s.reads()[Phase::kForward] == 4);
  REQUIRE(s.reads().total() == 4);
  REQUIRE(s.bits_read()[Phase::kForward] == 256);
  REQUIRE(s.bits_read().total() == 256);
  REQUIRE(s.bank_busy_cycles(0).total() == 4);
  REQUIRE(s.bank_busy_cycles(1).total() == 4);
  REQUIRE(s.busy_cycles()[Phase::kHostIo] == 4);
  REQUIRE(s.busy_cycles()[Phase::kForward] == 4);
  REQUIRE(s.bank_conflicts().total() == 0);

  // Registered stats: 6 totals + 2 per bank; energy events sized by ONE bank (1 KB).
  REQUIRE(s.stats().size() == 10);
  REQUIRE(s.stats()[0].name == "reads");
  REQUIRE(s.stats()[0].counter.first == s.reads().by_phase.data());
  REQUIRE(s.stats()[0].counter.stride == 1);
  REQUIRE(s.stats()[0].energy.kind == nmsim::EnergyKind::kSramRead);
  REQUIRE(s.stats()[0].energy.size_kb == 1.0);
  REQUIRE(s.stats()[0].energy.width_bits == 64);
  REQUIRE(s.stats()[1].name == "writes");
  REQUIRE(s.stats()[1].energy.kind == nmsim::EnergyKind::kSramWrite);
  REQUIRE(s.stats()[6].name == "bank[0].conflicts");
  REQUIRE(s.stats()[9].name == "bank[1].busy_cycles");
  REQUIRE(s.leakage().size() == 1);
  REQUIRE(s.leakage()[0].kind == nmsim::LeakageKind::kSram);
  REQUIRE(s.leakage()[0].size_kb == 2.0);
}

TEST_CASE("sram: bank busy pulses and the busy_cycles counter appear in the trace", "[sram][trace]") {
  // 2 banks, ports 2, R 1, trace filter keeps bank 1 only.
  // T1: word 1 (bank 1), delay 3 -> issue 3: pulse 1@3, 0@4.
  // T2: words 0, 1 at delay 3: word 0 (bank 0) issues 3 (2 ports used at 3); word 1: ports
  //   full -> 4, bank 1 free at 4 -> issue 4: pulse 1@4, 0@5. At cycle 4 the fall and rise
  //   cancel: busy is 1 from cycle 3 to 5, one pulse; the counter (the statistic's name)
  //   steps at 3 and at 4.
  const std::string path = "sram_trace_test.vcd";
  std::remove(path.c_str());
  nmsim::trace::TraceOptions options;
  options.path = path;
  options.patterns = {"*bank[1]*"};
  {
    nmsim::trace::Tracer tracer(options);
    Testbench tb("tb", make_config(1024, 32, 2, 2, 1, 1), &tracer);
    tb.script.push_back(read(4, 4, 3));
    tb.script.push_back(read(0, 8, 3));
    sc_core::sc_start();
    REQUIRE(tracer.signal_count() == 4);  // busy, busy_cycles, the clock and the cycle counter
    REQUIRE(tb.results[0].delay_cycles == 4);
    REQUIRE(tb.results[1].delay_cycles == 5);
    tracer.finish(Cycle(6)).commit();
  }
  const nmsim::testing::VcdReader vcd(path);
  const std::vector<uint64_t> busy = {0, 0, 0, 1, 1, 0, 0}, count = {0, 0, 0, 1, 2, 2, 2};
  for (uint64_t c = 0; c <= 6; ++c) {
    INFO("cycle " << c);
    CHECK(vcd.value_at("tb.sram.bank[1].busy", 10 * c) == busy[c]);
    CHECK(vcd.value_at("tb.sram.bank[1].busy_cycles", 10 * c) == count[c]);
  }
  CHECK(vcd.changes_between("tb.sram.bank[1].busy", 0, 70) == 2);
  CHECK_FALSE(vcd.has("tb.sram.bank[0].busy"));
  std::remove(path.c_str());
}

TEST_CASE("sram: long transactions issue exactly as the per-word rule says", "[sram]") {
  // The rule of models/sram/sram.h, word by word, written out here: word k issues at the first
  // cycle >= max(start, previous issue) with a free port (fewer than `ports` issued there) and
  // its bank free (not issued at that cycle); a word whose bank is busy at the cycle it would
  // take if banks never blocked counts a conflict. Random transactions (start before, at or
  // after the last issue; 1 to 3 B + 5 words) on word-interleaved macros of several shapes
  // must give the model's completion cycles, per-bank busy cycles and conflicts.
  struct Shape {
    uint32_t banks, ports;
  };
  for (const Shape shape : {Shape{4, 4}, Shape{4, 2}, Shape{4, 6}, Shape{1, 3}, Shape{3, 1}, Shape{8, 5}, Shape{2, 8}}) {
    INFO("banks " << shape.banks << ", ports " << shape.ports);
    nmsim::SimContext ctx(1000.0);
    const uint32_t word_bytes = 4;
    const uint32_t words_total = 64 * shape.banks;
    nmsim::sram::Sram sram(("sram_" + std::to_string(shape.banks) + "_" + std::to_string(shape.ports)).c_str(),
                           make_config(uint64_t{words_total} * word_bytes, 32, shape.banks, shape.ports, 2, 1), ctx);
    std::vector<uint64_t> free_at(shape.banks, 0), busy(shape.banks, 0), conflicts(shape.banks, 0);
    uint64_t last_issue = 0, issued_at_last = 0;
    uint64_t seed = 12345;
    const auto random = [&seed](uint64_t n) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      return (seed >> 33) % n;
    };
    for (int t = 0; t < 400; ++t) {
      const uint64_t start = last_issue + random(5) - std::min<uint64_t>(last_issue, 2);
      const uint32_t words = 1 + static_cast<uint32_t>(random(3 * shape.banks + 5));
      const uint64_t first = random(words_total - words + 1);
      uint64_t issue = 0;
      for (uint32_t k = 0; k < words; ++k) {
        const uint32_t bank = static_cast<uint32_t>((first + k) % shape.banks);
        uint64_t c = std::max(start, last_issue);
        if (c == last_issue && issued_at_last >= shape.ports) ++c;  // where it goes if banks never block
        if (free_at[bank] > c) ++conflicts[bank];
        issue = std::max(c, free_at[bank]);
        free_at[bank] = issue + 1;
        issued_at_last = issue == last_issue ? issued_at_last + 1 : 1;
        last_issue = issue;
        ++busy[bank];
      }
      const bool write = random(2) == 0;
      const Cycle done = sram.access(write, first * word_bytes, words * word_bytes, nullptr, Cycle(start));
      INFO("transaction " << t << ": " << words << " words from word " << first << ", start " << start);
      REQUIRE(done.value() == issue + (write ? 1 : 2));
      for (uint32_t b = 0; b < shape.banks; ++b) {
        REQUIRE(sram.bank_busy_cycles(b).total() == busy[b]);
        REQUIRE(sram.bank_conflicts(b).total() == conflicts[b]);
      }
    }
  }
}
