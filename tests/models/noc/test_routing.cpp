// Dimension-order routing: the engine's table lookup (route_port_xy) against the rule written
// out here (mesh.h): the first dimension moves until it is done, then the second, then local.
#include <catch2/catch.hpp>

#include "models/noc/routing.h"

using namespace nmsim;
using namespace nmsim::noc;

namespace {

unsigned dimension_order(bool x_first, uint32_t hx, uint32_t hy, uint32_t dx, uint32_t dy) {
  const auto step_x = [&]() -> unsigned { return dx > hx ? kEast : kWest; };
  const auto step_y = [&]() -> unsigned { return dy > hy ? kSouth : kNorth; };
  if (x_first) {
    if (dx != hx) return step_x();
    if (dy != hy) return step_y();
  } else {
    if (dy != hy) return step_y();
    if (dx != hx) return step_x();
  }
  return kLocal;
}

}  // namespace

TEST_CASE("route_port_xy follows dimension order from every node to every node", "[noc][routing]") {
  const MeshShape shape{5, 4};
  for (const bool x_first : {true, false}) {
    for (uint32_t here = 0; here < shape.nodes(); ++here) {
      for (uint32_t dest = 0; dest < shape.nodes(); ++dest) {
        INFO("x_first " << x_first << " here " << here << " dest " << dest);
        const uint32_t hx = shape.x(here), hy = shape.y(here), dx = shape.x(dest), dy = shape.y(dest);
        CHECK(route_port_xy(x_first, hx, hy, dx, dy) == dimension_order(x_first, hx, hy, dx, dy));
      }
    }
  }
}

TEST_CASE("a route reaches its destination in the Manhattan distance", "[noc][routing]") {
  const MeshShape shape{6, 3};
  for (const Routing routing : {ROUTING_XY, ROUTING_YX, ROUTING_XY_YX_CHECKERBOARD}) {
    for (uint32_t src = 0; src < shape.nodes(); ++src) {
      for (uint32_t dest = 0; dest < shape.nodes(); ++dest) {
        uint32_t here = src, steps = 0;
        for (unsigned port; (port = route_port(routing, shape, src, here, dest)) != kLocal; ++steps) {
          here = shape.neighbour(here, port);
          REQUIRE(steps <= shape.hops(src, dest));
        }
        CHECK(here == dest);
        CHECK(steps == shape.hops(src, dest));
      }
    }
  }
}

TEST_CASE("mask_count counts the set bits of every 8-bit mask", "[noc][routing]") {
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned bits = 0;
    for (unsigned b = 0; b < 8; ++b) bits += (mask >> b) & 1u;
    INFO("mask " << mask);
    CHECK(mask_count(static_cast<uint8_t>(mask)) == bits);
  }
}
