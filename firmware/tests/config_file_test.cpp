// The .conf.ehm file (services/config/config_file.hpp, docs/config.md): every schema key is either
// carried or left alone by a rule the docs' table shows; a file round-trips with its secrets sealed
// (never in clear) and opens only with the same family key; malformed, truncated, oversized, deeply
// nested and altered files are refused with a clear message.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "services/config/config_file.hpp"
#include "settings/settings_schema.hpp"
#include "update/a2up.hpp"

using namespace fw::config;
using nlohmann::json;

namespace {

ConfigFile sample() {
    ConfigFile f;
    f.header = {"AcuRev 2100-WEB2", "EHM20020001", "1.0.0", "2026-12-03T18:40:02+0000", "Test1", 2};
    f.settings = {{"meter.wiring", "2LN"}, {"network.modbus_tcp_port", 5020}, {"meter.ct_ratio_1", 200}};
    f.secrets = {{"mqtt.password", "Sw0rdfish-mqtt"}, {"bacnet.dcc_password", "dcc-secret-7"}};
    return f;
}

std::string refusal(const std::string& text, std::optional<std::array<std::uint8_t, 32>> key) {
    try {
        ConfigFile::read(text, key);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("every schema key is carried or left alone by a rule, and docs/config.md shows the rules") {
    for (const auto& sp : fw::SettingsSchema::instance().specs()) {
        INFO(sp.key);
        CHECK(classify(sp.key).has_value());
    }
    // The manual's exceptions (web manual 11).
    for (const char* k : {"network.https_port", "network.http_enable", "network.http_port", "acucloud.enable", "acucloud.token", "mqtt.client_id"}) {
        INFO(k);
        CHECK_FALSE(classify(k)->included);
    }
    for (const char* k : {"meter.wiring", "meter.ct_ratio_18", "network.modbus_tcp_port", "time.zone", "data_log_2.interval", "post_channel_3.ftp_password",
                          "bacnet.dcc_password", "snmp.community", "mqtt.password", "mqtt.will_topic"}) {
        INFO(k);
        CHECK(classify(k)->included);
    }
    std::ifstream in(std::string(ACUREV_SOURCE_DIR) + "/docs/config.md");
    std::stringstream doc;
    doc << in.rdbuf();
    for (const auto& r : classification_rules()) {
        const std::string row = std::string("| `") + r.prefix + "` | " + (r.included ? "carried" : "left alone") + " | " + r.why + " |";
        INFO(row);
        CHECK(doc.str().find(row) != std::string::npos);
    }
}

TEST_CASE("a configuration file round-trips with its secrets sealed, never in clear") {
    const auto key = fw::a2up::generate_family_key();
    const auto f = sample();
    const auto text = f.write(key);
    CHECK(text.find("Sw0rdfish-mqtt") == std::string::npos);
    CHECK(text.find("dcc-secret-7") == std::string::npos);
    const auto back = ConfigFile::read(text, key);
    CHECK(back.settings == f.settings);
    CHECK(back.secrets == f.secrets);
    CHECK(back.header.serial == "EHM20020001");
    CHECK(back.header.schema_version == 2);
    CHECK(refusal(text, fw::a2up::generate_family_key()).find("do not open with this device family's key") != std::string::npos);
    CHECK(refusal(text, std::nullopt).find("has none installed") != std::string::npos);
    // No family key: the secrets are left out, the rest is carried.
    const auto open_text = f.write(std::nullopt);
    CHECK(open_text.find("Sw0rdfish") == std::string::npos);
    CHECK(ConfigFile::read(open_text, std::nullopt).secrets.empty());
}

TEST_CASE("malformed, truncated, oversized, nested and altered configuration files are refused") {
    const auto key = fw::a2up::generate_family_key();
    const auto text = sample().write(key);
    CHECK(refusal("", key) != "");
    CHECK(refusal("not json", key) != "");
    CHECK(refusal("[]", key).find("not a .conf.ehm") != std::string::npos);
    CHECK(refusal(text.substr(0, text.size() / 2), key) != "");
    CHECK(refusal(std::string(max_file_size + 1, ' '), key).find("at most") != std::string::npos);
    std::string nested = R"({"format":"acurev-conf-ehm","settings":)" + std::string(100, '[') + std::string(100, ']') + "}";
    CHECK(refusal(nested, key).find("nest") != std::string::npos);
    auto altered = json::parse(text);
    altered["settings"]["network.modbus_tcp_port"] = 5021;
    CHECK(refusal(altered.dump(), key).find("integrity check does not match") != std::string::npos);
    auto doc = json::parse(text);
    doc.erase("integrity");
    CHECK(refusal(doc.dump(), key).find("no integrity check") != std::string::npos);
    // A sealed secret moved under another header does not open (the header is the cipher's additional data).
    auto moved = json::parse(text);
    moved["header"]["serial"] = "EHM20020002";
    moved.erase("integrity");
    const auto body = moved.dump();
    moved["integrity"] = "sha256:" + fw::a2up::sha256_hex(std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
    CHECK(refusal(moved.dump(), key).find("do not open") != std::string::npos);
}
