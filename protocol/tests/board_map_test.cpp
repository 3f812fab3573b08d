#include <catch2/catch.hpp>

#include "acurev/board_map.hpp"

using namespace acurev;

namespace {
// The settings at their defaults, as a lookup.
SettingLookup default_image() {
    return [](std::uint16_t a) {
        const SettingDef* d = find_setting(a);
        return d ? d->default_value : std::uint16_t{0};
    };
}
}  // namespace

TEST_CASE("published blocks sit where the vendor sheet puts them") {
    CHECK(blocks::system_realtime.start == 0x2000);
    CHECK(blocks::system_realtime.count == 66);
    CHECK(blocks::channel_realtime.end() == 0x21D8);
    CHECK(blocks::user_realtime.end() - 1 == 0x2231);
    CHECK(blocks::meter_settings.end() - 1 == 0x089A);
    CHECK(blocks::energy_kvarh_kvah.end() - 1 == 0x2B7B);
    CHECK(blocks::power_quality.end() - 1 == 0x3536);
    CHECK(blocks::phase_angles.end() - 1 == 0x3613);
    CHECK(energy::register_of(energy::Kind::kvarh, 27) == 0x2B36);  // user s6
    CHECK(energy::register_of(energy::Kind::kvarh, 28) == 0x2B70);  // user s7
    CHECK(energy::register_of(energy::Kind::kvah, 30) == 0x2B7A);   // user s9
    CHECK(energy::register_of(energy::Kind::kvah, 4) == 0x2B40);    // input channel 1
    CHECK(energy::register_of(energy::Kind::kwh, 22) == 0x252C);    // user s1
    REQUIRE(find_block(0x4000, 72) != nullptr);
    CHECK(find_block(0x4000, 72)->start == 0x4000);
    CHECK(find_block(0x2040, 4) == nullptr);  // runs past the end of 0x2000
    for (std::size_t i = 1; i < register_blocks().size(); ++i)
        CHECK(register_blocks()[i - 1].end() <= register_blocks()[i].start);
}

TEST_CASE("settings writes are checked against the map's ranges; with the field in the message") {
    const auto img = default_image();
    const std::uint16_t ok[] = {200};
    CHECK_FALSE(check_settings_write(0x0889, ok, img));
    const std::uint16_t too_big[] = {60000};
    auto e = check_settings_write(0x0889, too_big, img);
    REQUIRE(e);
    CHECK(*e == "CT Ratio 1 60000 is out of range: 5-50000 A");
    const std::uint16_t ct[] = {150};
    CHECK(check_settings_write(settings::ct_type, ct, img) == std::string("Device Transformer 150 is out of range: 80, 100, 120, 200, 333"));
    const std::uint16_t unlisted[] = {1};
    CHECK(check_settings_write(0x0850, unlisted, img));
    const std::uint16_t sub[] = {10};  // interval 15 < 2 x 10
    CHECK(check_settings_write(settings::demand_subinterval, sub, img));
    const std::uint16_t both[] = {30, 10};  // written together: fine
    CHECK_FALSE(check_settings_write(settings::demand_interval, both, img));
}

TEST_CASE("the 0x0A02 parity code and the RS-485 line setting map both ways") {
    for (std::uint16_t code = 0; code <= 3; ++code) CHECK(rs485_parity_code(rs485_line(9600, code)) == code);
    const auto line = rs485_line(19200, 2);
    CHECK(line.baud == 19200);
    CHECK(line.parity == hal::Parity::none);
    CHECK(line.stop_bits == 2);
    CHECK(rs485_line(19200, 0).parity == hal::Parity::even);
    CHECK(rs485_line(19200, 1).parity == hal::Parity::odd);
}

TEST_CASE("float32 settings are checked as a pair and commands take only their values") {
    const auto img = default_image();
    const std::uint16_t nan_hi[] = {0x7FC0, 0x0000};
    auto e = check_settings_write(settings::alarm_first + alarm::setpoint, nan_hi, img);
    REQUIRE(e);
    CHECK(e->find("Alarm 1 Setpoint") == 0);
    const std::uint16_t minus_one[] = {0xBF80, 0x0000};  // -1.0: a hysteresis below 0
    CHECK(check_settings_write(settings::alarm_first + alarm::hysteresis, minus_one, img));
    CHECK_FALSE(check_settings_write(settings::alarm_first + alarm::setpoint, minus_one, img));
    const std::uint16_t one[] = {1}, two[] = {2}, all[] = {255}, nineteen[] = {19};
    CHECK_FALSE(check_command_write(settings::energy_reset, one));
    CHECK(check_command_write(settings::energy_reset, two));
    CHECK_FALSE(check_command_write(settings::di_counter_reset, all));
    CHECK(*check_command_write(settings::di_counter_reset, nineteen) ==
          "DI counter reset 19 is out of range: 1-18 (one DI) or 255 (all)");
    CHECK(default_settings_image(blocks::tou_settings).at(tou::weekend_mask) == 0x41);
    const std::uint16_t month13[] = {13};
    CHECK(*check_settings_write(static_cast<std::uint16_t>(settings::tou_first + tou::season_first), month13, img) ==
          "TOU Season 1 Start Month 13 is out of range: 1-12");
}
