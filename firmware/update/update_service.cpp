#include "update/update_service.hpp"

#include "core/board_link.hpp"

namespace fw {

namespace {

std::optional<std::array<std::uint8_t, 32>> family_key_of(const hal::Identity& id) {
    if (id.family_key.empty()) return std::nullopt;
    return a2up::parse_family_key(id.family_key);
}

}  // namespace

std::string running_firmware_version(const hal::Hal& hal) { return hal.boot.status().booted_version().value_or(ACUREV_VERSION); }

UpdateService::UpdateService(ServiceContext& context) : context_(context) {}

UpdateService::~UpdateService() { stop(); }

void UpdateService::start() {
    alive_ = std::make_shared<bool>(true);
    const auto boot = context_.hal.boot.status();
    if (boot.trial()) {
        trial_started_ = context_.hal.scheduler.now();
        context_.events.add("update", "booted firmware " + running_firmware_version(context_.hal) + " from slot " + boot.booted +
                                          " on trial: confirming it within " + std::to_string(confirm_window.count()) + " min");
        check_trial();
    } else if (boot.last_boot.rfind("fell back", 0) == 0) {
        context_.events.add("update", boot.last_boot + "; running " + running_firmware_version(context_.hal));
    }
}

void UpdateService::stop() {
    if (check_timer_) context_.hal.scheduler.cancel(*check_timer_);
    check_timer_.reset();
    alive_.reset();
}

bool UpdateService::healthy(std::string& why) const {
    if (!context_.board.poller().stats().board_answering) {
        why = "the metering board does not answer";
        return false;
    }
    for (const auto& s : context_.module.service_states())
        if (s.name != "update" && s.state != ServiceState::State::running) {
            why = "service " + s.name + " is " + to_string(s.state) + (s.detail.empty() ? "" : ": " + s.detail);
            return false;
        }
    return true;
}

void UpdateService::check_trial() {
    auto& sched = context_.hal.scheduler;
    std::string why;
    if (healthy(why)) {
        context_.hal.boot.confirm();
        context_.events.add("update", "firmware " + running_firmware_version(context_.hal) + " confirmed on slot " + context_.hal.boot.status().booted);
        return;
    }
    if (sched.now() - trial_started_ >= confirm_window) {
        context_.events.add("update", "firmware " + running_firmware_version(context_.hal) + " not healthy within " +
                                          std::to_string(confirm_window.count()) + " min (" + why + "): rebooting to fall back");
        context_.module.reboot("firmware not confirmed: " + why);
        return;
    }
    check_timer_ = sched.after(std::chrono::seconds(5), [this, weak = std::weak_ptr<bool>(alive_)] {
        if (weak.expired()) return;
        check_timer_.reset();
        check_trial();
    });
}

void UpdateService::refuse(const std::string& why) {
    state_ = State::failed;
    error_ = why;
    ready_.reset();
    context_.events.add("update", "firmware package refused: " + why);
}

std::optional<std::string> UpdateService::upload(std::span<const std::uint8_t> package) {
    const auto id = context_.hal.system.identity();
    if (id.update_public_key.empty()) return "no update key is installed on this module: packages cannot be checked";
    auto& boot = context_.hal.boot;
    if (!boot.status().trial_slot.empty()) return "the last update is not confirmed yet (slot " + boot.status().trial_slot + ")";
    if (state_ == State::ready) boot.abandon();  // a new upload replaces the one waiting
    ready_.reset();
    error_.clear();
    received_ = 0;
    total_ = package.size();
    const auto running = a2up::Version::parse(running_firmware_version(context_.hal));
    bool writing = false;
    std::string firmware_sha;
    try {
        a2up::StreamReader reader(
            id.update_public_key,
            [&](const a2up::Manifest& m) {
                // Everything a manifest can be refused for is checked here, before a slot octet is written.
                if (m.model != model) throw a2up::PackageError("the package is for " + m.model + ", this module is " + model);
                if (running && !m.allow_downgrade && !(m.version > *running))
                    throw a2up::PackageError("version " + m.version.text() + " is not newer than the running " + running->text());
                if (running && *running < m.min_version)
                    throw a2up::PackageError("version " + m.version.text() + " updates from " + m.min_version.text() + " or later; this module runs " +
                                             running->text());
                const auto fw_payload = std::find_if(m.payloads.begin(), m.payloads.end(), [](const a2up::Payload& p) { return p.name == "firmware"; });
                if (fw_payload == m.payloads.end()) throw a2up::PackageError("the package has no payload named firmware");
                firmware_sha = fw_payload->encrypted ? fw_payload->plain_sha256 : fw_payload->sha256;
                boot.begin_write();
                writing = true;
            },
            [&](const a2up::Payload& p, std::span<const std::uint8_t> plain) {
                if (p.name == "firmware") boot.write(plain);
            },
            family_key_of(id));
        // In pieces, as the bytes would arrive from a socket: the same code reads a download.
        constexpr std::size_t piece = 64 * 1024;
        for (std::size_t i = 0; i < package.size(); i += piece) {
            reader.feed(package.subspan(i, std::min(piece, package.size() - i)));
            received_ = std::min(package.size(), i + piece);
        }
        reader.finish();
        ready_ = *reader.manifest();
        boot.finish(ready_->version.text(), firmware_sha);
    } catch (const std::exception& e) {
        if (writing) boot.abandon();  // nothing half-written stays in the slot
        refuse(e.what());
        return error_;
    }
    state_ = State::ready;
    context_.events.add("update", "firmware " + ready_->version.text() + " uploaded to slot " + (boot.status().booted == "a" ? "b" : "a") +
                                      ": ready for processing");
    return std::nullopt;
}

std::optional<std::string> UpdateService::process() {
    if (state_ != State::ready || !ready_) return "no firmware file is ready for processing (upload one first)";
    context_.hal.boot.boot_trial(1);
    context_.events.add("update", "processing firmware " + ready_->version.text() + ": rebooting into it on trial");
    state_ = State::idle;
    context_.module.reboot("firmware update to " + ready_->version.text());
    return std::nullopt;
}

void UpdateService::cancel() {
    if (state_ == State::ready) {
        context_.hal.boot.abandon();
        context_.events.add("update", "firmware " + ready_->version.text() + " cancelled: the slot is emptied");
    }
    state_ = State::idle;
    ready_.reset();
    error_.clear();
}

nlohmann::json UpdateService::status() const {
    const auto b = context_.hal.boot.status();
    nlohmann::json slots = nlohmann::json::array();
    for (const auto& s : b.slots)
        slots.push_back({{"name", s.name}, {"version", s.version ? nlohmann::json(*s.version) : nlohmann::json(nullptr)}, {"size", s.size}});
    nlohmann::json j{{"running", running_firmware_version(context_.hal)},
                     {"booted_slot", b.booted},
                     {"confirmed_slot", b.confirmed},
                     {"trial", b.trial()},
                     {"boots", b.boots},
                     {"last_boot", b.last_boot},
                     {"slots", slots},
                     {"update_key_installed", !context_.hal.system.identity().update_public_key.empty()},
                     {"state", state_ == State::idle ? "idle" : state_ == State::ready ? "ready" : "failed"},
                     {"received", received_},
                     {"total", total_}};
    if (state_ == State::ready && ready_) {
        j["message"] = "Firmware file is ready for processing";
        j["package"] = nlohmann::json::parse(ready_->json());
    }
    if (state_ == State::failed) j["error"] = error_;
    return j;
}

Health UpdateService::health() const {
    const auto b = context_.hal.boot.status();
    std::string d = "running " + running_firmware_version(context_.hal) + " (slot " + b.booted + (b.trial() ? ", on trial" : ", confirmed") + ")";
    if (state_ == State::ready && ready_) d += "; " + ready_->version.text() + " ready for processing";
    if (state_ == State::failed) d += "; last package refused: " + error_;
    return {true, d};
}

}  // namespace fw
