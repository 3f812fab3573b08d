// Alarm channels and the alarm log against the register map §2 definitions: windows every
// 200 ms, values stepped by hand, expected times and registers worked out from the definitions.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "acurev/board_map.hpp"
#include "meter/alarms.hpp"

using sim::meter::AlarmChannels;
using sim::meter::AlarmStatus;

namespace {

// 2026-03-27T15:50:23Z; windows end at base + n·200 ms, base = t0 + 144 ms.
constexpr std::int64_t t0_s = 1774626623;
hal::Time window(int n) {
    return std::chrono::seconds(t0_s) + std::chrono::milliseconds(144) + std::chrono::milliseconds(200) * n;
}

std::pair<std::uint16_t, std::uint16_t> float_words(float f) {
    const auto bits = std::bit_cast<std::uint32_t>(f);
    return {static_cast<std::uint16_t>(bits >> 16), static_cast<std::uint16_t>(bits & 0xFFFF)};
}

float float_at(const std::vector<std::uint16_t>& img, std::size_t at) {
    return std::bit_cast<float>((static_cast<std::uint32_t>(img.at(at)) << 16) | img.at(at + 1));
}

struct Channel {
    int k;
    std::uint16_t label;
    std::uint16_t comparison;  // 0 >, 1 =, 2 <
    float setpoint;
    std::uint16_t delay;  // 10 ms
    float hysteresis;
    std::uint16_t relay;
};

// The board map's default settings: every channel disabled.
std::vector<std::uint16_t> defaults() { return acurev::default_settings_image(acurev::blocks::alarm_settings); }

void put_channel(std::vector<std::uint16_t>& image, const Channel& c) {
    namespace f = acurev::alarm;
    const auto b = acurev::settings::alarm_stride * static_cast<std::size_t>(c.k - 1);
    image.at(b + f::enable) = 1;
    image.at(b + f::parameter) = c.label;
    image.at(b + f::comparison) = c.comparison;
    std::tie(image.at(b + f::setpoint), image.at(b + f::setpoint + 1)) = float_words(c.setpoint);
    image.at(b + f::delay) = c.delay;
    std::tie(image.at(b + f::hysteresis), image.at(b + f::hysteresis + 1)) = float_words(c.hysteresis);
    image.at(b + f::relay) = c.relay;
}

// A board in miniature: the channels, a value per label, and the relay requests seen.
struct Rig {
    AlarmChannels alarms;
    std::map<std::uint16_t, double> values;
    std::vector<std::pair<int, bool>> relay_calls;
    int n = 0;  // next window index

    explicit Rig(std::initializer_list<Channel> channels) {
        alarms.set_relay_request([this](int relay, bool on) { relay_calls.emplace_back(relay, on); });
        auto image = defaults();
        for (const auto& c : channels) put_channel(image, c);
        REQUIRE_FALSE(alarms.set_settings(image, window(0)));
    }
    AlarmChannels::ValueLookup lookup() {
        return [this](std::uint16_t label) -> std::optional<double> {
            auto it = values.find(label);
            if (it == values.end()) return std::nullopt;
            return it->second;
        };
    }
    // Runs one window with `value` on `label`; returns its end.
    hal::Time step(std::uint16_t label, double value) {
        values[label] = value;
        const hal::Time end = window(n++);
        alarms.evaluate(end, lookup());
        return end;
    }
};

constexpr std::uint16_t ia = 9;  // (0x2012 − 0x2000) / 2: phase A current

}  // namespace

TEST_CASE("greater-than alarm with a 2 s delay fires at the first window 2 s after the crossing and resets past the hysteresis") {
    Rig rig({{3, ia, 0, 100.0f, 200, 5.0f, 1}});
    for (int i = 0; i < 5; ++i) rig.step(ia, 50);
    const hal::Time t = rig.step(ia, 120);  // window 5: the first that sees the value above
    CHECK(rig.alarms.status(3) == AlarmStatus::pending);
    // windows 6..14 end 0.2 .. 1.8 s after t: not yet
    for (int i = 6; i < 15; ++i) {
        rig.step(ia, 120);
        CHECK(rig.alarms.records_written() == 0);
    }
    CHECK(rig.relay_calls.empty());
    const hal::Time fired = rig.step(ia, 120);  // window 15 = t + 2 s
    CHECK(fired - t == std::chrono::seconds(2));
    CHECK(rig.alarms.status(3) == AlarmStatus::alarm);
    REQUIRE(rig.alarms.records_written() == 1);
    const auto& r = rig.alarms.log()[0];
    CHECK(r.time == fired);
    CHECK(r.channel == 3);
    CHECK(r.alarm);
    CHECK(r.parameter == ia);
    CHECK(r.value == 120.0f);
    REQUIRE(rig.relay_calls == std::vector<std::pair<int, bool>>{{0, true}});
    CHECK(rig.alarms.relay_demand(0));
    CHECK(rig.alarms.active_mask() == 0x0004);

    // window 15 = 15:50:23.144 + 3 s: 15:50:26.144
    std::vector<std::uint16_t> img;
    rig.alarms.render_log(img);
    CHECK(img[16] == ((26 << 8) | 3));
    CHECK(img[17] == ((27 << 8) | 15));
    CHECK(img[18] == ((50 << 8) | 26));
    CHECK(img[19] == 144);

    // 97: below the setpoint but above sp − hyst = 95: still in alarm
    for (int i = 0; i < 5; ++i) rig.step(ia, 97);
    rig.step(ia, 95);  // not below 95
    CHECK(rig.alarms.status(3) == AlarmStatus::alarm);
    CHECK(rig.alarms.records_written() == 1);
    const hal::Time reset = rig.step(ia, 94);
    CHECK(rig.alarms.status(3) == AlarmStatus::normal);
    REQUIRE(rig.alarms.records_written() == 2);
    const auto& r2 = rig.alarms.log()[1];
    CHECK(r2.time == reset);
    CHECK(r2.channel == 3);
    CHECK_FALSE(r2.alarm);
    CHECK(r2.value == 94.0f);
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{0, true}, {0, false}});
    CHECK(rig.alarms.active_mask() == 0);
}

TEST_CASE("a delay that is not a whole number of windows fires at the first window past it") {
    Rig rig({{1, ia, 0, 100.0f, 205, 0.0f, 0}});  // 2.05 s
    const hal::Time t = rig.step(ia, 101);
    for (int i = 1; i <= 10; ++i) rig.step(ia, 101);  // up to t + 2.0 s
    CHECK(rig.alarms.records_written() == 0);
    const hal::Time fired = rig.step(ia, 101);
    CHECK(fired - t == std::chrono::milliseconds(2200));
    CHECK(rig.alarms.records_written() == 1);
    CHECK(rig.relay_calls.empty());  // not linked
}

TEST_CASE("less-than alarm with delay 0 fires at the first window and resets above sp plus hysteresis") {
    Rig rig({{2, 1, 2, 10.0f, 0, 1.0f, 2}});  // Va < 10, hyst 1, RO2
    rig.step(1, 10.0);  // not below
    CHECK(rig.alarms.records_written() == 0);
    rig.step(1, 9.5);
    CHECK(rig.alarms.status(2) == AlarmStatus::alarm);
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{1, true}});
    rig.step(1, 10.5);
    rig.step(1, 11.0);  // not above sp + hyst
    CHECK(rig.alarms.status(2) == AlarmStatus::alarm);
    rig.step(1, 11.5);
    CHECK(rig.alarms.status(2) == AlarmStatus::normal);
    CHECK(rig.alarms.records_written() == 2);
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{1, true}, {1, false}});
}

TEST_CASE("equal alarm fires inside the hysteresis band and resets outside it") {
    Rig rig({{4, 0, 1, 50.0f, 0, 0.5f, 0}});  // F = 50 ± 0.5
    rig.step(0, 49.4);
    CHECK(rig.alarms.records_written() == 0);
    rig.step(0, 50.4);
    CHECK(rig.alarms.status(4) == AlarmStatus::alarm);
    rig.step(0, 49.6);
    CHECK(rig.alarms.status(4) == AlarmStatus::alarm);
    rig.step(0, 50.6);
    CHECK(rig.alarms.status(4) == AlarmStatus::normal);
    CHECK(rig.alarms.records_written() == 2);
}

TEST_CASE("equal alarm with hysteresis 0 matches the float32 setpoint within 1e-6 of it") {
    Rig rig({{5, 0, 1, 49.9f, 0, 0.0f, 0}});
    rig.step(0, 49.95);  // 5e-2 away: band is 49.9e-6
    CHECK(rig.alarms.records_written() == 0);
    rig.step(0, 49.9);  // the double 49.9 is 1.5e-6 from the float 49.9f: inside
    CHECK(rig.alarms.status(5) == AlarmStatus::alarm);
    rig.step(0, 49.9);  // the same band holds it in alarm
    CHECK(rig.alarms.status(5) == AlarmStatus::alarm);
    rig.step(0, 49.9 + 1e-4);
    CHECK(rig.alarms.status(5) == AlarmStatus::normal);
}

TEST_CASE("an excursion shorter than the delay never fires") {
    Rig rig({{1, ia, 0, 100.0f, 100, 0.0f, 1}});  // 1 s
    for (int burst = 0; burst < 3; ++burst) {
        for (int i = 0; i < 5; ++i) rig.step(ia, 150);  // held 0.8 s from its first window
        CHECK(rig.alarms.status(1) == AlarmStatus::pending);
        rig.step(ia, 80);
        CHECK(rig.alarms.status(1) == AlarmStatus::normal);
    }
    CHECK(rig.alarms.records_written() == 0);
    CHECK(rig.relay_calls.empty());
    for (int i = 0; i < 6; ++i) rig.step(ia, 150);  // held 1.0 s: fires at the sixth
    CHECK(rig.alarms.records_written() == 1);
}

TEST_CASE("the 17th record wraps to slot 1") {
    Rig rig({{1, ia, 0, 0.0f, 0, 0.0f, 0}});
    std::vector<hal::Time> times;
    for (int i = 0; i < 17; ++i) times.push_back(rig.step(ia, i % 2 == 0 ? 1.0 : -1.0));  // alarm, reset, …
    CHECK(rig.alarms.records_written() == 17);
    CHECK(rig.alarms.newest_slot() == 1);
    CHECK(rig.alarms.log()[0].time == times[16]);
    CHECK(rig.alarms.log()[0].alarm);  // record 17 is an alarm (the odd ones are)
    CHECK(rig.alarms.log()[1].time == times[1]);

    std::vector<std::uint16_t> img;
    rig.alarms.render_log(img);
    REQUIRE(img.size() == 176);
    CHECK(img[1] == 0);
    CHECK(img[2] == 17);
    CHECK(img[3] == 1);
    // slot 1 = record 17 = window 16 = t0 + 144 ms + 3.2 s = 15:50:26.344
    CHECK(img[18] == ((50 << 8) | 26));
    CHECK(img[19] == 344);
    // slot 2 = record 2 = window 1 = 15:50:23.344, a reset
    CHECK(img[28] == ((50 << 8) | 23));
    CHECK(img[29] == 344);
    CHECK(img[31] == 0);
    CHECK(float_at(img, 33) == -1.0f);
}

TEST_CASE("log rendering puts each field at its register") {
    Rig rig({{7, 0x1A / 2, 2, 0.2f, 0, 0.0f, 0}});  // P system (0x201A) < 0.2
    rig.step(0x1A / 2, 1.0);
    rig.step(0x1A / 2, 0.1);  // window 1 fires: record 1 in slot 1
    std::vector<std::uint16_t> img(3, 0xFFFF);
    rig.alarms.render_log(img);
    REQUIRE(img.size() == 0xB0);
    CHECK(img[0] == (1 << 6));  // channel 7
    CHECK(img[1] == 0);
    CHECK(img[2] == 1);
    CHECK(img[3] == 1);
    for (std::size_t i = 4; i < 16; ++i) CHECK(img[i] == 0);
    CHECK(img[16] == ((26 << 8) | 3));   // 2026-03
    CHECK(img[17] == ((27 << 8) | 15));  // day 27, 15 h
    CHECK(img[18] == ((50 << 8) | 23));  // 15:50:23
    CHECK(img[19] == 344);               // .344
    CHECK(img[20] == 7);                 // alarm id
    CHECK(img[21] == 1);                 // status alarm
    CHECK(img[22] == 13);                // parameter label
    CHECK(img[23] == 0x3DCC);            // 0.1f = 0x3DCCCCCD, high word first
    CHECK(img[24] == 0xCCCD);
    CHECK(img[25] == 0);
    for (std::size_t i = 26; i < img.size(); ++i) CHECK(img[i] == 0);  // slots 2..16 empty
}

TEST_CASE("a fresh log renders as zeros") {
    AlarmChannels a;
    std::vector<std::uint16_t> img;
    a.render_log(img);
    CHECK(img == std::vector<std::uint16_t>(176, 0));
    CHECK(a.newest_slot() == 0);
}

TEST_CASE("clear_log empties the log and keeps the alarms in force") {
    Rig rig({{1, ia, 0, 10.0f, 0, 0.0f, 0}});
    rig.step(ia, 20);
    rig.alarms.clear_log();
    CHECK(rig.alarms.records_written() == 0);
    CHECK(rig.alarms.newest_slot() == 0);
    CHECK(rig.alarms.active_mask() == 1);
    rig.step(ia, 0);  // the reset is the first record after the clear
    CHECK(rig.alarms.newest_slot() == 1);
    CHECK_FALSE(rig.alarms.log()[0].alarm);
}

TEST_CASE("disabling a channel in alarm resets it with a record and drops its relay") {
    Rig rig({{2, ia, 0, 10.0f, 0, 0.0f, 1}});
    rig.step(ia, 20);
    REQUIRE(rig.alarms.status(2) == AlarmStatus::alarm);
    const hal::Time now = window(1) + std::chrono::milliseconds(50);
    REQUIRE_FALSE(rig.alarms.set_settings(defaults(), now));
    CHECK(rig.alarms.status(2) == AlarmStatus::disabled);
    REQUIRE(rig.alarms.records_written() == 2);
    CHECK(rig.alarms.log()[1] == sim::meter::AlarmRecord{now, 2, false, ia, 20.0f});
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{0, true}, {0, false}});
}

TEST_CASE("a new setpoint keeps the alarm in force until the new reset point") {
    Rig rig({{1, ia, 0, 10.0f, 0, 0.0f, 0}});
    rig.step(ia, 20);
    auto image = rig.alarms.settings();
    std::tie(image[3], image[4]) = float_words(30.0f);
    REQUIRE_FALSE(rig.alarms.set_settings(image, window(1)));
    CHECK(rig.alarms.status(1) == AlarmStatus::alarm);
    rig.step(ia, 25);  // below 30: reset
    CHECK(rig.alarms.status(1) == AlarmStatus::normal);
    CHECK(rig.alarms.records_written() == 2);
}

TEST_CASE("a relay shared by two channels stays on until the last of them resets") {
    Rig rig({{1, ia, 0, 10.0f, 0, 0.0f, 2}, {2, 1, 0, 200.0f, 0, 0.0f, 2}});
    rig.values[1] = 250;
    rig.step(ia, 20);  // both fire
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{1, true}});
    rig.step(ia, 0);  // channel 1 resets, channel 2 still in alarm
    CHECK(rig.relay_calls.size() == 1);
    rig.values[1] = 100;
    rig.step(ia, 0);
    CHECK(rig.relay_calls == std::vector<std::pair<int, bool>>{{1, true}, {1, false}});
}

TEST_CASE("a parameter the board does not have never fires and says so") {
    Rig rig({{1, 200, 0, 0.0f, 0, 0.0f, 1}});  // a label the lookup does not know
    for (int i = 0; i < 5; ++i) rig.step(ia, 1);
    CHECK(rig.alarms.status(1) == AlarmStatus::no_such_parameter);
    CHECK(rig.alarms.records_written() == 0);
    CHECK(rig.relay_calls.empty());
}

TEST_CASE("settings validation names the field the value and the range") {
    auto image = defaults();
    REQUIRE(image.size() == 160);
    CHECK(image == std::vector<std::uint16_t>(160, 0));
    CHECK_FALSE(sim::meter::validate_alarm_settings(image));

    // Per-register ranges: the board map's check and words (acurev::check_settings_write).
    auto bad = image;
    bad[5] = 3001;  // alarm 1 delay
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("Alarm 1 Delay 3001 is out of range: 0-3000 x 10 ms"));
    bad = image;
    bad[10 + 2] = 3;  // alarm 2 comparison
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("Alarm 2 Comparison 3 is out of range: 0-2"));
    bad = image;
    bad[10 + 8] = 3;
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("Alarm 2 Relay Output 3 is out of range: 0-2"));
    bad = image;
    std::tie(bad[20 + 6], bad[20 + 7]) = float_words(-1.0f);  // alarm 3 hysteresis
    CHECK(sim::meter::validate_alarm_settings(bad) ==
          std::optional<std::string>("Alarm 3 Hysteresis -1.000000 is out of range: 0.000000 to 1000000000.000000"));
    bad = image;
    std::tie(bad[20 + 3], bad[20 + 4]) = float_words(std::numeric_limits<float>::quiet_NaN());
    CHECK(sim::meter::validate_alarm_settings(bad) ==
          std::optional<std::string>("Alarm 3 Setpoint nan is out of range: -1000000000.000000 to 1000000000.000000"));
    bad = image;
    std::tie(bad[3], bad[4]) = float_words(std::numeric_limits<float>::infinity());
    CHECK(sim::meter::validate_alarm_settings(bad) ==
          std::optional<std::string>("Alarm 1 Setpoint inf is out of range: -1000000000.000000 to 1000000000.000000"));
    bad = image;
    bad[150 + 1] = 281;  // alarm 16 parameter: past the last user-channel float
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("Alarm 16 Parameter 281 is out of range: 0-32, 128-280"));
    bad = image;
    bad[9] = 1;  // alarm 1 +9: reserved, no setting of the board map
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("register 2841 is not a writable setting"));

    // A label inside 0-280 that names no real-time float (between the 0x2000 block and 0x2100).
    bad = image;
    bad[150 + 1] = 50;
    CHECK(sim::meter::validate_alarm_settings(bad) == std::optional<std::string>("Alarm 16 Parameter 50 is out of range: 0-32, 128-280"));
    bad[150 + 1] = 128;  // input channel 1 current
    CHECK_FALSE(sim::meter::validate_alarm_settings(bad));
    CHECK(sim::meter::validate_alarm_settings(std::vector<std::uint16_t>(159, 0)) ==
          std::optional<std::string>("alarm settings image of 159 registers: 160 expected"));

    AlarmChannels a;
    bad = image;
    bad[0] = 2;
    CHECK(a.set_settings(bad, window(0)) == std::optional<std::string>("Alarm 1 Enable 2 is out of range: 0-1"));
    CHECK(a.settings() == image);  // refused: nothing changed
}

TEST_CASE("the channel layout the alarms decode is the board map's") {
    // Alarm 3 at 0x0B10 + 20: the published offsets carry the board map's definitions.
    auto def = [](std::uint16_t offset) { return acurev::find_setting(static_cast<std::uint16_t>(0x0B10 + offset)); };
    REQUIRE(def(23) != nullptr);
    CHECK(def(23)->key == "alarm3_setpoint");
    CHECK(def(23)->label == "Alarm 3 Setpoint");
    CHECK(def(23)->word == acurev::Word::float_high);
    CHECK(def(24)->key == "alarm3_setpoint_lo");
    CHECK(def(24)->word == acurev::Word::float_low);
    CHECK(def(155)->key == "alarm16_delay");  // alarm 16, +5
    CHECK(def(155)->max == 3000);
    CHECK(def(0)->key == "alarm1_enable");
    CHECK(def(1)->max == 280);
    CHECK(def(8)->label == "Alarm 1 Relay Output");
    CHECK(def(16)->key == "alarm2_hysteresis");
    for (int k = 1; k <= 16; ++k) CHECK(def(static_cast<std::uint16_t>(10 * k - 1)) == nullptr);  // +9 reserved

    // An image written at those offsets decodes to the channel's fields.
    auto image = defaults();
    image[20] = 1;
    image[21] = ia;
    image[22] = 2;
    std::tie(image[23], image[24]) = float_words(12.5f);
    image[25] = 150;
    std::tie(image[26], image[27]) = float_words(0.25f);
    image[28] = 2;
    const auto s = sim::meter::decode_alarm_setting(image, 3);
    CHECK(s.enabled);
    CHECK(s.parameter == ia);
    CHECK(s.comparison == sim::meter::AlarmComparison::less);
    CHECK(s.setpoint == 12.5f);
    CHECK(s.delay == std::chrono::milliseconds(1500));
    CHECK(s.hysteresis == 0.25f);
    CHECK(s.relay == 2);
    CHECK_FALSE(sim::meter::validate_alarm_settings(image));
}

TEST_CASE("copies compare equal until one of them moves on and restart keeps the log") {
    Rig rig({{1, ia, 0, 10.0f, 0, 0.0f, 1}});
    rig.step(ia, 20);
    const AlarmChannels snapshot = rig.alarms;
    CHECK(snapshot == rig.alarms);
    rig.step(ia, 0);
    CHECK_FALSE(snapshot == rig.alarms);

    AlarmChannels restored = snapshot;
    CHECK(restored.active_mask() == 1);
    restored.restart();
    CHECK(restored.active_mask() == 0);
    CHECK(restored.records_written() == 1);
    CHECK_FALSE(restored.relay_demand(0));
}
