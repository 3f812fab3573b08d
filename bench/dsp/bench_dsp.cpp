// DSP cost of one measuring window, 21 channels at 128 samples/cycle, reported as "x_realtime":
// simulated window duration / CPU time (team target: >= 200x on one core).
#include <benchmark/benchmark.h>

#include "meter/dsp/measurement_engine.hpp"

using namespace sim;
using namespace sim::meter;

namespace {

constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));

void load(WaveformGenerator& g) {
    g.set_frequency(50, t0);
    for (int p = 0; p < 3; ++p) g.set_voltage(p, {230, -120.0 * p, 0, 0, {{5, 3, 0}, {7, 2, 0}}});
    for (int ch = 0; ch < 18; ++ch) g.set_current(ch, {50.0 + ch, -30.0 - 120.0 * (ch % 3), 0, 0, {{5, 20, 0}, {7, 10, 0}}});
}

FrontEndConfig fe() {
    FrontEndConfig c;
    c.rated_voltage = 230;
    c.ct_primary.fill(100);
    return c;
}

void window(benchmark::State& state, Fidelity f) {
    WaveformGenerator g(1);
    load(g);
    MeasurementEngine e(g, {50, 128, f});
    e.set_front_end(fe());
    hal::Time t = t0;
    double simulated = 0;
    for (auto _ : state) {
        auto w = e.measure(t);
        simulated += hal::to_seconds(w.end - w.start);
        t = w.end;
        benchmark::DoNotOptimize(w);
    }
    state.counters["x_realtime"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}

void BM_SampleWindow_GenerateAndMeasure(benchmark::State& s) { window(s, Fidelity::sample); }
void BM_AnalyticWindow(benchmark::State& s) { window(s, Fidelity::analytic); }

void BM_WindowDspOnly(benchmark::State& state) {
    WaveformGenerator g(1);
    load(g);
    SampleBlock block;
    const double dt = 1.0 / (50.0 * 128);
    g.sample(t0, dt, 1280, block);
    WindowDsp dsp(128);
    std::array<ElementVoltage, current_inputs> el{};
    for (int ch = 0; ch < current_inputs; ++ch) el[static_cast<std::size_t>(ch)] = {ch % 3, -1};
    WindowMeasurement w;
    double simulated = 0;
    for (auto _ : state) {
        dsp.process(block.x, 10, dt, el, 50, w);
        simulated += 0.2;
        benchmark::DoNotOptimize(w);
    }
    state.counters["x_realtime"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_WindowDspOnly);
BENCHMARK(BM_SampleWindow_GenerateAndMeasure);
BENCHMARK(BM_AnalyticWindow);
BENCHMARK_MAIN();
