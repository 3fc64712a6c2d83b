// The workloads' spike traffic on the virtual-channel router with multicast trees replicated
// by the routers: inference and DFA training equal their functional references bit for bit,
// and the trees really were replicated in the network (fewer packets injected than delivered).
#include <catch2/catch.hpp>

#include <string>

#include "platform/config/loader.h"
#include "workloads/dfa/dfa_job.h"
#include "workloads/inference/inference_job.h"
#include "workloads/job/chip_run.h"

using namespace nmsim;

namespace {

// The default chip with BookSim2's matched VC router (models/noc/README.md) of 2 VCs x 4 flits.
ChipConfig vc_chip() {
  ChipConfig chip = config::default_chip_config();
  NocConfig& noc = *chip.mutable_noc();
  noc.set_virtual_channels(2);
  noc.set_buffer_depth_flits(4);
  noc.set_vc_alloc_delay_cycles(1);
  noc.set_routing_delay_cycles(0);
  noc.set_router_pipeline_stages(1);
  noc.set_input_speedup(2);
  noc.set_link_latency_cycles(2);
  noc.set_credit_delay_cycles(2);
  noc.set_injection_latency_cycles(2);
  noc.set_ejection_latency_cycles(2);
  noc.set_replication(REPLICATION_MULTICAST);
  return chip;
}

double sum_of(const Report& r, const std::string& suffix) {
  double sum = 0;
  for (const auto& s : r.stats()) {
    if (s.name().size() >= suffix.size() &&
        s.name().compare(s.name().size() - suffix.size(), suffix.size(), suffix) == 0) {
      sum += s.value();
    }
  }
  return sum;
}

void require_replicated(const Report& report) {
  const double injected = sum_of(report, ".packets_injected");
  CHECK(injected > 0);
  CHECK(sum_of(report, ".packets_delivered") > injected);
}

}  // namespace

TEST_CASE("inference: 5 digits on a VC chip with multicast trees equal the reference",
          "[inference][equivalence][vc]") {
  job::JobOptions o;
  o.chip = vc_chip();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.set_samples(5);
  // Two hidden layers on two cores each: a first-layer core's tree reaches both second-layer
  // cores (the input spikes enter the first layer's cores without the network).
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(300);
  o.run.mutable_network()->add_hidden_sizes(300);
  inference::InferenceJob workload;
  const auto result = job::run_chip_job(workload, o);
  INFO(result.mismatch);
  REQUIRE(result.reference_checked);
  REQUIRE(result.reference_matches);
  REQUIRE(workload.chip_outcomes().size() == 5);
  require_replicated(result.report);
}

TEST_CASE("dfa chip: 3 training samples on a VC chip with multicast trees equal the reference",
          "[dfa][equivalence][vc]") {
  job::JobOptions o;
  o.chip = vc_chip();
  o.run = config::default_run_config();
  o.energy = config::default_energy_table();
  o.run.mutable_training()->set_train_samples(3);
  o.run.set_samples(2);
  o.run.mutable_network()->clear_hidden_sizes();
  o.run.mutable_network()->add_hidden_sizes(300);  // two hidden cores
  o.run.mutable_network()->set_init_weight_range(1000);
  dfa::DfaJob workload;
  const auto result = job::run_chip_job(workload, o);
  INFO(result.mismatch);
  REQUIRE(result.reference_checked);
  REQUIRE(result.reference_matches);
  CHECK(workload.reference_counts().weights_written > 0);
  require_replicated(result.report);
}
