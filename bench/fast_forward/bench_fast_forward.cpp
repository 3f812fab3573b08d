// Fast-forward: one board polled at the real rate by the firmware over the virtual bus, in
// analytic fidelity; "x_realtime" = simulated seconds per wall second (target >= 10,000x).
#include <benchmark/benchmark.h>

#include "rig.hpp"

namespace {

void BM_FastForward(benchmark::State& state) {
    auto c = harness::default_config();
    c.fidelity = state.range(0) ? sim::meter::Fidelity::sample : sim::meter::Fidelity::analytic;
    c.modbus_port = 5790;
    harness::Rig rig(c);
    rig.start();
    double simulated = 0;
    for (auto _ : state) {
        rig.advance(std::chrono::seconds(60));
        simulated += 60;
    }
    state.counters["x_realtime"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
    state.SetLabel(state.range(0) ? "sample fidelity" : "analytic fidelity");
}

}  // namespace

BENCHMARK(BM_FastForward)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
