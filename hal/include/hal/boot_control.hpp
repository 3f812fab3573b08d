#pragma once
// A/B firmware slots and the boot record (issue "The module's lifecycle"): the update engine writes
// the slot it did not boot from, asks for a trial boot of it, and confirms it once the new firmware is
// healthy; a trial that is not confirmed within its boots falls back to the confirmed slot. On a unit
// the bootloader (U-Boot's environment) keeps the record and picks the slot; here `boot()` is that
// step, run once at each module start before the firmware reads its version.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hal {

struct BootSlot {
    std::string name;                    // "a", "b"
    std::optional<std::string> version;  // what was installed there (none: the factory image)
    std::uint64_t size = 0;
    std::string sha256;
};

struct BootStatus {
    std::string booted;     // the slot running now
    std::string confirmed;  // the slot known good
    std::string trial_slot; // the slot on trial (running or to run at the next boot), empty: none
    int tries_left = 0;     // trial boots left before falling back
    bool trial() const { return !trial_slot.empty() && booted == trial_slot; }  // running on trial, not confirmed yet
    std::uint64_t boots = 0;
    std::vector<BootSlot> slots;
    std::string last_boot;  // what the last boot did: "confirmed slot a", "trial of slot b (1 left)", "fell back to a: b not confirmed"
    const BootSlot& slot(const std::string& n) const {
        for (const auto& s : slots)
            if (s.name == n) return s;
        throw std::out_of_range("no boot slot " + n);
    }
    std::optional<std::string> booted_version() const { return slot(booted).version; }
};

class BootControl {
public:
    virtual ~BootControl() = default;
    virtual BootStatus status() const = 0;
    // The bootloader's step at each start: counts the boot, runs a trial or falls back.
    virtual void boot() = 0;
    // Writing the slot not booted: begin() empties it, write() appends, finish() records what it holds
    // (its version and the SHA-256 the writer checked), abandon() empties it again. Throws StorageError.
    virtual void begin_write() = 0;
    virtual void write(std::span<const std::uint8_t> data) = 0;
    virtual void finish(const std::string& version, const std::string& sha256) = 0;
    virtual void abandon() = 0;
    // The next boots run the written slot on trial, `tries` times at most unless confirmed.
    virtual void boot_trial(int tries) = 0;
    // The booted slot is healthy: it becomes the confirmed one.
    virtual void confirm() = 0;
};

}  // namespace hal
