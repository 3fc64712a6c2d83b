// Ports and dimension-order route computation of the 2D mesh (see mesh.h for the model).
#pragma once

#include <cstdint>

#include "proto/noc.pb.h"

namespace nmsim::noc {

// Router ports; x grows to the east, y grows to the south (node id = y * width + x).
enum Port : uint8_t { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kLocal = 4 };
constexpr unsigned kPortCount = 5;
constexpr uint8_t port_bit(unsigned port) { return static_cast<uint8_t>(1u << port); }
// The ports (or cores) in a mask, counted without a call: __builtin_popcount is a call into
// libgcc where the target has no popcnt instruction.
constexpr unsigned mask_count(uint8_t mask) {
  unsigned x = mask;
  x -= (x >> 1) & 0x55u;
  x = (x & 0x33u) + ((x >> 2) & 0x33u);
  return (x + (x >> 4)) & 0x0Fu;
}
// The input port of the neighbour that an output port leads to.
constexpr unsigned opposite(unsigned port) {
  return port == kLocal ? unsigned{kLocal} : (port + 2) % 4;
}
const char* port_name(unsigned port);

struct MeshShape {
  uint32_t width = 1;
  uint32_t height = 1;
  uint32_t x(uint32_t node) const { return node % width; }
  uint32_t y(uint32_t node) const { return node / width; }
  uint32_t node(uint32_t x_, uint32_t y_) const { return y_ * width + x_; }
  uint32_t nodes() const { return width * height; }
  uint32_t hops(uint32_t a, uint32_t b) const;  // Manhattan distance
  // Neighbour across an output port (the port must lead inside the mesh).
  uint32_t neighbour(uint32_t node, unsigned port) const;
};

// True if packets from `src` go X first: XY always, YX never, checkerboard by parity.
bool x_first(Routing routing, const MeshShape& shape, uint32_t src);
// Output port at `here` of a packet from `src` to `dest` (kLocal when here == dest).
unsigned route_port(Routing routing, const MeshShape& shape, uint32_t src, uint32_t here,
                    uint32_t dest);
// The same decision on coordinates (the engine keeps them per node: no division per hop).
// A table lookup, not branches: the directions depend on random destinations, so branches
// (and the selects the compiler turns back into branches) are mispredicted about half the
// time. Index: dimension order, then where the destination lies in x and in y (0: lower,
// 1: here, 2: higher).
inline unsigned route_port_xy(bool x_first, uint32_t here_x, uint32_t here_y, uint32_t dest_x,
                              uint32_t dest_y) {
  static constexpr uint8_t kPorts[2][3][3] = {
      // Y first: y decides unless it is done.
      {{kNorth, kWest, kSouth}, {kNorth, kLocal, kSouth}, {kNorth, kEast, kSouth}},
      // X first: x decides unless it is done.
      {{kWest, kWest, kWest}, {kNorth, kLocal, kSouth}, {kEast, kEast, kEast}}};
  const unsigned sx = unsigned{dest_x >= here_x} + unsigned{dest_x > here_x};
  const unsigned sy = unsigned{dest_y >= here_y} + unsigned{dest_y > here_y};
  return kPorts[x_first][sx][sy];
}

}  // namespace nmsim::noc
