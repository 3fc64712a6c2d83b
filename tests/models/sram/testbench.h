// Test bench for the SRAM: an initiator thread plays a script of requests back to back
// (b_transport or the fast path), records what came back, and the test asserts after
// sc_start returns. Clock: 1 GHz (1000 ps), so cycles and ns coincide.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/sram/sram.h"
#include "models/base/sim_context.h"
#include "proto/sram.pb.h"

namespace nmsim::sram::testing {

constexpr double kClockMhz = 1000;  // a 1000 ps period

inline SramConfig make_config(uint64_t size_bytes, uint32_t word_width_bits, uint32_t banks,
                              uint32_t ports, uint32_t read_latency_cycles,
                              uint32_t write_latency_cycles,
                              Interleaving interleaving = INTERLEAVING_WORD) {
  SramConfig c;
  c.set_size_bytes(size_bytes);
  c.set_word_width_bits(word_width_bits);
  c.set_banks(banks);
  c.set_ports(ports);
  c.set_read_latency_cycles(read_latency_cycles);
  c.set_write_latency_cycles(write_latency_cycles);
  c.set_interleaving(interleaving);
  return c;
}

enum class Path { kTransport, kFast, kDebug };

struct Request {
  tlm::tlm_command command = tlm::TLM_READ_COMMAND;
  uint64_t address = 0;
  uint32_t length = 0;
  uint64_t delay_cycles = 0;    // annotated delay (fast path: start = now + delay)
  std::vector<uint8_t> data;    // written bytes (writes)
  Path path = Path::kTransport;
  bool wait_after = false;      // wait for the returned delay before the next request
  bool byte_enable = false;     // attach a byte-enable array (not supported by the SRAM)
  bool set_phase = false;
  Phase phase = Phase::kHostIo; // switched to before the request if set_phase
};

struct Result {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  uint64_t delay_cycles = 0;     // returned delay (fast path: completion - now)
  bool delay_whole_cycles = false;
  bool time_unchanged = false;   // b_transport did not wait
  unsigned int debug_bytes = 0;  // transport_dbg return value
  std::vector<uint8_t> data;     // bytes read
};

class Testbench : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Testbench> socket;
  SimContext ctx;
  Sram sram;
  std::vector<Request> script;
  std::vector<Result> results;
  bool dmi_offered = true;

  SC_HAS_PROCESS(Testbench);
  Testbench(sc_core::sc_module_name name, const SramConfig& config,
            trace::Tracer* tracer = nullptr)
      : sc_core::sc_module(name), socket("socket"), ctx(with_tracer(tracer)),
        sram("sram", config, ctx) {
    socket.bind(sram.socket);
    SC_THREAD(run);
  }

 private:
  static SimContext with_tracer(trace::Tracer* tracer) {
    SimContext c(kClockMhz);
    c.tracer = tracer;
    return c;
  }

  void run() {
    const sc_core::sc_time period = ctx.clock.period();
    for (Request& r : script) {
      if (r.set_phase) ctx.phase.set(r.phase, ctx.clock.now());
      Result out;
      out.data = r.command == tlm::TLM_WRITE_COMMAND ? r.data : std::vector<uint8_t>(r.length, 0xEE);
      if (r.path == Path::kFast) {
        const Cycle now = ctx.clock.now();
        const Cycle done = sram.access(r.command == tlm::TLM_WRITE_COMMAND, r.address, r.length,
                                       out.data.data(), now + r.delay_cycles);
        out.status = tlm::TLM_OK_RESPONSE;
        out.delay_cycles = done - now;
        out.delay_whole_cycles = true;
        out.time_unchanged = true;
      } else {
        tlm::tlm_generic_payload p;
        p.set_command(r.command);
        p.set_address(r.address);
        p.set_data_ptr(out.data.data());
        p.set_data_length(r.length);
        p.set_streaming_width(r.length);
        std::vector<uint8_t> enables(r.length, 0xFF);
        if (r.byte_enable) {
          p.set_byte_enable_ptr(enables.data());
          p.set_byte_enable_length(r.length);
        }
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (r.path == Path::kDebug) {
          out.debug_bytes = socket->transport_dbg(p);
        } else {
          sc_core::sc_time delay = period * static_cast<double>(r.delay_cycles);
          const sc_core::sc_time before = sc_core::sc_time_stamp();
          socket->b_transport(p, delay);
          out.time_unchanged = sc_core::sc_time_stamp() == before;
          out.status = p.get_response_status();
          out.delay_cycles = delay.value() / period.value();
          out.delay_whole_cycles = delay.value() % period.value() == 0;
          if (r.wait_after) sc_core::wait(delay);
        }
      }
      results.push_back(std::move(out));
    }
    tlm::tlm_generic_payload p;
    tlm::tlm_dmi dmi;
    p.set_address(0);
    dmi_offered = socket->get_direct_mem_ptr(p, dmi);
  }
};

inline Request read(uint64_t address, uint32_t length, uint64_t delay_cycles = 0) {
  Request r;
  r.command = tlm::TLM_READ_COMMAND;
  r.address = address;
  r.length = length;
  r.delay_cycles = delay_cycles;
  return r;
}

inline Request write(uint64_t address, std::vector<uint8_t> data, uint64_t delay_cycles = 0) {
  Request r;
  r.command = tlm::TLM_WRITE_COMMAND;
  r.address = address;
  r.length = static_cast<uint32_t>(data.size());
  r.data = std::move(data);
  r.delay_cycles = delay_cycles;
  return r;
}

}  // namespace nmsim::sram::testing
