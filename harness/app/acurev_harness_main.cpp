// acurev-harness run PATH...: runs scenario files (or folders of them) on rigs in virtual time
// and prints one line per scenario, ending with "N passed, N failed"; non-zero exit on any failure.
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>

#include "scenario.hpp"
#include "scenario_report.hpp"

namespace {

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
        } else if (std::filesystem::exists(p)) {
            files.push_back(p);
        } else {
            throw std::runtime_error("no scenario file or folder " + p);
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p);
    if (!out) throw std::runtime_error("cannot write " + p.string());
    out << text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 scenario harness"};
    app.require_subcommand(1);
    auto* run = app.add_subcommand("run", "run scenarios");
    std::vector<std::string> paths;
    std::string filter = "*", tags_text, junit, report, shard_text = "1/1";
    std::uint64_t seed = 0;
    int jobs = 1;
    run->add_option("PATH", paths, "scenario files or folders")->required();
    run->add_option("--filter", filter, "only scenarios whose id matches this glob");
    run->add_option("--tags", tags_text, "only scenarios with one of these tags (comma separated)");
    auto* seed_opt = run->add_option("--seed", seed, "seed for every scenario instead of its own");
    run->add_option("--junit", junit, "write a JUnit XML report here");
    run->add_option("--report", report, "write the accuracy report (CSV, Markdown, SVG) into this folder");
    run->add_option("--shard", shard_text, "run part I of N (1-based), e.g. 2/4");
    run->add_option("--jobs", jobs, "scenarios run at once")->check(CLI::Range(1, 64));
    bool include_slow = false;
    run->add_flag("--slow", include_slow, "also run scenarios tagged slow (skipped otherwise, unless --tags names slow)");
    CLI11_PARSE(app, argc, argv);

    try {
        int shard = 1, shards = 1;
        if (std::sscanf(shard_text.c_str(), "%d/%d", &shard, &shards) != 2 || shards < 1 || shard < 1 || shard > shards)
            throw std::runtime_error("--shard " + shard_text + " must be I/N with 1 <= I <= N");
        std::set<std::string> tags;
        for (std::size_t a = 0, b; a < tags_text.size(); a = b + 1) {
            b = tags_text.find(',', a);
            if (b == std::string::npos) b = tags_text.size();
            if (b > a) tags.insert(tags_text.substr(a, b - a));
        }
        std::vector<harness::Scenario> all;
        for (const auto& f : scenario_files(paths))  // a bad file stops the run
            for (auto& v : harness::fidelity_variants(harness::load_scenario(f))) all.push_back(std::move(v));
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        // The unit of work is a scenario over one of its transports.
        std::vector<std::pair<const harness::Scenario*, std::string>> chosen;
        std::size_t index = 0;
        for (const auto& s : all) {
            if (fnmatch(filter.c_str(), s.id.c_str(), 0) != 0) continue;
            if (!tags.empty() && std::none_of(s.tags.begin(), s.tags.end(), [&](const auto& t) { return tags.count(t) > 0; })) continue;
            // Sharding by position in the sorted, filtered list: disjoint parts that cover it all.
            for (const auto& t : s.transports)
                if (static_cast<int>(index++ % static_cast<std::size_t>(shards)) == shard - 1) chosen.emplace_back(&s, t);
        }
        const bool tty = ::isatty(STDOUT_FILENO) != 0;
        std::vector<harness::ScenarioResult> results(chosen.size());
        std::atomic<std::size_t> next{0}, done{0};
        std::mutex out_mutex;
        double simulated_total = 0;
        const auto wall_start = std::chrono::steady_clock::now();  // progress display only
        const int base = 2000 + static_cast<int>((::getpid() * 37) % 3000);
        // Skipped, with the reason in the report: `slow` unless asked for, `needs-root` when not root.
        const bool root = ::geteuid() == 0;
        include_slow = include_slow || tags.count("slow") > 0;
        auto skip_reason = [&](const harness::Scenario& s) -> std::string {
            auto has = [&](const char* t) { return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end(); };
            if (has("slow") && !include_slow) return "tagged slow: run with --slow";
            if (has("needs-root") && !root) return "tagged needs-root: run as root";
            return "";
        };
        auto worker = [&] {
            for (std::size_t i = next++; i < chosen.size(); i = next++) {
                harness::ScenarioResult r;
                if (const auto why = skip_reason(*chosen[i].first); !why.empty()) {
                    r.id = chosen[i].first->id + (chosen[i].first->transports.size() > 1 ? "[" + chosen[i].second + "]" : "");
                    r.file = chosen[i].first->file;
                    r.passed = true;
                    r.skipped = true;
                    r.failure = why;
                    results[i] = r;
                    std::lock_guard<std::mutex> lock(out_mutex);
                    ++done;
                    if (tty) std::cout << "\r\033[K";
                    std::cout << "SKIP " << r.id << "  (" << why << ")\n" << std::flush;
                    continue;
                }
                for (int attempt = 0; attempt < 20; ++attempt) {
                    const auto port = static_cast<std::uint16_t>(2000 + (base - 2000 + static_cast<int>(i) * 13 + attempt * 101) % 4000);
                    r = harness::run_scenario(*chosen[i].first, chosen[i].second, seed_opt->count() ? std::optional<std::uint64_t>(seed) : std::nullopt, port);
                    if (r.failure.find("already in use") == std::string::npos) break;
                }
                results[i] = r;
                std::lock_guard<std::mutex> lock(out_mutex);
                ++done;
                simulated_total += r.simulated_seconds;
                if (tty) std::cout << "\r\033[K";
                std::cout << (r.passed ? "PASS " : "FAIL ") << r.id << "  (seed " << r.seed << ", " << r.simulated_seconds << " s simulated)\n";
                if (!r.passed) std::cout << "     " << r.failure << "\n";
                if (tty) {
                    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
                    const double left = wall / static_cast<double>(done) * static_cast<double>(chosen.size() - done);
                    std::cout << "scenario " << done << " of " << chosen.size() << ", " << simulated_total << " s simulated, about "
                              << static_cast<int>(left + 0.5) << " s left" << std::flush;
                }
                else std::cout << std::flush;
            }
        };
        std::vector<std::thread> pool;
        for (int j = 0; j < jobs; ++j) pool.emplace_back(worker);
        for (auto& t : pool) t.join();
        if (tty) std::cout << "\r\033[K";
        const auto failed = static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) { return !r.passed; }));
        const auto skipped = static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.skipped; }));
        std::cout << results.size() - failed - skipped << " passed, " << failed << " failed";
        if (skipped) std::cout << ", " << skipped << " skipped";
        std::cout << std::endl;
        if (!junit.empty()) write_file(junit, harness::junit_xml(results));
        if (!report.empty()) {
            write_file(std::filesystem::path(report) / "accuracy.csv", harness::accuracy_csv(results));
            write_file(std::filesystem::path(report) / "accuracy.md", harness::accuracy_markdown(results));
            write_file(std::filesystem::path(report) / "accuracy.svg", harness::accuracy_svg(results));
        }
        return failed == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "acurev-harness: " << e.what() << std::endl;
        return 2;
    }
}
