#include <catch2/catch.hpp>

#include "acurev/board_map.hpp"

using namespace acurev;

namespace {
std::vector<std::uint16_t> default_image() {
    std::vector<std::uint16_t> img(blocks::meter_settings.count, 0);
    for (const auto& d : board_settings())
        if (blocks::meter_settings.contains(d.address, 1)) img[d.address - blocks::meter_settings.start] = d.default_value;
    return img;
}
}  // namespace

TEST_CASE("published blocks sit where the vendor sheet puts them") {
    CHECK(blocks::system_realtime.start == 0x2000);
    CHECK(blocks::system_realtime.count == 66);
    CHECK(blocks::channel_realtime.end() == 0x21D8);
    CHECK(blocks::user_realtime.end() - 1 == 0x2231);
    CHECK(blocks::meter_settings.end() - 1 == 0x089A);
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
