#include <catch2/catch.hpp>

#include "sim/sim_network.hpp"

TEST_CASE("the simulator contacts loopback and its own addresses only, unless allowed outside") {
    const hal::sim::SimNetwork net({{"eth1", "127.0.0.1"}, {"eth2", "127.0.0.2"}});
    for (const char* ok : {"127.0.0.1", "127.9.8.7", "::1", "localhost", "127.0.0.2"}) CHECK(net.refused_destination(ok).empty());
    for (const char* outside : {"8.8.8.8", "0.us.pool.ntp.org", "192.168.1.1", "::ffff:8.8.8.8", "2001:db8::1"}) {
        const auto why = net.refused_destination(outside);
        CHECK_THAT(why, Catch::StartsWith(std::string("destination ") + outside + " refused"));
        CHECK_THAT(why, Catch::Contains("--allow-outside"));
    }
    const hal::sim::SimNetwork open({{"eth1", "127.0.0.1"}}, true);
    CHECK(open.refused_destination("0.us.pool.ntp.org").empty());
    CHECK(open.refused_destination("8.8.8.8").empty());
}
