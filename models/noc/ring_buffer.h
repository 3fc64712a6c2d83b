// FIFOs on contiguous arrays. FixedRing: fixed capacity on storage owned elsewhere (the mesh
// keeps every router's input buffers and credit returns in one array, so a node's ports
// share cache lines; credits bound their occupancy). RingBuffer: growable (doubling, never
// shrinking) for the NI injection queue, so a warmed-up queue does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/base/errors.h"

namespace nmsim::noc {

template <typename T>
class FixedRing {
 public:
  FixedRing() = default;
  // `storage` holds `capacity` items and outlives the ring.
  FixedRing(T* storage, uint32_t capacity) : m_items(storage), m_capacity(capacity) {}

  bool empty() const { return m_size == 0; }
  std::size_t size() const { return m_size; }
  std::size_t capacity() const { return m_capacity; }
  bool full() const { return m_size == m_capacity; }

  T& front() { return m_items[m_head]; }
  const T& front() const { return m_items[m_head]; }
  T& back() { return at(m_size - 1); }
  // i-th item from the front.
  T& at(std::size_t i) { return m_items[wrap(m_head + i)]; }
  const T& at(std::size_t i) const { return m_items[wrap(m_head + i)]; }

  // Overflowing is a simulator bug (credits prevent it).
  void push_back(const T& item) {
    NMSIM_ASSERT(!full(), "ring buffer overflow");
    m_items[wrap(m_head + m_size)] = item;
    ++m_size;
  }
  void pop_front() {
    NMSIM_ASSERT(m_size > 0, "ring buffer underflow");
    m_head = static_cast<uint32_t>(wrap(m_head + 1));
    --m_size;
  }

 private:
  std::size_t wrap(std::size_t i) const { return i >= m_capacity ? i - m_capacity : i; }

  T* m_items = nullptr;
  uint32_t m_capacity = 0;  // kept here: the hot paths need no division
  uint32_t m_head = 0;
  uint32_t m_size = 0;
};

template <typename T>
class RingBuffer {
 public:
  explicit RingBuffer(std::size_t capacity = 0) : m_items(capacity), m_capacity(capacity) {}

  bool empty() const { return m_size == 0; }
  std::size_t size() const { return m_size; }
  std::size_t capacity() const { return m_capacity; }
  bool full() const { return m_size == m_capacity; }

  T& front() { return m_items[m_head]; }
  const T& front() const { return m_items[m_head]; }
  // i-th item from the front.
  T& at(std::size_t i) { return m_items[wrap(m_head + i)]; }
  const T& at(std::size_t i) const { return m_items[wrap(m_head + i)]; }

  // Push (doubles the storage when full).
  void push_back_grow(const T& item) {
    if (full()) grow();
    m_items[wrap(m_head + m_size)] = item;
    ++m_size;
  }
  // Push keeping the buffer sorted by `less`, stable for equal keys; items almost always
  // arrive in order, so this walks back at most a few places.
  template <typename Less>
  void insert_sorted_grow(const T& item, Less less) {
    if (full()) grow();
    std::size_t i = m_size;
    ++m_size;
    while (i > 0 && less(item, at(i - 1))) {
      at(i) = at(i - 1);
      --i;
    }
    at(i) = item;
  }
  void pop_front() {
    NMSIM_ASSERT(m_size > 0, "ring buffer underflow");
    m_head = wrap(m_head + 1);
    --m_size;
  }

 private:
  std::size_t wrap(std::size_t i) const { return i >= m_capacity ? i - m_capacity : i; }
  void grow() {
    std::vector<T> bigger(m_items.empty() ? 16 : 2 * m_items.size());
    for (std::size_t i = 0; i < m_size; ++i) bigger[i] = at(i);
    m_items.swap(bigger);
    m_capacity = m_items.size();
    m_head = 0;
  }

  std::vector<T> m_items;
  std::size_t m_capacity;  // m_items.size(), kept here: the hot paths need no division
  std::size_t m_head = 0;
  std::size_t m_size = 0;
};

}  // namespace nmsim::noc
