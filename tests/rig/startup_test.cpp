// The first seconds after the module starts: until it has read the board's settings it cannot
// check a write's cross-field rules, so writes answer 0x0B (README "Modbus TCP"); reads of blocks
// not read yet answer 0x0B too. Both go through once the first reads are in.
#include <catch2/catch.hpp>

#include "acurev/board_map.hpp"
#include "modbus_client.hpp"

using namespace std::chrono_literals;

namespace {

// FC06 of the demand interval (15 min, its default: valid whatever the settings are).
int write_interval(harness::Rig& rig) {
    return harness::with_client(rig, [](modbus_t* m) { return harness::exception_of(modbus_write_register(m, acurev::settings::demand_interval, 15)); });
}

}  // namespace

TEST_CASE("writes through the module answer 0x0B until it has read the board's settings") {
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5716;
    harness::Rig rig(c);
    rig.start();
    CHECK(write_interval(rig) == 0x0B);
    const auto started = rig.now();
    int code = 0x0B;
    while (code == 0x0B && rig.now() - started < 30s) {
        rig.advance(100ms);
        code = write_interval(rig);
    }
    CHECK(code == 0);
    const double took = hal::to_seconds(rig.now() - started);
    INFO("first accepted write " << took << " s after start");
    // docs/register-map.md and README "Modbus TCP": about 2 s at 19200 baud (the first cycles read every block once).
    CHECK(took > 0.5);
    CHECK(took <= 3.0);
    // The poller reads the settings block again every 10th cycle; writes never see 0x0B for that.
    for (int i = 0; i < 15; ++i) {
        rig.advance(1s);
        CHECK(write_interval(rig) == 0);
    }
}
