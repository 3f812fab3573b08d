#include <catch2/catch.hpp>

#include <filesystem>

#include "common/file_storage.hpp"

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
