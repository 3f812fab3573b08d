// MQTT publish rate sustained to a local mosquitto (run by bench/mqtt/run.sh): the whole rig in
// analytic fidelity publishing every published parameter (1,727 readings today: 18 messages an interval)
// every 10 s of device time at QoS 0 and QoS 1, as fast as the rig runs. Reported: messages and
// bytes per wall second, and the rig's x real time while publishing.
//   bench/mqtt/run.sh build/bin
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "catalogue/catalogue.hpp"
#include "rig.hpp"
#include "services/mqtt/mqtt_payload.hpp"
#include "services/mqtt/mqtt_service.hpp"

namespace {

int broker_port = 0;

void BM_MqttPublishRate(benchmark::State& state) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& p : fw::Catalogue::instance().all())
        if (p.published()) keys.push_back(p.key);
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5792;
    c.settings = {{"mqtt.enable", true}, {"mqtt.broker_port", broker_port}, {"mqtt.interval", 10}, {"mqtt.qos", state.range(0)},
                  {"mqtt.parameters", keys}, {"mqtt.topic", "bench/{serial}"}};
    harness::Rig rig(c);
    rig.start();
    rig.advance(std::chrono::seconds(5));
    auto* mqtt = dynamic_cast<fw::MqttService*>(rig.firmware().running_service("mqtt"));
    if (!mqtt || !mqtt->connected()) {
        state.SkipWithError("not connected to the broker (run bench/mqtt/run.sh)");
        return;
    }
    const auto before = mqtt->published();
    double simulated = 0;
    for (auto _ : state) {
        rig.advance(std::chrono::minutes(10));
        simulated += 600;
    }
    const auto sent = static_cast<double>(mqtt->published() - before);
    state.counters["messages_per_s"] = benchmark::Counter(sent, benchmark::Counter::kIsRate);
    // Each interval's readings go as whole envelopes of at most per_message readings.
    const double per_interval = static_cast<double>((keys.size() + fw::mqtt_payload::per_message - 1) / fw::mqtt_payload::per_message);
    state.counters["readings_per_s"] = benchmark::Counter(sent * static_cast<double>(keys.size()) / per_interval, benchmark::Counter::kIsRate);
    state.counters["x_realtime"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
    state.counters["messages"] = sent;
    state.SetLabel("QoS " + std::to_string(state.range(0)));
}

}  // namespace

BENCHMARK(BM_MqttPublishRate)->Arg(0)->Arg(1)->Iterations(6)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--port=", 7) == 0) broker_port = std::atoi(argv[i] + 7);
        else rest.push_back(argv[i]);
    }
    int n = static_cast<int>(rest.size());
    benchmark::Initialize(&n, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
