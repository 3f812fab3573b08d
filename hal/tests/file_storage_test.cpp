#include <catch2/catch.hpp>

#include <filesystem>

#include "common/file_storage.hpp"
#include "sim/sim_storage.hpp"

TEST_CASE("atomic writes replace the whole file and leave no temporary behind") {
    const auto dir = std::filesystem::temp_directory_path() / "acurev-storage-test";
    std::filesystem::remove_all(dir);
    hal::FileStorage storage(dir);
    CHECK_FALSE(storage.read("settings.json").has_value());
    storage.write_atomic("settings.json", "{\"a\":1}");
    storage.write_atomic("settings.json", "{\"a\":2}");
    CHECK(storage.read("settings.json") == std::string("{\"a\":2}"));
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
    CHECK(files == 1);
    CHECK_THROWS_AS(storage.write_atomic("../escape", "x"), std::invalid_argument);
    std::filesystem::remove_all(dir);
}

TEST_CASE("append adds to a file, list shows the files (no temporaries), remove deletes, free space is reported") {
    const auto dir = std::filesystem::temp_directory_path() / "acurev-storage-test-2";
    std::filesystem::remove_all(dir);
    hal::FileStorage storage(dir);
    storage.append("events.log", "one\n");
    storage.append("events.log", "two\n");
    CHECK(storage.read("events.log") == std::string("one\ntwo\n"));
    storage.write_atomic("b.json", "{}");
    CHECK(storage.list() == std::vector<std::string>{"b.json", "events.log"});
    storage.remove("b.json");
    storage.remove("b.json");  // not there: no error
    CHECK(storage.list() == std::vector<std::string>{"events.log"});
    CHECK(storage.free_space() > 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("sim storage: a full disk refuses writes, a power cut tears an append and leaves an atomic replace undone") {
    const auto dir = std::filesystem::temp_directory_path() / "acurev-storage-test-3";
    std::filesystem::remove_all(dir);
    hal::sim::SimStorage storage(dir);
    storage.write_atomic("a.json", "whole");
    storage.set_disk_full(true);
    CHECK(storage.free_space() == 0);
    try {
        storage.append("log", "x");
        FAIL("a write on a full disk succeeded");
    } catch (const hal::StorageError& e) {
        CHECK(e.no_space());
    }
    storage.set_disk_full(false);
    storage.cut_power_in_next_write(3);
    CHECK_THROWS_AS(storage.write_atomic("a.json", "replacement"), hal::sim::PowerCut);
    CHECK(storage.read("a.json") == std::string("whole"));
    storage.cut_power_in_next_write(2);
    CHECK_THROWS_AS(storage.append("log", "record\n"), hal::sim::PowerCut);
    CHECK(storage.read("log") == std::string("re"));  // a torn tail, as after a real cut
    CHECK_FALSE(storage.power_cut_pending());
    std::filesystem::remove_all(dir);
}
