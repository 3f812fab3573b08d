#pragma once
// The update engine (web manual 10; docs/update.md): a manual update's package is checked as it is
// written to the slot the module did not boot from (hal::BootControl) — the signature, model and
// version rules before the first octet goes to the slot, each payload's hash as it streams — and is
// then "ready for processing": Process boots it on trial, Cancel empties the slot. A trial boot is
// confirmed once the module is healthy (every service up and the board answering) within the
// confirmation window; otherwise the module reboots and the boot record falls back to the confirmed
// slot. Every step goes to the module's event log.
#include <cstdint>
#include <memory>
#include <optional>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "update/a2up.hpp"

namespace fw {

// The version the module runs: its booted slot's, or the factory image's (this build's) when the
// slot holds none. In the simulator a "new firmware" is the same code reporting its slot's version.
std::string running_firmware_version(const hal::Hal& hal);

class UpdateService final : public Service {
public:
    explicit UpdateService(ServiceContext& context);
    ~UpdateService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::live; }

    static constexpr const char* model = "AcuRev 2100-WEB2";
    static constexpr auto confirm_window = std::chrono::minutes(5);  // device time after a trial boot

    enum class State { idle, checking, downloading, ready, failed };
    // A manual update's package, whole (the web server holds the upload). Returns the error, or none
    // when the package is in the slot and ready for processing.
    std::optional<std::string> upload(std::span<const std::uint8_t> package);
    std::optional<std::string> process();  // boot the ready slot on trial; the module reboots
    void cancel();
    nlohmann::json status() const;

    // Remote update (10.1.3): Check asks the update server (`update.server_url`, a JSON index of
    // releases) for a newer one; Download streams it into the slot, checked as it comes, and processes
    // it. `done` runs once the check or the download has ended, with the error if any.
    void check(std::function<void(std::optional<std::string>)> done, bool critical_only = false);
    void download(std::function<void(std::optional<std::string>)> done);
    struct Release {
        a2up::Version version;
        bool critical = false;
        std::string url, notes;
    };
    const std::optional<Release>& offer() const { return offer_; }

private:
    void start_reader();
    void end_download(const std::optional<std::string>& error);
    void schedule_auto();
    void auto_tick();
    void begin_auto(bool critical_only);
    std::optional<std::string> choose(const std::string& index, bool critical_only);
    void check_trial();
    bool healthy(std::string& why) const;
    void refuse(const std::string& why);

    ServiceContext& context_;
    State state_ = State::idle;
    std::optional<a2up::Manifest> ready_;
    std::string error_;
    std::uint64_t received_ = 0, total_ = 0;
    std::optional<hal::TimerId> check_timer_, auto_timer_;
    std::unique_ptr<class CurlLoop> curl_;
    std::optional<Release> offer_;
    std::unique_ptr<a2up::StreamReader> reader_;  // the download being read into the slot
    bool writing_ = false;
    std::string firmware_sha_;
    std::string download_error_;
    int last_auto_day_ = -1;
    hal::Time trial_started_{};
    std::shared_ptr<bool> alive_;
};

}  // namespace fw
