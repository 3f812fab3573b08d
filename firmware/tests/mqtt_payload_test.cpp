// The MQTT envelope (docs/mqtt.md): values as strings with 3 decimals, stale readings left out and
// "online" false when none is fresh, a large selection split into whole envelopes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "services/mqtt/mqtt_payload.hpp"

using namespace fw::mqtt_payload;

TEST_CASE("mqtt payload: the gateway/device envelope, 3 decimals, stale values left out") {
    const Source s{1767225600, "EHM26110001-W", "AR26110001", "1"};
    const auto m = messages(s, {{"Va_V", "V", 230.12345, true}, {"Ia_A", "A", 10.0, false}, {"P_kW", "kW", -0.0000001, true}});
    REQUIRE(m.size() == 1);
    const auto j = nlohmann::json::parse(m[0]);
    CHECK(j["timestamp"] == 1767225600);
    CHECK(j["gateway"]["serial"] == "EHM26110001-W");
    CHECK(j["device"]["serial"] == "AR26110001");
    CHECK(j["device"]["online"] == true);
    REQUIRE(j["device"]["readings"].size() == 2);
    CHECK(j["device"]["readings"][0] == nlohmann::json({{"param", "Va_V"}, {"value", "230.123"}, {"unit", "V"}}));
    CHECK(j["device"]["readings"][1]["value"] == "0.000");  // never "-0.000"
    CHECK_FALSE(j.contains("part"));

    const auto none = messages(s, {{"Va_V", "V", 1, false}});
    REQUIRE(none.size() == 1);
    CHECK(nlohmann::json::parse(none[0])["device"]["online"] == false);
    CHECK(nlohmann::json::parse(none[0])["device"]["readings"].empty());
}

TEST_CASE("mqtt payload: a large selection goes as several whole envelopes") {
    std::vector<Reading> many;
    for (int i = 0; i < 250; ++i) many.push_back({"K" + std::to_string(i), "", i * 1.0, true});
    const auto m = messages({1, "M", "B", "F"}, many);
    REQUIRE(m.size() == 3);
    std::size_t total = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        const auto j = nlohmann::json::parse(m[i]);
        CHECK(j["part"] == nlohmann::json({{"index", i + 1}, {"of", 3}}));
        total += j["device"]["readings"].size();
    }
    CHECK(total == 250);
    CHECK(nlohmann::json::parse(m[2])["device"]["readings"].back()["param"] == "K249");
}
