// What the SPIDE chip tests share: the job's options (the default chip with its ternary couples
// and a transposed read, the default run with the hidden layers and sample counts asked for, the
// default energy table) and the job's bit-exact check against the reference.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>

#include "platform/config/loader.h"
#include "workloads/job/chip_run.h"

namespace nmsim::testing {

inline job::JobOptions spide_job_options(std::initializer_list<uint32_t> hidden, TransposedRead read,
                                         uint32_t train_samples, uint32_t test_samples) {
  job::JobOptions o;
  o.chip = config::default_chip_config();
  o.chip.mutable_core()->set_ternary_couples(true);
  o.chip.mutable_core()->set_transposed_read(read);
  o.run = config::default_run_config();
  o.run.set_workload(WORKLOAD_SPIDE);
  o.run.mutable_network()->clear_hidden_sizes();
  for (uint32_t size : hidden) o.run.mutable_network()->add_hidden_sizes(size);
  o.run.mutable_training()->set_train_samples(train_samples);
  o.run.set_samples(test_samples);
  o.energy = config::default_energy_table();
  return o;
}

// The job compared the chip with its reference and found them equal (else: the first mismatch).
inline void require_matches_reference(const job::JobResult& r) {
  INFO(r.mismatch);
  REQUIRE(r.reference_checked);
  REQUIRE(r.reference_matches);
}

}  // namespace nmsim::testing
