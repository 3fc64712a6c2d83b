// The state of the virtual-channel router (NocConfig::vc_alloc_delay_cycles >= 1) that the
// Mesh engine steps beside RouterState (which keeps its counters): per input VC its buffer and
// allocation state, per output VC its owner and credits, the allocators' round-robin pointers;
// and per NI the credits of each VC of the router's local input. See mesh.h for the model.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/noc/ring_buffer.h"
#include "models/noc/router.h"
#include "models/noc/routing.h"
#include "models/base/cycle.h"

namespace nmsim::noc {

// The most switch inputs of one router: kPortCount ports x the largest input speedup.
constexpr unsigned kMaxSwitchInputs = kPortCount * 8;

struct VcInput {
  enum State : uint8_t { kIdle, kVcAlloc, kActive };
  FixedRing<Flit> buffer;
  Cycle ready{};        // the front flit's next step (VC or switch allocation) from this cycle on
  Cycle stall_start{};  // the front flit waits for a credit since then (when `stalled`)
  State state = kIdle;
  // The packet's output ports here (one for unicast; a multicast tree's fork: several), those
  // whose output VC it holds (taken in the tree's port order, see mesh.h), and those the front
  // flit has left on (it frees its slot when it has left on all).
  uint8_t route = 0;
  uint8_t held = 0;
  uint8_t sent = 0;
  std::array<uint8_t, kPortCount> out_vc{};  // per held port: the output VC
  bool stalled = false;
};

// An output VC: the downstream input VC as this router sees it.
struct VcOutput {
  FixedRing<Cycle> credit_returns;  // cycles at which further credits arrive, in order
  uint32_t credits = 0;
  int16_t owner = -1;      // the input VC (port * VCs + vc) whose packet holds it; -1: free
  bool tail_sent = false;  // wait_for_tail_credit: its packet's tail left, credits still out
};

struct VcRouterState {
  std::vector<VcInput> inputs;    // [port * VCs + vc]
  std::vector<VcOutput> outputs;  // [port * VCs + vc]; the local ones take no credits
  // iSLIP pointers: VC allocation over input VCs x output VCs, switch allocation over switch
  // inputs (port * speedup + vc % speedup) x output ports; per switch input the VC preferred
  // among its own requests for one output.
  std::vector<uint8_t> va_grant;   // per output VC: the input VC with the highest priority
  std::vector<uint8_t> va_accept;  // per input VC: the output VC with the highest priority
  std::vector<uint8_t> sa_accept;  // per switch input: the output with the highest priority
  std::vector<uint8_t> sw_vc;      // per switch input: the VC with the highest priority
  std::array<uint8_t, kPortCount> sa_grant{};  // per output: the switch input with priority
  std::vector<Flit> flit_storage;
  std::vector<Cycle> credit_storage;
};

// The NI's view of the VCs of its router's local input.
struct NiVcState {
  std::vector<uint32_t> credits;
  std::vector<FixedRing<Cycle>> credit_returns;
  std::vector<Cycle> credit_storage;
  std::vector<uint8_t> in_use;     // a packet holds the VC
  std::vector<uint8_t> tail_sent;  // wait_for_tail_credit: its tail left, credits still out
  uint32_t pending_returns = 0;
  uint8_t vc = 0;       // the VC of the packet being sent
  uint8_t last_vc = 0;  // round robin: the next head tries the VCs after this one
};

}  // namespace nmsim::noc
