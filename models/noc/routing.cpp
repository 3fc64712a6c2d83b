#include "models/noc/routing.h"

#include "models/base/errors.h"

namespace nmsim::noc {

const char* port_name(unsigned port) {
  switch (port) {
    case kNorth: return "north";
    case kEast: return "east";
    case kSouth: return "south";
    case kWest: return "west";
    case kLocal: return "local";
  }
  return "?";
}

uint32_t MeshShape::hops(uint32_t a, uint32_t b) const {
  const auto diff = [](uint32_t u, uint32_t v) { return u > v ? u - v : v - u; };
  return diff(x(a), x(b)) + diff(y(a), y(b));
}

uint32_t MeshShape::neighbour(uint32_t n, unsigned port) const {
  switch (port) {
    case kNorth: NMSIM_ASSERT(y(n) > 0, "north of the mesh"); return n - width;
    case kSouth: NMSIM_ASSERT(y(n) + 1 < height, "south of the mesh"); return n + width;
    case kEast: NMSIM_ASSERT(x(n) + 1 < width, "east of the mesh"); return n + 1;
    case kWest: NMSIM_ASSERT(x(n) > 0, "west of the mesh"); return n - 1;
  }
  NMSIM_ASSERT(false, "no neighbour across the local port");
  return n;
}

bool x_first(Routing routing, const MeshShape& shape, uint32_t src) {
  switch (routing) {
    case ROUTING_XY: return true;
    case ROUTING_YX: return false;
    case ROUTING_XY_YX_CHECKERBOARD: return (shape.x(src) + shape.y(src)) % 2 == 0;
    default: break;
  }
  NMSIM_ASSERT(false, "routing not validated");
  return true;
}

unsigned route_port(Routing routing, const MeshShape& shape, uint32_t src, uint32_t here,
                    uint32_t dest) {
  return route_port_xy(x_first(routing, shape, src), shape.x(here), shape.y(here), shape.x(dest),
                       shape.y(dest));
}

}  // namespace nmsim::noc
