// Test main: runs the Catch2 session from sc_main, and turns every SystemC warning into an
// error so a test cannot pass while the kernel complains (vcml's testing.cpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING,
                                          sc_core::SC_DISPLAY | sc_core::SC_THROW);
  // Deprecation notes about the kernel's own defaults are not the model's fault.
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  return Catch::Session().run(argc, argv);
}
