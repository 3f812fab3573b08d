// Cost of one measuring window (21 channels, 128 samples/cycle, 10 cycles at 50 Hz = 200 ms),
// reported as "x_realtime" = simulated window duration / CPU time. Team target: DSP >= 200x.
//   BM_WindowDsp            the window DSP alone, on samples generated once
//   BM_SampleWindow         generation + front end (CT, ADC) + DSP, as the engine runs it
//   BM_AnalyticWindow       analytic fidelity, truth reused while nothing changes
//   BM_AnalyticWindowFresh  analytic fidelity recomputed every window (a waveform change each time)
// Argument 0: 5th and 7th harmonics on every channel; 1: every odd order 3..63 plus noise.
#include <benchmark/benchmark.h>

#include "meter/dsp/measurement_engine.hpp"

using namespace sim;
using namespace sim::meter;

namespace {

constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));

std::vector<Harmonic> harmonics(bool rich, double fifth, double seventh) {
    if (!rich) return {{5, fifth, 0}, {7, seventh, 0}};
    std::vector<Harmonic> h;
    for (int order = 3; order <= max_order; order += 2) h.push_back({order, 30.0 / order, 5.0 * order});
    return h;
}

void load(WaveformGenerator& g, bool rich) {
    g.set_frequency(50, t0);
    const double noise = rich ? 0.1 : 0.0;
    for (int p = 0; p < 3; ++p) g.set_voltage(p, {230, -120.0 * p, 0, noise, harmonics(rich, 3, 2)});
    for (int ch = 0; ch < 18; ++ch)
        g.set_current(ch, {50.0 + ch, -30.0 - 120.0 * (ch % 3), 0, noise / 10, harmonics(rich, 20, 10)});
}

FrontEndConfig front_end() {
    FrontEndConfig c;
    c.rated_voltage = 230;
    c.ct_primary.fill(100);
    return c;
}

void report(benchmark::State& state, double simulated_s) {
    state.counters["x_realtime"] = benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
    state.SetLabel(state.range(0) ? "odd orders 3..63 + noise" : "5th + 7th");
}

void BM_WindowDsp(benchmark::State& state) {
    WaveformGenerator g(1);
    load(g, state.range(0) != 0);
    SampleBlock block;
    const double dt = 1.0 / (50.0 * 128);
    g.sample(t0, dt, 1280, block);
    WindowDsp dsp(128);
    std::array<ElementVoltage, current_inputs> el{};
    for (int ch = 0; ch < current_inputs; ++ch) el[static_cast<std::size_t>(ch)] = {ch % 3, -1};
    WindowMeasurement w;
    double simulated = 0;
    for (auto _ : state) {
        dsp.process(block, 10, dt, el, {2.3, 50.0}, w);
        simulated += 1280 * dt;
        benchmark::DoNotOptimize(w);
    }
    report(state, simulated);
}

void run_engine(benchmark::State& state, Fidelity fidelity, bool fresh) {
    WaveformGenerator g(1);
    load(g, state.range(0) != 0);
    MeasurementEngine e(g, {50, 128, fidelity});
    e.set_front_end(front_end());
    const ChannelWave wave = g.wave(3);
    hal::Time t = t0;
    double simulated = 0;
    for (auto _ : state) {
        if (fresh) g.set_current(0, wave);  // a new revision: the truth is recomputed
        const auto w = e.measure(t);
        simulated += hal::to_seconds(w.end - w.start);
        t = w.end;
        benchmark::DoNotOptimize(w);
    }
    report(state, simulated);
}

void BM_SampleWindow(benchmark::State& s) { run_engine(s, Fidelity::sample, false); }
void BM_AnalyticWindow(benchmark::State& s) { run_engine(s, Fidelity::analytic, false); }
void BM_AnalyticWindowFresh(benchmark::State& s) { run_engine(s, Fidelity::analytic, true); }

}  // namespace

BENCHMARK(BM_WindowDsp)->Arg(0)->Arg(1);
BENCHMARK(BM_SampleWindow)->Arg(0)->Arg(1);
BENCHMARK(BM_AnalyticWindow)->Arg(0)->Arg(1);
BENCHMARK(BM_AnalyticWindowFresh)->Arg(0)->Arg(1);
BENCHMARK_MAIN();
