// The one settings schema: board settings take every rule from the board map, a bad change is
// refused whole with the field and its range, saved sets migrate, export and import round-trip.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "acurev/board_map.hpp"
#include "common/file_storage.hpp"
#include "settings/settings.hpp"

using nlohmann::json;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "acurev-settings-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()));
        path = t;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::uint16_t default_word(std::uint16_t a) {
    const auto* d = acurev::find_setting(a);
    return d ? d->default_value : 0;
}

}  // namespace

TEST_CASE("property: for random writes to every board setting the schema accepts exactly what the board map accepts") {
    TempDir dir;
    hal::FileStorage storage(dir.path);
    fw::Settings settings(storage);
    const fw::BoardRegisters board = [](std::uint16_t a) -> std::optional<std::uint16_t> { return default_word(a); };
    std::mt19937 rng(20261202);
    std::uniform_int_distribution<int> word(0, 0xFFFF);
    int board_specs = 0, accepted = 0, refused = 0;
    for (const auto& sp : fw::SettingsSchema::instance().specs()) {
        if (!sp.board) continue;
        ++board_specs;
        for (int trial = 0; trial < 200; ++trial) {
            std::vector<std::uint16_t> words;
            json value;
            if (sp.type == fw::SettingType::real) {
                // Random float32 bits: NaN, infinities, huge and tiny numbers among them.
                const std::uint32_t bits = (static_cast<std::uint32_t>(word(rng)) << 16) | static_cast<std::uint32_t>(word(rng));
                float f = 0;
                std::memcpy(&f, &bits, sizeof f);
                if (!std::isfinite(f)) continue;  // JSON has no NaN or infinity: a writer cannot send one
                words = {static_cast<std::uint16_t>(bits >> 16), static_cast<std::uint16_t>(bits & 0xFFFF)};
                value = static_cast<double>(f);
            } else {
                // Half the trials near the range, so both answers come up often.
                const int v = trial % 2 ? word(rng) : static_cast<int>(sp.board->min) + word(rng) % (sp.board->max - sp.board->min + 3);
                words = {static_cast<std::uint16_t>(std::min(v, 0xFFFF))};
                value = words[0];
            }
            const bool board_accepts = !acurev::check_settings_write(sp.board->address, words, default_word);
            json normalised;
            const auto errors = settings.validate({{sp.key, value}}, normalised, board);
            INFO(sp.key << " = " << value.dump());
            CHECK(errors.empty() == board_accepts);
            (board_accepts ? accepted : refused) += 1;
        }
    }
    CHECK(board_specs > 600);
    CHECK(accepted > 1000);
    CHECK(refused > 1000);
}

TEST_CASE("settings: a change with one bad value is refused whole, each error naming the field and its range") {
    TempDir dir;
    hal::FileStorage storage(dir.path);
    fw::Settings settings(storage);
    const auto errors = settings.change({{"meter.ct_ratio_1", 200}, {"network.modbus_tcp_port", 70}, {"meter.wiring", "4LN"}, {"x.y", 1}});
    // In key order (the change is a JSON object).
    CHECK(errors == std::vector<std::string>{
                        "Wiring of Three Phase User must be one of 1LN (0), 3LN (1), 2LN (2), high-leg (3), 2LL (4), 2LN/Network (5), got \"4LN\"",
                        "Modbus TCP Port must be 502 or 2000-5999, got 70", "unknown setting 'x.y' (docs/settings.md lists them)"});
    CHECK(settings.number("meter.ct_ratio_1") == 100);  // nothing of it was kept
    // A cross-field rule of the board map, seen with both sides of the change.
    CHECK(settings.change({{"meter.demand_subinterval", 10}}) ==
          std::vector<std::string>{"Averaging Interval Window 15 min must be at least 2 x the sub-interval (10 min)"});
    CHECK(settings.change({{"meter.demand_subinterval", 10}, {"meter.demand_interval", 20}}).empty());
    // Choices by label or code, booleans as true/false, floats as numbers.
    CHECK(settings.change({{"meter.wiring", "2LL"}, {"alarms.alarm1_enable", true}, {"alarms.alarm1_setpoint", 240.5}}).empty());
    CHECK(settings.number("meter.wiring") == 4);
    CHECK(settings.real("alarms.alarm1_setpoint") == 240.5);
    CHECK(settings.change({{"alarms.alarm1_enable", "yes"}}) == std::vector<std::string>{"Alarm 1 Enable must be true or false, got \"yes\""});
    // And it is what the next start reads.
    fw::Settings again(storage);
    CHECK(again.number("meter.demand_interval") == 20);
    CHECK(again.value("alarms.alarm1_enable") == true);
}

TEST_CASE("settings: a version 1 file migrates (flat keys, float words); a newer one is refused") {
    TempDir dir;
    hal::FileStorage storage(dir.path);
    // 240.0 f = 0x43700000
    storage.write_atomic("settings.json", R"({"schema_version": 1, "values": {"modbus_tcp_port": 2502, "rs485_baud": 9600,
        "ct_primary_3": 400, "alarm1_enable": 1, "alarm1_setpoint": 17264, "alarm1_setpoint_lo": 0, "event_window_count": 10}})");
    fw::Settings s(storage);
    CHECK(s.number("network.modbus_tcp_port") == 2502);
    CHECK(s.number("rs485.baud") == 9600);
    CHECK(s.number("meter.ct_ratio_3") == 400);
    CHECK(s.value("alarms.alarm1_enable") == true);
    CHECK(s.real("alarms.alarm1_setpoint") == 240.0);
    CHECK(json::parse(*storage.read("settings.json"))["schema_version"] == 2);  // saved in the new version
    storage.write_atomic("settings.json", R"({"schema_version": 3, "values": {}})");
    CHECK_THROWS_WITH(fw::Settings(storage), Catch::Contains("settings schema version 3 is newer than this firmware's (2)"));
}

TEST_CASE("settings: export and import round-trip; a bad import changes nothing") {
    TempDir a_dir, b_dir;
    hal::FileStorage a_store(a_dir.path), b_store(b_dir.path);
    fw::Settings a(a_store), b(b_store);
    REQUIRE(a.change({{"meter.ct_ratio_2", 250}, {"device.description", "Panel 3"}}).empty());
    const auto doc = a.export_json();
    CHECK(doc["schema_version"] == 2);
    CHECK(b.import_json(doc).empty());
    CHECK(b.to_json() == a.to_json());
    auto bad = doc;
    bad["values"]["meter.ct_ratio_2"] = 60000;
    bad["values"]["device.description"] = "changed";
    CHECK(b.import_json(bad) == std::vector<std::string>{"CT Ratio 2 must be between 5 and 50000 A, got 60000"});
    CHECK(b.text("device.description") == "Panel 3");
}

TEST_CASE("settings: the board's acknowledged writes are followed, a float by either word") {
    TempDir dir;
    hal::FileStorage storage(dir.path);
    fw::Settings s(storage);
    s.follow_board(acurev::settings::ct_primary_first, {300, 301});
    CHECK(s.number("meter.ct_ratio_1") == 300);
    CHECK(s.number("meter.ct_ratio_2") == 301);
    const auto sp = acurev::settings::alarm_first + acurev::alarm::setpoint;
    s.follow_board(static_cast<std::uint16_t>(sp), {0x4370, 0});
    CHECK(s.real("alarms.alarm1_setpoint") == 240.0);
    s.follow_board(static_cast<std::uint16_t>(sp + 1), {0x8000});  // the low word alone: 0x43708000
    CHECK(s.real("alarms.alarm1_setpoint") == 240.5);
}

TEST_CASE("settings: board writes go in address order, adjacent registers merged into one write") {
    json normalised = {{"meter.demand_subinterval", 2}, {"meter.demand_interval", 4}, {"meter.ct_ratio_1", 200}, {"alarms.alarm1_setpoint", 240.5}};
    const auto writes = fw::Settings::board_writes(normalised);
    REQUIRE(writes.size() == 3);
    CHECK(writes[0].address == acurev::settings::demand_interval);
    CHECK(writes[0].values == std::vector<std::uint16_t>{4, 2});
    CHECK(writes[1].address == acurev::settings::ct_primary_first);
    CHECK(writes[1].values == std::vector<std::uint16_t>{200});
    CHECK(writes[2].values == std::vector<std::uint16_t>{0x4370, 0x8000});
}
