// A mesh built without its NIs' injection sockets (InjectionSocket::kOmitted, the traffic
// bench's) has no socket objects and delivers what Mesh::inject queues at the same cycles as
// one with them (the zero-load latency of models/noc/mesh.h: (k+1)*P + k*L, P = L = 1).
#include <catch2/catch.hpp>

#include <string>

#include "tests/models/noc/testbench.h"

using namespace nmsim;
using namespace nmsim::noc;
using namespace nmsim::noc::test;

namespace {

bool has_child(const sc_core::sc_object& parent, const std::string& name) {
  for (const sc_core::sc_object* child : parent.get_child_objects()) {
    if (child->name() == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a mesh without injection sockets has none and delivers as one with them", "[noc][mesh]") {
  SimContext ctx(kClockMhz);
  Mesh with("with", make_chip(3, 1), ctx);
  Mesh without("without", make_chip(3, 1), ctx, InjectionSocket::kOmitted);
  CHECK(has_child(with.ni(0), "with.ni_0_0.inject_socket"));
  CHECK(!has_child(without.ni(0), "without.ni_0_0.inject_socket"));
  CHECK(without.ni(0).get_child_objects().empty());  // the socket was its only child
  Recorder rec_with(with);
  Recorder rec_without(without);
  // Node 0 -> 2 (2 hops: latency 3 * 1 + 2 * 1 = 5) at cycle 0, 2 -> 0 at cycle 10.
  for (Mesh* mesh : {&with, &without}) {
    mesh->inject(unicast(0, 0, 2, 0), Cycle(0));
    mesh->inject(unicast(1, 2, 0, 10), Cycle(10));
  }
  sc_core::sc_start();
  with.rethrow_if_failed();
  without.rethrow_if_failed();
  for (const Recorder* rec : {&rec_with, &rec_without}) {
    REQUIRE(rec->log.size() == 2);
    CHECK(rec->find(0)->at == 5);
    CHECK(rec->find(1)->at == 15);
  }
}
