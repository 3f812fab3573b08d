// Energy, digital inputs and relay outputs of the virtual board, read through its register map.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "common/event_scheduler.hpp"
#include "meter/virtual_board.hpp"
#include "modbus/pdu.hpp"
#include "waveform/waveform.hpp"

using namespace std::chrono_literals;
namespace s = acurev::settings;

namespace {

constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));  // 2026-01-01 00:00

struct Board {
    hal::EventScheduler sched{t0};
    sim::WaveformGenerator world{3};
    std::unique_ptr<sim::meter::VirtualBoard> board;

    // `load` sets the currents before the board measures its first window.
    explicit Board(std::vector<std::pair<std::uint16_t, std::uint16_t>> settings = {},
                   const std::function<void(sim::WaveformGenerator&)>& load = {}) {
        world.set_frequency(50, t0);
        for (int p = 0; p < 3; ++p) world.set_voltage(p, {230, -120.0 * p, 0, 0, {}});
        if (load) load(world);
        sim::meter::BoardConfig bc;
        bc.fidelity = sim::meter::Fidelity::analytic;
        bc.settings = std::move(settings);
        bc.settings.push_back({s::rated_voltage, 230});
        board = std::make_unique<sim::meter::VirtualBoard>(sched, world, bc);
    }
    std::vector<std::uint16_t> regs(std::uint16_t address, std::uint16_t count) {
        std::vector<std::uint16_t> out;
        REQUIRE_FALSE(board->read_registers(modbus::Function::read_holding_registers, address, count, out));
        return out;
    }
    std::uint32_t u32(std::uint16_t address) { return modbus::get_u32(regs(address, 2), 0); }
    float f32(std::uint16_t address) { return modbus::get_float(regs(address, 2), 0); }
    void run(hal::Duration d) { sched.run_until(sched.now() + d); }
    // `count` pulses on DI `index` (0..17): high for `high`, then low for `low`.
    void pulses(int index, int count, hal::Duration high, hal::Duration low) {
        for (int i = 0; i < count; ++i) {
            board->set_digital_input(index, true);
            run(high);
            board->set_digital_input(index, false);
            run(low);
        }
    }
    std::optional<modbus::Exception> write(std::uint16_t address, std::vector<std::uint16_t> v) { return board->write_registers(address, v); }
};

}  // namespace

TEST_CASE("one simulated hour at 10.000 kW gives 10.0 kWh in the register") {
    // Channel 1 on Va: 10 kW at PF 1 (CT 100 A): 43.478 A.
    Board b({}, [](sim::WaveformGenerator& w) { w.set_current(0, {10000.0 / 230.0, 0, 0, 0, {}}); });
    b.run(1h + 1ms);  // the window that ends at 1 h is published at 1 h
    CHECK(b.u32(0x2508) == 100);  // input channel 1, 0.1 kWh
    CHECK(b.u32(0x2500) == 100);  // phase A
    CHECK(b.u32(0x2506) == 100);  // system
    const double wh = b.board->energy().kwh(sim::meter::column_channel(0)).wh();
    INFO("accumulated " << wh << " Wh");
    CHECK(std::abs(wh - 10000.0) / 10000.0 <= 1e-4);  // 0.01 % of the analytic truth
    // kVAh = S·t, kvarh ≈ 0 at PF 1.
    CHECK(b.u32(0x2B40) == 100);
    CHECK(b.u32(0x2B08) == 0);
}

TEST_CASE("reverse power accumulates nothing; kvarh counts |Q| while importing") {
    Board b;
    b.world.set_current(0, {20, 180, 0, 0, {}});     // channel 1 exports
    b.world.set_current(3, {20, -60.0, 0, 0, {}});   // channel 4 (phase A): PF 0.5 lagging
    b.world.set_current(6, {20, 60.0, 0, 0, {}});    // channel 7 (phase A): PF 0.5 leading
    b.run(25min);
    CHECK(b.u32(0x2508) == 0);
    CHECK(b.u32(0x2B08) == 0);
    CHECK(b.u32(0x2B40) == 0);
    // Over 25 min: P = 230 V x 20 A x 0.5 -> 0.958 kWh; |Q| = 230 x 20 x 0.866 -> 1.660 kvarh; S -> 1.917 kVAh.
    CHECK(b.u32(0x2508 + 2 * 3) == 9);
    CHECK(b.u32(0x2B08 + 2 * 3) == 16);
    CHECK(b.u32(0x2B08 + 2 * 6) == 16);  // capacitive import counts too
    CHECK(b.u32(0x2B40 + 2 * 3) == 19);
    // Phase A = channels 4 and 7: the exporting channel 1 does not subtract.
    const auto& e = b.board->energy();
    CHECK(e.kwh(0).wh() == Approx(e.kwh(sim::meter::column_channel(3)).wh() + e.kwh(sim::meter::column_channel(6)).wh()));
}

TEST_CASE("nothing accumulates below the starting current (creep threshold 0x0A10)") {
    Board b({{s::creep_threshold, 100}});  // 1 % of the 100 A CT: 1 A
    b.world.set_current(0, {0.9, 0, 0, 0, {}});
    b.world.set_current(1, {1.1, -120, 0, 0, {}});
    b.run(10min);
    CHECK(b.board->energy().kwh(sim::meter::column_channel(0)).micro_wh() == 0);
    CHECK(b.board->energy().kwh(sim::meter::column_channel(1)).wh() == Approx(230 * 1.1 / 6).epsilon(1e-3));
}

TEST_CASE("thirty days of windows: the 0.1 kWh register equals the exact sum to the last count") {
    // The accumulation alone (the measurement is checked above): 12,960,000 windows of 200 ms.
    sim::meter::EnergyMeters e;
    std::array<sim::meter::ChannelWindow, sim::meter::current_inputs> ch{};
    ch[0] = {{7777.7, 1234.5, 7875.0, 0.98, acurev::LoadNature::inductive}, 33.8, 0.1};
    const auto wiring = sim::meter::wiring_layout(1);
    const double hours = 0.2 / 3600;
    const long windows = 30L * 24 * 3600 * 5;
    for (long i = 0; i < windows; ++i) e.add_window(hours, ch, wiring);
    const double exact_wh = 7777.7 * 720.0;  // 5,599,944 Wh: 55,999 tenths of a kWh
    CHECK(std::abs(e.kwh(sim::meter::column_channel(0)).wh() - exact_wh) < 1e-3);
    CHECK(e.kwh(sim::meter::column_channel(0)).tenths_of_kilo() == 55999);
    CHECK(e.kvarh(sim::meter::column_system).tenths_of_kilo() == 8888);  // 1234.5 x 720 = 888,840 varh
    CHECK(e.kvah(0).tenths_of_kilo() == 56700);                          // 7875 x 720 = 5,670,000 VAh
}

TEST_CASE("energy reset command clears every energy register") {
    Board b;
    b.world.set_current(0, {20, 0, 0, 0, {}});
    b.run(30min);
    CHECK(b.u32(0x2508) > 0);
    CHECK_FALSE(b.write(s::energy_reset, {1}));
    CHECK(b.u32(0x2508) == 0);
    CHECK(b.u32(0x2B40) == 0);
    CHECK(b.write(s::energy_reset, {2}) == modbus::Exception::illegal_data_value);
}

TEST_CASE("DI pulse counter: a 10 Hz train for one simulated hour is counted exactly") {
    const auto di5 = static_cast<std::uint16_t>(s::di_first + s::di_stride * 4);
    Board b({{di5, 1}});
    b.pulses(4, 36000, 50ms, 50ms);
    b.run(1s);
    CHECK(b.u32(0x6400 + 8) == 36000);
    CHECK(b.f32(0x6440 + 8) == Approx(36000.0));
}

TEST_CASE("DI debounce rejects glitches shorter than the debounce time") {
    const auto di1 = s::di_first;
    Board b({{di1, 1}, {s::di_debounce, 30}});
    b.pulses(0, 10, 20ms, 80ms);  // glitches
    b.pulses(0, 3, 40ms, 60ms);   // real pulses
    b.run(1s);
    CHECK(b.u32(0x6400) == 3);
}

TEST_CASE("DI pulse constant and value per count; counter reset; counters survive a power cycle") {
    const auto di2 = static_cast<std::uint16_t>(s::di_first + s::di_stride);
    // 10 pulses per count, 2.5 m3 per count (float 2.5 = 0x4020 0000).
    Board b({{di2, 1}, {static_cast<std::uint16_t>(di2 + 1), 10}, {static_cast<std::uint16_t>(di2 + 2), 2},
             {static_cast<std::uint16_t>(di2 + 3), 0x4020}, {static_cast<std::uint16_t>(di2 + 4), 0}});
    b.pulses(1, 125, 100ms, 100ms);
    b.run(1s);
    CHECK(b.u32(0x6402) == 12);
    CHECK(b.f32(0x6442) == Approx(30.0));
    b.board->power_off();
    b.run(10s);
    b.board->power_on();
    b.run(1s);
    CHECK(b.u32(0x6402) == 12);
    CHECK_FALSE(b.write(s::di_counter_reset, {2}));
    CHECK(b.u32(0x6402) == 0);
    CHECK(b.write(s::di_counter_reset, {19}) == modbus::Exception::illegal_data_value);
}

TEST_CASE("relay outputs: momentary pulses for the pulse width; an alarm output refuses FC05 with 03") {
    const auto ro1 = s::ro_first, ro2 = static_cast<std::uint16_t>(s::ro_first + s::ro_stride);
    Board b({{static_cast<std::uint16_t>(ro1 + 1), 1}, {static_cast<std::uint16_t>(ro1 + 2), 300}, {ro2, 1}});
    CHECK_FALSE(b.board->write_bits(0, {true}));
    CHECK(b.board->relay(0));
    b.run(299ms);
    CHECK(b.board->relay(0));
    b.run(2ms);
    CHECK_FALSE(b.board->relay(0));
    CHECK(b.board->write_bits(1, {true}) == modbus::Exception::illegal_data_value);
    CHECK_FALSE(b.board->relay(1));
}

TEST_CASE("a power cycle keeps energy, TOU registers, demand peaks, DI counters and the logs; the event log records it") {
    const auto di1 = s::di_first;
    const auto al = s::alarm_first;
    // TOU on with one schedule: 00:00 peak. Alarm 1: Va > 240 V at once.
    Board b({{di1, 1},
             {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first + 3), 1},
             {s::tou_first, 1},
             {al, 1}, {static_cast<std::uint16_t>(al + 1), 1}, {static_cast<std::uint16_t>(al + 3), 0x4370}},
            [](sim::WaveformGenerator& w) { w.set_current(0, {40, 0, 0, 0, {}}); });
    b.run(20min);
    b.world.set_voltage(0, {250, 0, 0, 0, {}});
    b.run(2s);
    b.world.set_voltage(0, {230, 0, 0, 0, {}});
    b.pulses(0, 7, 100ms, 100ms);
    b.run(2s);
    const auto events_before = b.board->events().newest();
    b.board->power_off();  // what the board holds as the supply goes
    const auto energy = b.board->energy();
    const auto tou = b.board->tou_energy();
    const auto peak = b.board->demand().item(0);
    const auto alarms = b.board->alarms().log();
    const auto alarm_records = b.board->alarms().records_written();
    REQUIRE(peak.peak > 0);
    REQUIRE(alarm_records == 2);
    REQUIRE(tou.reg(sim::meter::TouEnergy::Month::current, sim::meter::column_system, 2).micro_wh() > 0);  // row 2 = peak
    b.run(30min);
    // Nothing is measured while off.
    CHECK(b.board->energy() == energy);
    b.board->power_on();
    CHECK(b.board->energy() == energy);
    CHECK(b.board->tou_energy() == tou);
    CHECK(b.board->demand().item(0).peak == peak.peak);
    CHECK(b.board->demand().item(0).peak_time == peak.peak_time);
    CHECK(b.board->alarms().log() == alarms);
    CHECK(b.board->alarms().records_written() == alarm_records);
    CHECK(b.board->digital_inputs().counter(0) == 7);
    const auto& ev = b.board->events();
    REQUIRE(ev.newest() == events_before + 2);
    const auto off = *ev.find(events_before + 1), on = *ev.find(events_before + 2);  // nothing else in between
    CHECK(off.type == static_cast<std::uint16_t>(sim::meter::EventType::power_off));
    CHECK(on.type == static_cast<std::uint16_t>(sim::meter::EventType::power_on));
    CHECK(on.time - off.time == std::chrono::minutes(30));
    b.run(10s);
    // And it measures again: 10 s at 230 V x 40 A = 25.6 Wh more (the windows of the second in
    // progress are published at its end: within a second of it).
    const double after = b.board->energy().kwh(sim::meter::column_channel(0)).wh() - energy.kwh(sim::meter::column_channel(0)).wh();
    CHECK(after == Approx(230.0 * 40 * 10 / 3600).epsilon(0.1));
    CHECK(b.f32(0x2002) == Approx(230).epsilon(1e-3));
}

TEST_CASE("steady runs of windows publish what window-by-window measurement does") {
    // Two boards on their own clocks, one measuring every window on its own: the same world and the
    // same operations at the same instants (mid-window), then every register of both compared.
    struct Twin {
        hal::EventScheduler sched{t0};
        sim::WaveformGenerator world{3};
        std::unique_ptr<sim::meter::VirtualBoard> board;
        explicit Twin(bool runs) {
            world.set_frequency(50, t0);
            for (int p = 0; p < 3; ++p) world.set_voltage(p, {230, -120.0 * p, 0, 0, {}});
            world.set_current(0, {30, -20, 0, 0, {{5, 10, 0}}});
            world.set_current(4, {12, -140, 0, 0, {}});
            sim::meter::BoardConfig bc;
            bc.fidelity = sim::meter::Fidelity::analytic;
            bc.steady_runs = runs;
            bc.settings = {{s::rated_voltage, 230}, {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first), 2},
                           {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first + 4), 0},
                           {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first + 5), 1},
                           {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first + 6), 0}, {s::tou_first, 1}};
            board = std::make_unique<sim::meter::VirtualBoard>(sched, world, bc);
        }
        void run(hal::Duration d) { sched.run_until(sched.now() + d); }
        void write(std::uint16_t a, std::vector<std::uint16_t> v) { REQUIRE_FALSE(board->write_registers(a, v)); }
        std::vector<std::uint16_t> image() {
            std::vector<std::uint16_t> all;
            for (const auto& b : acurev::register_blocks()) {
                std::vector<std::uint16_t> r;
                if (!board->read_registers(modbus::Function::read_holding_registers, b.start, b.count, r)) all.insert(all.end(), r.begin(), r.end());
            }
            return all;
        }
    };
    Twin a(true), b(false);
    auto both = [&](const std::function<void(Twin&)>& f) {
        f(a);
        f(b);
        // Every register alike (a run's windows that have ended are published at its end, within
        // the same second of the board clock, so only the count of windows published may lag).
        CHECK(a.image() == b.image());
        CHECK(b.board->windows_measured() - a.board->windows_measured() < 5);
    };
    both([](Twin& t) { t.run(10min + 37ms); });
    both([](Twin& t) {  // alarm 1: Va > 225 V at once, on RO1 as an alarm output; mid-window
        t.write(s::ro_first, {1});
        t.write(s::alarm_first, {1, 1, 0, 0x4361, 0, 0, 0, 0, 1});
        t.run(3s + 111ms);
    });
    CHECK(a.board->relay(0));
    both([](Twin& t) {
        t.world.set_current(0, {45, -20, 0, 0, {}});
        t.run(20min + 1ms);
    });
    both([](Twin& t) {
        t.write(0x0180, {2026, 1, 1, 7, 59, 50});  // across the 08:00 tariff switch
        t.run(2min + 77ms);
    });
    both([](Twin& t) {
        t.write(s::demand_reset, {1});
        t.world.set_voltage(0, {220, 0, 0, 0, {}});  // the alarm resets
        t.run(17min + 5ms);
    });
    CHECK_FALSE(a.board->relay(0));
    both([](Twin& t) {
        t.board->power_off();
        t.run(5min + 3ms);
        t.board->power_on();
        t.run(30min + 190ms);
    });
    CHECK(a.board->alarms().records_written() == 2);
}

TEST_CASE("the board's memory restored in a new board is a power cycle: settings, counts, logs, run time, the clock ran on") {
    const auto al = s::alarm_first;
    Board a({{s::di_first, 1},
             {static_cast<std::uint16_t>(s::tou_first + acurev::tou::schedule_first + 3), 1},
             {s::tou_first, 1},
             {al, 1}, {static_cast<std::uint16_t>(al + 1), 1}, {static_cast<std::uint16_t>(al + 3), 0x4370}},
            [](sim::WaveformGenerator& w) { w.set_current(0, {40, 0, 0, 0, {}}); });
    a.run(20min);
    REQUIRE_FALSE(a.write(s::ct_primary_first, {200}));  // a setting written in service
    a.world.set_voltage(0, {250, 0, 0, 0, {}});
    a.run(2s);
    a.world.set_voltage(0, {230, 0, 0, 0, {}});
    a.pulses(0, 7, 100ms, 100ms);
    a.run(2s);
    const std::string memory = a.board->save_memory();
    const auto events_before = a.board->events().newest();

    // Another process: the scheduler starts at the configured instant again, the supply was off 30 min.
    Board b({}, [](sim::WaveformGenerator& w) { w.set_current(0, {40, 0, 0, 0, {}}); });
    b.board->restore_memory(memory, 30min);
    CHECK(b.board->setting(s::ct_primary_first) == 200);
    CHECK(b.board->setting(s::tou_first) == 1);
    CHECK(b.board->energy() == a.board->energy());
    CHECK(b.board->tou_energy() == a.board->tou_energy());
    CHECK(b.board->demand().item(0).peak == a.board->demand().item(0).peak);
    CHECK(b.board->demand().item(0).peak_time == a.board->demand().item(0).peak_time);
    CHECK(b.board->alarms().log() == a.board->alarms().log());
    CHECK(b.board->alarms().records_written() == 2);
    CHECK(b.board->digital_inputs().counter(0) == 7);
    CHECK(b.board->run_time() == a.board->run_time());
    CHECK(b.board->board_time() == a.board->board_time() + 30min);
    REQUIRE(b.board->events().newest() == events_before + 2);
    const auto off = *b.board->events().find(events_before + 1), on = *b.board->events().find(events_before + 2);
    CHECK(off.type == static_cast<std::uint16_t>(sim::meter::EventType::power_off));
    CHECK(on.type == static_cast<std::uint16_t>(sim::meter::EventType::power_on));
    CHECK(on.time - off.time == 30min);
    // The registers show it at once, and it measures on.
    CHECK(b.u32(0x2500 + 2 * sim::meter::column_channel(0)) == a.u32(0x2500 + 2 * sim::meter::column_channel(0)));
    b.run(10s);
    CHECK(b.board->energy().kwh(sim::meter::column_channel(0)).wh() > a.board->energy().kwh(sim::meter::column_channel(0)).wh());
}

TEST_CASE("a damaged, truncated or foreign board memory is refused whole and changes nothing") {
    Board a({}, [](sim::WaveformGenerator& w) { w.set_current(0, {40, 0, 0, 0, {}}); });
    a.run(1min);
    const std::string good = a.board->save_memory();
    Board b;
    REQUIRE_FALSE(b.write(s::ct_primary_first, {300}));
    const auto energy = b.board->energy();
    std::string flipped = good;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
    CHECK_THROWS_WITH(b.board->restore_memory(flipped, 0s), "board memory is damaged (its checksum does not match)");
    CHECK_THROWS_WITH(b.board->restore_memory(good.substr(0, 100), 0s), "board memory is damaged (its checksum does not match)");
    CHECK_THROWS_WITH(b.board->restore_memory("", 0s), "board memory is truncated: 0 bytes");
    CHECK_THROWS_AS(b.board->restore_memory(std::string(4096, 'x'), 0s), sim::meter::NvmError);
    CHECK(b.board->setting(s::ct_primary_first) == 300);
    CHECK(b.board->energy() == energy);
}
