// Firmware updates (issue "The module's lifecycle"): the time and peak memory to verify and install a
// 50 MB .a2up package into a slot (the streaming reader feeding hal::FileBootControl in 64 KiB pieces,
// as the update engine does), and a whole update cycle in the rig — upload, Process, the reboot and
// the trial's confirmation — in virtual time. Peak memory is the process's high-water RSS
// (getrusage), which includes the package held in memory (the web server holds an upload whole).
//   build/bin/bench_update
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/file_boot_control.hpp"
#include "common/file_storage.hpp"
#include "rig.hpp"
#include "update/a2up.hpp"
#include "update/update_service.hpp"

namespace {

using fw::a2up::Bytes;

Bytes payload(std::size_t n) {
    std::mt19937_64 rng(2100);
    Bytes b(n);
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
        const auto v = rng();
        std::memcpy(b.data() + i, &v, 8);
    }
    return b;
}

Bytes package(const fw::a2up::KeyPair& keys, const std::string& version, const Bytes& image) {
    fw::a2up::BuildInput in;
    in.manifest.model = fw::UpdateService::model;
    in.manifest.version = *fw::a2up::Version::parse(version);
    in.manifest.min_version = *fw::a2up::Version::parse("0.0.0");
    in.payloads.emplace_back("firmware", image);
    return fw::a2up::build(in, keys.private_pem);
}

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_VerifyAndInstall50MB(benchmark::State& state) {
    const auto keys = fw::a2up::generate_signing_key();
    const Bytes pkg = package(keys, "1.0.0", payload(50'000'000));
    const auto dir = std::filesystem::temp_directory_path() / "acurev-bench-update";
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(dir);
        hal::FileStorage storage(dir);
        hal::FileBootControl boot(storage);
        boot.boot();
        state.ResumeTiming();
        fw::a2up::StreamReader reader(keys.public_pem, [&](const fw::a2up::Manifest&) { boot.begin_write(); },
                                      [&](const fw::a2up::Payload&, std::span<const std::uint8_t> b) { boot.write(b); });
        for (std::size_t i = 0; i < pkg.size(); i += 65536) reader.feed(std::span(pkg).subspan(i, std::min<std::size_t>(65536, pkg.size() - i)));
        reader.finish();
        boot.finish("1.0.0", reader.manifest()->payloads[0].sha256);
    }
    std::filesystem::remove_all(dir);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pkg.size()));
    state.counters["peak_rss_MB"] = peak_rss_mb();
    state.counters["package_MB"] = static_cast<double>(pkg.size()) / 1e6;
}
BENCHMARK(BM_VerifyAndInstall50MB)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_UpdateCycleInRig(benchmark::State& state) {
    const auto keys = fw::a2up::generate_signing_key();
    const auto key_file = std::filesystem::temp_directory_path() / "acurev-bench-update.pub";
    std::ofstream(key_file) << keys.public_pem;
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5793;
    c.update_key_file = key_file.string();
    c.settings = {{"network.https_port", 6797}};  // not 443, which another simulator may hold
    harness::Rig rig(c);
    rig.start();
    rig.advance(std::chrono::seconds(5));
    const Bytes image = payload(5'000'000);
    int n = 1;
    double simulated = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const Bytes pkg = package(keys, "1." + std::to_string(n++) + ".0", image);
        state.ResumeTiming();
        const std::string version = "1." + std::to_string(n - 1) + ".0";
        auto* update = dynamic_cast<fw::UpdateService*>(rig.firmware().running_service("update"));
        if (!update || update->upload(pkg) || update->process()) {
            state.SkipWithError("the update was refused");
            return;
        }
        // The reboot, the trial boot and its confirmation, a second of virtual time at a time.
        bool confirmed = false;
        for (int seconds = 1; seconds <= 600 && !confirmed; ++seconds) {
            rig.advance(std::chrono::seconds(1));
            simulated += 1;
            auto* now = dynamic_cast<fw::UpdateService*>(rig.firmware().running_service("update"));
            confirmed = now && now->status()["running"] == version && now->status()["trial"] == false;
        }
        if (!confirmed) {
            for (const auto& st : rig.firmware().service_states())
                if (st.state != fw::ServiceState::State::running) std::fprintf(stderr, "%s: %s %s\n", st.name.c_str(), fw::to_string(st.state), st.detail.c_str());
            state.SkipWithError("the trial was not confirmed");
            return;
        }
    }
    state.counters["virtual_s_per_cycle"] = simulated / static_cast<double>(state.iterations());
}
BENCHMARK(BM_UpdateCycleInRig)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
