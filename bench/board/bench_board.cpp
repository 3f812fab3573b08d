// The virtual board alone (no bus traffic): the cost of one full measuring window in sample
// fidelity with all 18 current inputs loaded and distorted, and how many simulated days per wall
// second it runs in analytic fidelity with demand, a 4-tariff TOU calendar and 16 alarms on.
#include <benchmark/benchmark.h>

#include "common/event_scheduler.hpp"
#include "meter/virtual_board.hpp"
#include "waveform/waveform.hpp"

namespace {

namespace s = acurev::settings;
constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));

struct Board {
    hal::EventScheduler sched{t0};
    sim::WaveformGenerator world{11};
    std::unique_ptr<sim::meter::VirtualBoard> board;

    Board(sim::meter::Fidelity fidelity, std::vector<std::pair<std::uint16_t, std::uint16_t>> settings) {
        world.set_frequency(50, t0);
        for (int p = 0; p < 3; ++p) world.set_voltage(p, {230, -120.0 * p, 0, 0.05, {{5, 2.0, 0}, {7, 1.0, 0}}});
        for (int ch = 0; ch < 18; ++ch)
            world.set_current(ch, {20.0 + ch, -120.0 * (ch % 3) - 25, 0, 0.01, {{3, 10.0, 0}, {5, 20.0, 0}, {7, 8.0, 0}}});
        sim::meter::BoardConfig bc;
        bc.fidelity = fidelity;
        bc.settings = std::move(settings);
        bc.settings.push_back({s::rated_voltage, 230});
        board = std::make_unique<sim::meter::VirtualBoard>(sched, world, bc);
    }
};

// TOU on: weekdays valley / peak / sharp / normal, weekend normal; 16 alarms on over- and
// under-values of voltages, currents and powers (none of them in force, so every window checks all).
std::vector<std::pair<std::uint16_t, std::uint16_t>> busy_settings() {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> v;
    const auto tou = [](std::size_t off) { return static_cast<std::uint16_t>(s::tou_first + off); };
    const std::uint16_t day[] = {4, 0, 0, 2, 8, 0, 1, 12, 0, 0, 18, 0, 3};
    for (std::size_t i = 0; i < std::size(day); ++i) v.push_back({tou(acurev::tou::schedule_first + i), day[i]});
    v.push_back({tou(acurev::tou::schedule_first + acurev::tou::schedule_stride), 1});
    v.push_back({tou(acurev::tou::weekend_schedule), 2});
    v.push_back({tou(acurev::tou::enable), 1});
    for (std::uint16_t k = 0; k < 16; ++k) {
        const auto base = static_cast<std::uint16_t>(s::alarm_first + s::alarm_stride * k);
        v.push_back({base, 1});
        v.push_back({static_cast<std::uint16_t>(base + 1), static_cast<std::uint16_t>(k < 8 ? 1 + k : 128 + 6 * k)});
        v.push_back({static_cast<std::uint16_t>(base + 2), static_cast<std::uint16_t>(k % 2 ? 2 : 0)});
        v.push_back({static_cast<std::uint16_t>(base + 3), static_cast<std::uint16_t>(k % 2 ? 0xC47A : 0x4E6E)});  // -1000 or 1e9
    }
    return v;
}

void BM_SampleWindow18Channels(benchmark::State& state) {
    Board b(sim::meter::Fidelity::sample, {});
    const auto window = std::chrono::milliseconds(200);  // 10 cycles at 50 Hz
    for (auto _ : state) b.sched.run_until(b.sched.now() + window);
    state.counters["windows"] = benchmark::Counter(static_cast<double>(b.board->windows_measured()));
    state.counters["x_realtime"] = benchmark::Counter(0.2 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.SetLabel("one 10-cycle window, 3 V + 18 I, 128 samples/cycle, harmonics and noise");
}

void BM_AnalyticDays(benchmark::State& state) {
    Board b(sim::meter::Fidelity::analytic, busy_settings());
    for (auto _ : state) b.sched.run_until(b.sched.now() + std::chrono::hours(24));
    state.counters["days_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.SetLabel("one simulated day per iteration: demand, TOU (4 tariffs) and 16 alarms on");
}

}  // namespace

BENCHMARK(BM_SampleWindow18Channels)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AnalyticDays)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_MAIN();
