// The engine's run-ahead (mesh.cpp, Mesh::engine): stepping busy cycles without waiting for
// the kernel's time must change nothing another model can see. Each case runs the same design
// twice, run-ahead on and off, each in its own child process (a SystemC design elaborates
// once per process), and compares everything observable: every delivery with its `at`, the
// clock and the kernel's time the sink saw, the replies the sinks injected, the drained
// events' cycles, the statistics, the final time.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "models/base/errors.h"
#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

struct Outcome {
  std::string trace;       // everything observable, one line per event
  uint64_t run_ahead = 0;  // cycles the engine stepped without waiting
};

// Runs `design` (which elaborates, simulates and writes its trace) in a child process; the
// child sends the run-ahead count and the trace through a pipe.
template <typename Design>
Outcome run_in_child(bool run_ahead, Design design) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    std::ostringstream out;
    uint64_t cycles = 0;
    try {
      cycles = design(run_ahead, out);
    } catch (const std::exception& e) {
      out << "exception: " << e.what() << "\n";
    }
    const std::string text = std::to_string(cycles) + "\n" + out.str();
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = write(fds[1], text.data() + written, text.size() - written);
      if (n <= 0) _exit(2);
      written += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::size_t eol = text.find('\n');
  REQUIRE(eol != std::string::npos);
  Outcome outcome;
  outcome.run_ahead = std::stoull(text.substr(0, eol));
  outcome.trace = text.substr(eol + 1);
  return outcome;
}

uint64_t kernel_cycle(const SimContext& ctx) { return ctx.clock.cycle_of(sc_core::sc_time_stamp()).value(); }

// A sink that records each delivery with the cycle the clock and the kernel show, and answers
// some packets with a reply injected from inside the delivery (at `at` or a few cycles later):
// the reply joins the engine's current cycle or a later one. With `records_only`, it records
// the packet and `at` alone and says so (needs_current_time false): the engine may call it
// ahead of the kernel's time.
class ReplyingSink : public PacketSink {
 public:
  ReplyingSink(Mesh& mesh, SimContext& ctx, uint32_t node, uint32_t core, bool records_only, std::ostream& out)
      : m_mesh(mesh), m_ctx(ctx), m_node(node), m_core(core), m_records_only(records_only), m_out(out) {}
  bool needs_current_time(const Packet&) const override { return !m_records_only; }
  void deliver(const Packet& p, Cycle at) override {
    m_out << "deliver " << p.id << " to " << m_node << "." << m_core << " at " << at.value();
    if (m_records_only) {
      m_out << "\n";
      return;
    }
    m_out << " clock " << m_ctx.clock.now().value() << " kernel " << kernel_cycle(m_ctx) << "\n";
    if (p.id >= kReplyBase || p.id % 3 == 0) return;  // replies are not answered
    Packet reply = unicast(kReplyBase + p.id, m_node, p.src_node, at.value(), 1 + p.id % 3, p.src_core);
    reply.src_core = m_core;
    m_mesh.inject(reply, at + p.id % 4);
  }
  static constexpr uint64_t kReplyBase = 1000000;

 private:
  Mesh& m_mesh;
  SimContext& m_ctx;
  uint32_t m_node, m_core;
  bool m_records_only;
  std::ostream& m_out;
};

// Records the cycle of every drained event.
class DrainWatcher : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DrainWatcher);
  DrainWatcher(sc_core::sc_module_name name, Mesh& mesh, SimContext& ctx, std::ostream& out)
      : sc_core::sc_module(name), m_mesh(mesh), m_ctx(ctx), m_out(out) {
    SC_THREAD(watch);
  }

 private:
  void watch() {
    for (;;) {
      sc_core::wait(m_mesh.drained_event());
      m_out << "drained clock " << m_ctx.clock.now().value() << " idle " << m_mesh.idle() << "\n";
    }
  }
  Mesh& m_mesh;
  SimContext& m_ctx;
  std::ostream& m_out;
};

// A core's thread: at each of its cycles it injects a packet, and records what it saw.
class Injector : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Injector);
  Injector(sc_core::sc_module_name name, Mesh& mesh, SimContext& ctx, std::vector<Packet> packets,
           std::ostream& out)
      : sc_core::sc_module(name), m_mesh(mesh), m_ctx(ctx), m_packets(std::move(packets)), m_out(out) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (const Packet& p : m_packets) {
      m_ctx.clock.wait_until(p.created);
      m_out << "inject " << p.id << " clock " << m_ctx.clock.now().value() << " idle " << m_mesh.idle()
            << " last delivery " << m_mesh.last_delivery_cycle().value() << "\n";
      m_mesh.inject(p, p.created);
    }
  }
  Mesh& m_mesh;
  SimContext& m_ctx;
  std::vector<Packet> m_packets;
  std::ostream& m_out;
};

void write_statistics(const Mesh& mesh, std::ostream& out) {
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    const Router& r = mesh.router(n);
    out << "router " << n << " forwarded " << r.flits_forwarded().total() << " hops " << r.hops().total()
        << " writes " << r.buffer_writes().total() << " conflicts " << r.arbitration_conflicts().total()
        << " stalls " << r.credit_stall_cycles().total() << " deliveries "
        << mesh.ni(n).local_deliveries().total() << " max queue " << mesh.ni(n).max_queue_packets() << "\n";
  }
  out << "stepped " << mesh.stepped_cycles() << " last delivery " << mesh.last_delivery_cycle().value()
      << " end " << sc_core::sc_time_stamp().value() << " idle " << mesh.idle() << "\n";
}

// 4x4 mesh, 2 cores per node, 2-flit buffers; 300 unicast packets of 1..4 flits at random
// cycles in [0, 1500) and 30 multicast packets on 4 trees, all queued before the run; every
// packet whose id is not a multiple of 3 is answered (except by the sinks that only record). With `late` set, a core thread injects
// 40 more packets at random cycles while the mesh is busy: cycles inside what would be a
// run-ahead, which must stop for them.
uint64_t random_design(bool run_ahead, std::ostream& out, const ChipConfig& chip, bool late) {
  SimContext ctx(kClockMhz);
  Mesh mesh("mesh", chip, ctx);
  mesh.set_run_ahead(run_ahead);
  std::vector<ReplyingSink> sinks;
  sinks.reserve(mesh.nodes() * mesh.cores_per_node());
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    // Core 1 of every third node only records.
    for (uint32_t c = 0; c < mesh.cores_per_node(); ++c) sinks.emplace_back(mesh, ctx, n, c, c == 1 && n % 3 == 0, out);
  }
  std::size_t i = 0;
  for (uint32_t n = 0; n < mesh.nodes(); ++n) {
    for (uint32_t c = 0; c < mesh.cores_per_node(); ++c) mesh.set_sink(n, c, &sinks[i++]);
  }
  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<uint32_t> node(0, mesh.nodes() - 1), core(0, mesh.cores_per_node() - 1),
      len(1, 4);
  std::uniform_int_distribution<uint64_t> when(0, 1499);
  for (uint64_t id = 1; id <= 300; ++id) {
    const uint64_t t = when(rng);
    Packet p = unicast(id, node(rng), node(rng), t, len(rng), core(rng));
    mesh.inject(p, p.created);
  }
  std::vector<uint32_t> trees;
  for (int t = 0; t < 4; ++t) {
    std::vector<Destination> dests;
    for (int d = 0; d < 3; ++d) dests.push_back({node(rng), core(rng)});
    trees.push_back(mesh.add_multicast_tree(node(rng), dests));
  }
  for (uint64_t id = 501; id <= 530; ++id) {
    const Packet p = unicast(id, 0, 0, when(rng), len(rng));
    mesh.send_to_tree(p, trees[id % 4], p.created);
  }
  std::vector<Packet> late_packets;
  if (late) {
    std::vector<uint64_t> cycles;
    for (int k = 0; k < 40; ++k) cycles.push_back(when(rng));
    std::sort(cycles.begin(), cycles.end());
    for (uint64_t k = 0; k < cycles.size(); ++k) {
      late_packets.push_back(unicast(700 + k, node(rng), node(rng), cycles[k], len(rng), core(rng)));
    }
  }
  Injector injector("injector", mesh, ctx, late_packets, out);
  DrainWatcher watcher("watcher", mesh, ctx, out);
  sc_core::sc_start();
  mesh.rethrow_if_failed();
  write_statistics(mesh, out);
  return mesh.run_ahead_cycles();
}

void require_same(const Outcome& ahead, const Outcome& waiting, std::size_t min_lines) {
  CHECK(waiting.run_ahead == 0);
  CHECK(ahead.run_ahead > 0);
  const auto lines = static_cast<std::size_t>(std::count(waiting.trace.begin(), waiting.trace.end(), '\n'));
  CHECK(lines >= min_lines);
  INFO("run-ahead cycles " << ahead.run_ahead << ", trace lines " << lines);
  CHECK(ahead.trace == waiting.trace);
}

}  // namespace

TEST_CASE("run-ahead: random traffic with replying sinks, same deliveries, clocks and counts",
          "[noc][run_ahead]") {
  const ChipConfig chip = make_chip(4, 4, 1, 1, 2, ROUTING_XY, REPLICATION_MULTICAST, 2);
  const auto design = [&](bool on, std::ostream& out) { return random_design(on, out, chip, false); };
  const Outcome ahead = run_in_child(true, design);
  const Outcome waiting = run_in_child(false, design);
  // 300 unicast + 30 x 3 multicast deliveries, about two thirds of them answered.
  require_same(ahead, waiting, 300 + 90 + 150);
  // Every delivery to a sink that needs the time happened with the kernel at the engine's cycle.
  std::istringstream lines(ahead.trace);
  std::size_t deliveries = 0, timed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("deliver ", 0) != 0) continue;
    ++deliveries;
    if (line.find(" clock ") == std::string::npos) continue;
    ++timed;
    unsigned long long id, at, clock, kernel;
    unsigned node, core;
    REQUIRE(std::sscanf(line.c_str(), "deliver %llu to %u.%u at %llu clock %llu kernel %llu", &id, &node,
                        &core, &at, &clock, &kernel) == 6);
    CHECK(clock == at);  // ejection latency 0: delivered at the cycle it leaves
    CHECK(kernel == at);
  }
  CHECK(deliveries >= 540);  // 390 first deliveries (fewer where a tree names a core twice) and the replies
  CHECK(timed >= 400);
  CHECK(timed < deliveries);
}

TEST_CASE("run-ahead: a core thread due inside a run of busy cycles stops it",
          "[noc][run_ahead]") {
  const ChipConfig chip = make_chip(4, 4, 1, 1, 2, ROUTING_XY, REPLICATION_MULTICAST, 2);
  const auto design = [&](bool on, std::ostream& out) { return random_design(on, out, chip, true); };
  const Outcome ahead = run_in_child(true, design);
  const Outcome waiting = run_in_child(false, design);
  require_same(ahead, waiting, 300 + 90 + 150 + 40);
  // The core saw its own cycles: each injection at the cycle it was due.
  std::istringstream lines(ahead.trace);
  std::size_t injections = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("inject ", 0) != 0) continue;
    ++injections;
  }
  CHECK(injections == 40);
}

TEST_CASE("run-ahead: the VC router with latencies, same deliveries", "[noc][run_ahead]") {
  ChipConfig chip = make_chip(4, 4, 2, 2, 3, ROUTING_XY, REPLICATION_MULTICAST, 2);
  NocConfig& noc = *chip.mutable_noc();
  noc.set_virtual_channels(2);
  noc.set_vc_alloc_delay_cycles(1);
  noc.set_injection_latency_cycles(1);
  noc.set_ejection_latency_cycles(2);
  noc.set_credit_delay_cycles(1);
  const auto design = [&](bool on, std::ostream& out) { return random_design(on, out, chip, true); };
  const Outcome ahead = run_in_child(true, design);
  const Outcome waiting = run_in_child(false, design);
  require_same(ahead, waiting, 300 + 90 + 150 + 40);
}

TEST_CASE("run-ahead: a deadlock is reported at the same cycle, the kernel stopped there",
          "[noc][run_ahead][deadlock]") {
  // The four packets of test_mesh_behaviour's checkerboard deadlock: nothing moves after
  // cycle 3, watchdog 100 -> error at cycle 103 (derived there).
  const auto design = [](bool on, std::ostream& out) {
    SimContext ctx(kClockMhz);
    ChipConfig chip = make_chip(2, 2, 1, 1, 2, ROUTING_XY_YX_CHECKERBOARD);
    chip.mutable_noc()->set_watchdog_cycles(100);
    Mesh mesh("mesh", chip, ctx);
    mesh.set_run_ahead(on);
    const MeshShape& s = mesh.shape();
    mesh.inject(unicast(1, s.node(0, 0), s.node(1, 1), 0, 20), Cycle(0));
    mesh.inject(unicast(2, s.node(1, 0), s.node(0, 1), 0, 20), Cycle(0));
    mesh.inject(unicast(3, s.node(1, 1), s.node(0, 0), 0, 20), Cycle(0));
    mesh.inject(unicast(4, s.node(0, 1), s.node(1, 0), 0, 20), Cycle(0));
    sc_core::sc_start();
    out << "failed " << mesh.failed() << " kernel " << kernel_cycle(ctx) << "\n";
    try {
      mesh.rethrow_if_failed();
    } catch (const DeadlockError& e) {
      out << e.what();
    }
    return mesh.run_ahead_cycles();
  };
  const Outcome ahead = run_in_child(true, design);
  const Outcome waiting = run_in_child(false, design);
  require_same(ahead, waiting, 5);
  CHECK(ahead.trace.rfind("failed 1 kernel 103\n", 0) == 0);
}

TEST_CASE("run-ahead: the drained event fires at the cycle the mesh empties", "[noc][run_ahead]") {
  // Sinks that only record: the engine runs ahead through both packets' flights and waits for
  // the kernel only to notify the drain. P = L = 1: a single-flit packet over k hops takes
  // (k+1)P + kL cycles; (0,0) -> (3,0) is 3 hops: 7. Queued for 10 and 100: delivered at 17
  // and 107; the mesh (queue included) is empty from 107.
  const auto design = [](bool on, std::ostream& out) {
    SimContext ctx(kClockMhz);
    Mesh mesh("mesh", make_chip(4, 4), ctx);
    mesh.set_run_ahead(on);
    std::vector<ReplyingSink> sinks;
    sinks.reserve(mesh.nodes());
    for (uint32_t n = 0; n < mesh.nodes(); ++n) sinks.emplace_back(mesh, ctx, n, 0, true, out);
    for (uint32_t n = 0; n < mesh.nodes(); ++n) mesh.set_sink(n, 0, &sinks[n]);
    const MeshShape& s = mesh.shape();
    mesh.inject(unicast(1, s.node(0, 0), s.node(3, 0), 10), Cycle(10));
    mesh.inject(unicast(2, s.node(0, 0), s.node(3, 0), 100), Cycle(100));
    DrainWatcher watcher("watcher", mesh, ctx, out);
    sc_core::sc_start();
    mesh.rethrow_if_failed();
    return mesh.run_ahead_cycles();
  };
  const Outcome ahead = run_in_child(true, design);
  const Outcome waiting = run_in_child(false, design);
  require_same(ahead, waiting, 3);
  CHECK(ahead.trace ==
        "deliver 1 to 3.0 at 17\n"
        "deliver 2 to 3.0 at 107\n"
        "drained clock 107 idle 1\n");
}
