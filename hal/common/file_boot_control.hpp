#pragma once
// BootControl kept in the data directory (`boot/record.json`, `boot/slot-a.img`, `boot/slot-b.img`):
// the simulator's slots, and a unit's until its U-Boot environment is wired (issue "real hardware").
// The record is replaced atomically, so a power cut leaves the old or the new one, never half.
#include <memory>

#include "hal/boot_control.hpp"
#include "hal/storage.hpp"

namespace hal {

class FileBootControl final : public BootControl {
public:
    explicit FileBootControl(Storage& storage);
    ~FileBootControl() override;
    BootStatus status() const override;
    void boot() override;
    void begin_write() override;
    void write(std::span<const std::uint8_t> data) override;
    void finish(const std::string& version, const std::string& sha256) override;
    void abandon() override;
    void boot_trial(int tries) override;
    void confirm() override;

private:
    struct Record;
    void load();
    void save();
    std::string other() const;
    Storage& storage_;
    std::unique_ptr<Record> record_;
    struct Writing;
    std::unique_ptr<Writing> writing_;
};

}  // namespace hal
