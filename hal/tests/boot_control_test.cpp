// The A/B boot record (common/file_boot_control.hpp): a trial runs for its boots and falls back
// unless confirmed; the record survives a new instance (a reboot); a record that does not parse is a
// factory one; no new update starts while a trial is open.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/file_boot_control.hpp"
#include "common/file_storage.hpp"

namespace {

std::filesystem::path fresh(const char* name) {
    const auto dir = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(dir);
    return dir;
}

void install(hal::BootControl& b, const std::string& version) {
    b.begin_write();
    const std::uint8_t image[3] = {1, 2, 3};
    b.write(image);
    b.finish(version, "abc");
}

}  // namespace

TEST_CASE("boot control: a confirmed trial stays, an unconfirmed one falls back after its boots") {
    const auto dir = fresh("acurev-boot-test");
    hal::FileStorage storage(dir);
    {
        hal::FileBootControl b(storage);
        b.boot();
        CHECK(b.status().booted == "a");
        CHECK_FALSE(b.status().booted_version());
        install(b, "1.1.0");
        CHECK(b.status().slot("b").version == "1.1.0");
        CHECK(b.status().slot("b").size == 3);
        b.boot_trial(1);
        CHECK(b.status().booted == "a");  // until the reboot
    }
    {
        hal::FileBootControl b(storage);  // the reboot: a new instance reads the record
        b.boot();
        CHECK(b.status().booted == "b");
        CHECK(b.status().trial());
        CHECK_THROWS(b.begin_write());  // not while a trial is open
        b.confirm();
        CHECK_FALSE(b.status().trial());
        CHECK(b.status().confirmed == "b");
        install(b, "1.2.0");  // into slot a now
        CHECK(b.status().slot("a").version == "1.2.0");
        b.boot_trial(1);
    }
    {
        hal::FileBootControl b(storage);
        b.boot();  // the trial boot of slot a
        CHECK(b.status().booted == "a");
        CHECK(b.status().booted_version() == "1.2.0");
    }
    {
        hal::FileBootControl b(storage);
        b.boot();  // not confirmed, no tries left: back to b
        CHECK(b.status().booted == "b");
        CHECK_FALSE(b.status().trial());
        CHECK(b.status().last_boot == "fell back to slot b: slot a was not confirmed");
        CHECK(b.status().boots == 4);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("boot control: a record that does not parse is the factory one; abandon empties the slot") {
    const auto dir = fresh("acurev-boot-test-2");
    hal::FileStorage storage(dir);
    storage.write_atomic("boot/record", "booted z\nconfirmed q\n");
    hal::FileBootControl b(storage);
    CHECK(b.status().booted == "a");
    CHECK(b.status().last_boot == "boot record unreadable: factory slot a");
    install(b, "2.0.0");
    b.abandon();
    CHECK_FALSE(b.status().slot("b").version);
    CHECK_FALSE(storage.size("boot/slot-b.img"));
    CHECK_THROWS(b.boot_trial(1));  // nothing to boot
    std::filesystem::remove_all(dir);
}
