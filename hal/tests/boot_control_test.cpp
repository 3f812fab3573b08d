// The A/B boot record (common/file_boot_control.hpp): a trial runs for its boots and falls back
// unless confirmed; the record survives a new instance (a reboot); a record that does not parse is a
// factory one; no new update starts while a trial is open.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "common/file_boot_control.hpp"
#include "common/file_storage.hpp"
#include "sim/sim_storage.hpp"

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

TEST_CASE("boot control: a power cut at 50 seeded points of an update always leaves a bootable good slot") {
    // An update as the engine runs it: the slot written in pieces, finished, a trial asked for, the
    // reboot's boot step and the confirmation. The cut goes to the first write of one of those calls, after
    // a seeded number of octets; then the unit starts again (a new instance over the same files).
    const auto dir = fresh("acurev-boot-test-cut");
    std::mt19937 rng(2100);
    std::map<std::string, std::string> images;  // version -> image
    auto image_of = [&](const std::string& version) {
        if (!images.count(version)) {
            std::string b(300'000 + images.size() * 1000, '\0');
            for (auto& c : b) c = static_cast<char>(rng());
            images[version] = b;
        }
        return images[version];
    };
    auto good = [&](hal::sim::SimStorage& storage, const hal::BootStatus& s) {
        const auto& slot = s.slot(s.booted);
        if (!slot.version) return true;  // the factory image
        const auto file = storage.read("boot/slot-" + s.booted + ".img");
        return file && *file == image_of(*slot.version) && slot.size == file->size();
    };
    for (int point = 0; point < 50; ++point) {
        std::filesystem::remove_all(dir);
        hal::sim::SimStorage storage(dir);
        { hal::FileBootControl(storage).boot(); }
        const std::string version = "1." + std::to_string(point) + ".0";
        const std::string image = image_of(version);
        std::vector<std::function<void(hal::FileBootControl&)>> steps{
            [](hal::FileBootControl& b) { b.begin_write(); }};
        for (std::size_t i = 0; i < image.size(); i += 65536)
            steps.emplace_back([&image, i](hal::FileBootControl& b) {
                const auto n = std::min<std::size_t>(65536, image.size() - i);
                b.write(std::span(reinterpret_cast<const std::uint8_t*>(image.data() + i), n));
            });
        steps.emplace_back([&version](hal::FileBootControl& b) { b.finish(version, "sha"); });
        steps.emplace_back([](hal::FileBootControl& b) { b.boot_trial(1); });
        const std::size_t cut_step = rng() % (steps.size() + 2);  // +2: the reboot's boot() and confirm()
        const std::size_t cut_bytes = rng() % 300'000;
        bool cut = false;
        {
            hal::FileBootControl b(storage);
            try {
                for (std::size_t i = 0; i < steps.size(); ++i) {
                    if (i == cut_step) storage.cut_power_in_next_write(cut_bytes);
                    steps[i](b);  // a write() that only buffers passes the cut on to the next write
                }
            } catch (const hal::StorageError&) {
                cut = true;
            }
        }
        if (!cut) {
            hal::FileBootControl b(storage);  // the reboot into the trial
            try {
                if (cut_step == steps.size()) storage.cut_power_in_next_write(cut_bytes);
                b.boot();
                if (cut_step == steps.size() + 1) storage.cut_power_in_next_write(cut_bytes);
                b.confirm();
            } catch (const hal::StorageError&) {
                cut = true;
            }
        }
        // Whatever the cut hit, the next start boots an image that is whole.
        hal::FileBootControl after(storage);
        after.boot();
        INFO("point " << point << ", cut before step " << cut_step << " after " << cut_bytes << " octets");
        CHECK(good(storage, after.status()));
        // And the unit can update again (a trial left open is confirmed or falls back first).
        if (!after.status().trial_slot.empty()) after.confirm();
        if (!after.status().trial_slot.empty()) after.boot();
        const std::string next = "2." + std::to_string(point) + ".0";
        const std::string next_image = image_of(next);
        after.begin_write();
        after.write(std::span(reinterpret_cast<const std::uint8_t*>(next_image.data()), next_image.size()));
        after.finish(next, "sha");
        after.boot_trial(1);
        hal::FileBootControl again(storage);
        again.boot();
        CHECK(again.status().booted_version() == next);
        CHECK(good(storage, again.status()));
    }
    std::filesystem::remove_all(dir);
}
