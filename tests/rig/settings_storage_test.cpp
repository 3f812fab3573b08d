// The settings on the simulator's data directory with its fault knobs: a full disk or a power cut
// in mid-write leaves the file whole and the running values as they were.
#include <catch2/catch.hpp>

#include <filesystem>

#include "settings/settings.hpp"
#include "sim/sim_storage.hpp"

TEST_CASE("settings: a full disk or a power cut in mid-write leaves the settings file whole and the values as they were") {
    const auto dir = std::filesystem::temp_directory_path() / "acurev-settings-storage-test";
    std::filesystem::remove_all(dir);
    hal::sim::SimStorage storage(dir);
    fw::Settings s(storage);
    REQUIRE(s.change({{"meter.ct_ratio_1", 200}}).empty());
    const auto saved = storage.read("settings.json");

    storage.set_disk_full(true);
    const auto full = s.change({{"meter.ct_ratio_1", 300}});
    REQUIRE(full.size() == 1);
    CHECK_THAT(full[0], Catch::StartsWith("the settings could not be saved, nothing was changed: cannot write"));
    CHECK_THAT(full[0], Catch::Contains("No space left on device"));
    CHECK(s.number("meter.ct_ratio_1") == 200);
    CHECK(storage.read("settings.json") == saved);
    storage.set_disk_full(false);

    storage.cut_power_in_next_write(100);
    const auto cut = s.change({{"meter.ct_ratio_1", 400}, {"device.description", "after the cut"}});
    REQUIRE(cut.size() == 1);
    CHECK_THAT(cut[0], Catch::Contains("power cut while writing settings.json (100 of"));
    CHECK(storage.read("settings.json") == saved);  // the torn temporary never replaced it
    // The next boot reads the whole old file; the torn temporary is not a setting file.
    fw::Settings after(storage);
    CHECK(after.number("meter.ct_ratio_1") == 200);
    CHECK(storage.list() == std::vector<std::string>{"settings.json"});
    CHECK(after.change({{"meter.ct_ratio_1", 400}}).empty());
    CHECK(fw::Settings(storage).number("meter.ct_ratio_1") == 400);
    std::filesystem::remove_all(dir);
}
