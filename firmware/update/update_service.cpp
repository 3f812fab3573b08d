#include "update/update_service.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/board_link.hpp"
#include "services/post/curl_loop.hpp"
#include "settings/settings.hpp"
#include "update/update_settings.hpp"

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
    schedule_auto();
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
    if (auto_timer_) context_.hal.scheduler.cancel(*auto_timer_);
    auto_timer_.reset();
    curl_.reset();  // ends a check or download under way
    if (reader_ && writing_) context_.hal.boot.abandon();
    reader_.reset();
    writing_ = false;
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

void UpdateService::start_reader() {
    const auto id = context_.hal.system.identity();
    auto& boot = context_.hal.boot;
    const auto running = a2up::Version::parse(running_firmware_version(context_.hal));
    writing_ = false;
    firmware_sha_.clear();
    reader_ = std::make_unique<a2up::StreamReader>(
        id.update_public_key,
        [this, running, &boot](const a2up::Manifest& m) {
            // Everything a manifest can be refused for is checked here, before a slot octet is written.
            if (m.model != model) throw a2up::PackageError("the package is for " + m.model + ", this module is " + model);
            if (running && !m.allow_downgrade && !(m.version > *running))
                throw a2up::PackageError("version " + m.version.text() + " is not newer than the running " + running->text());
            if (running && *running < m.min_version)
                throw a2up::PackageError("version " + m.version.text() + " updates from " + m.min_version.text() + " or later; this module runs " +
                                         running->text());
            const auto fw_payload = std::find_if(m.payloads.begin(), m.payloads.end(), [](const a2up::Payload& p) { return p.name == "firmware"; });
            if (fw_payload == m.payloads.end()) throw a2up::PackageError("the package has no payload named firmware");
            firmware_sha_ = fw_payload->encrypted ? fw_payload->plain_sha256 : fw_payload->sha256;
            boot.begin_write();
            writing_ = true;
        },
        [&boot](const a2up::Payload& p, std::span<const std::uint8_t> plain) {
            if (p.name == "firmware") boot.write(plain);
        },
        family_key_of(id));
}

// The package is whole and good, or `error` says why not; either way the reader is done.
void UpdateService::end_download(const std::optional<std::string>& error) {
    auto& boot = context_.hal.boot;
    std::optional<std::string> why = error;
    if (!why) {
        try {
            reader_->finish();
            ready_ = *reader_->manifest();
            boot.finish(ready_->version.text(), firmware_sha_);
        } catch (const std::exception& e) {
            why = e.what();
        }
    }
    reader_.reset();
    if (why) {
        if (writing_) boot.abandon();  // nothing half-written stays in the slot
        writing_ = false;
        refuse(*why);
        return;
    }
    writing_ = false;
    state_ = State::ready;
    context_.events.add("update", "firmware " + ready_->version.text() + " in slot " + (boot.status().booted == "a" ? "b" : "a") +
                                      ": ready for processing");
}

std::optional<std::string> UpdateService::upload(std::span<const std::uint8_t> package) {
    if (context_.hal.system.identity().update_public_key.empty()) return "no update key is installed on this module: packages cannot be checked";
    auto& boot = context_.hal.boot;
    if (!boot.status().trial_slot.empty()) return "the last update is not confirmed yet (slot " + boot.status().trial_slot + ")";
    if (state_ == State::checking || state_ == State::downloading) return "a remote update is in progress";
    if (state_ == State::ready) boot.abandon();  // a new upload replaces the one waiting
    ready_.reset();
    error_.clear();
    received_ = 0;
    total_ = package.size();
    std::optional<std::string> error;
    try {
        start_reader();
        // In pieces, as the octets arrive from a socket: the download is read the same way.
        constexpr std::size_t piece = 64 * 1024;
        for (std::size_t i = 0; i < package.size(); i += piece) {
            reader_->feed(package.subspan(i, std::min(piece, package.size() - i)));
            received_ = std::min(package.size(), i + piece);
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    end_download(error);
    if (state_ != State::ready) return error_;
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
                     {"state", state_ == State::idle          ? "idle"
                               : state_ == State::checking    ? "checking"
                               : state_ == State::downloading ? "downloading"
                               : state_ == State::ready       ? "ready"
                                                              : "failed"},
                     {"received", received_},
                     {"total", total_}};
    if (state_ == State::ready && ready_) {
        j["message"] = "Firmware file is ready for processing";
        j["package"] = nlohmann::json::parse(ready_->json());
    }
    if (state_ == State::failed) j["error"] = error_;
    if (offer_) j["offer"] = {{"version", offer_->version.text()}, {"critical", offer_->critical}, {"url", offer_->url}, {"notes", offer_->notes}};
    return j;
}

Health UpdateService::health() const {
    const auto b = context_.hal.boot.status();
    std::string d = "running " + running_firmware_version(context_.hal) + " (slot " + b.booted + (b.trial() ? ", on trial" : ", confirmed") + ")";
    if (state_ == State::ready && ready_) d += "; " + ready_->version.text() + " ready for processing";
    if (state_ == State::failed) d += "; last package refused: " + error_;
    return {true, d};
}



// ---- remote update (10.1.3) and auto update (10.1.1) ----

namespace {

std::string host_of(const std::string& url) {
    const auto start = url.find("://");
    if (start == std::string::npos) return {};
    auto rest = url.substr(start + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
    return rest.substr(0, rest.find(':'));
}

// A release's URL as the index gives it: absolute, or relative to the index's folder.
std::string resolve(const std::string& index_url, const std::string& url) {
    if (url.find("://") != std::string::npos) return url;
    return index_url.substr(0, index_url.rfind('/') + 1) + url;
}

constexpr std::size_t max_index = 256 * 1024;

}  // namespace

std::optional<std::string> UpdateService::choose(const std::string& index, bool critical_only) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(index);
    } catch (const nlohmann::json::exception&) {
        return "the update server's index is not JSON";
    }
    if (!j.is_object() || !j.contains("releases") || !j["releases"].is_array()) return "the update server's index has no releases list";
    if (j.contains("model") && j["model"] != model) return "the update server offers firmware for " + j["model"].dump() + ", not " + model;
    const auto running = a2up::Version::parse(running_firmware_version(context_.hal));
    offer_.reset();
    for (const auto& r : j["releases"]) {
        if (!r.is_object() || !r.contains("version") || !r["version"].is_string() || !r.contains("url") || !r["url"].is_string())
            return "a release in the update server's index lacks its version or url";
        const auto v = a2up::Version::parse(r["version"].get<std::string>());
        if (!v) return "a release's version in the update server's index is not X.Y.Z";
        const bool critical = r.value("critical", false);
        if ((running && !(*v > *running)) || (critical_only && !critical)) continue;
        if (!offer_ || *v > offer_->version)
            offer_ = Release{*v, critical, resolve(context_.settings.running(update_settings::server_url).get<std::string>(), r["url"].get<std::string>()),
                             r.value("notes", std::string())};
    }
    return std::nullopt;
}

void UpdateService::check(std::function<void(std::optional<std::string>)> done, bool critical_only) {
    const auto url = context_.settings.running(update_settings::server_url).get<std::string>();
    if (url.empty()) return done("no Update Server URL is set (update.server_url)");
    if (const auto refused = context_.hal.network.refused_destination(host_of(url)); !refused.empty()) return done(refused);
    if (state_ == State::checking || state_ == State::downloading) return done("a remote update is in progress");
    if (!curl_) curl_ = std::make_unique<CurlLoop>(context_.hal);
    CURL* easy = curl_easy_init();
    auto body = std::make_shared<std::string>();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, +[](char* p, size_t size, size_t n, void* user) -> size_t {
        auto* b = static_cast<std::string*>(user);
        if (b->size() + size * n > max_index) return 0;  // an index that large is not one: the transfer fails
        b->append(p, size * n);
        return size * n;
    });
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, body.get());
    curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
    const auto ca = context_.hal.storage.data_dir() / "update-ca.pem";
    if (std::filesystem::exists(ca)) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
    const State before = state_;
    state_ = State::checking;
    curl_->start(easy, std::chrono::seconds(30),
                 [this, body, before, done, critical_only, weak = std::weak_ptr<bool>(alive_)](TransferResult r) {
                     if (weak.expired()) return;
                     state_ = before;
                     if (!r.ok) return done("the update server did not answer: " + r.error);
                     if (const auto why = choose(*body, critical_only)) return done(why);
                     context_.events.add("update", offer_ ? "update server offers firmware " + offer_->version.text()
                                                          : std::string("update server: no newer firmware than ") + running_firmware_version(context_.hal));
                     done(std::nullopt);
                 },
                 body, true);
}

void UpdateService::download(std::function<void(std::optional<std::string>)> done) {
    if (!offer_) return done("no newer firmware is offered (Check first)");
    if (context_.hal.system.identity().update_public_key.empty()) return done("no update key is installed on this module: packages cannot be checked");
    if (!context_.hal.boot.status().trial_slot.empty()) return done("the last update is not confirmed yet");
    if (state_ == State::checking || state_ == State::downloading) return done("a remote update is in progress");
    if (const auto refused = context_.hal.network.refused_destination(host_of(offer_->url)); !refused.empty()) return done(refused);
    if (state_ == State::ready) context_.hal.boot.abandon();
    ready_.reset();
    error_.clear();
    received_ = total_ = 0;
    start_reader();
    download_error_.clear();
    state_ = State::downloading;
    if (!curl_) curl_ = std::make_unique<CurlLoop>(context_.hal);
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, offer_->url.c_str());
    // Each piece goes through the package reader into the slot as it arrives; a refusal ends the transfer.
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, +[](char* p, size_t size, size_t n, void* user) -> size_t {
        auto* self = static_cast<UpdateService*>(user);
        try {
            self->reader_->feed(std::span(reinterpret_cast<const std::uint8_t*>(p), size * n));
            self->received_ += size * n;
            self->total_ = self->reader_->total();
            return size * n;
        } catch (const std::exception& e) {
            self->download_error_ = e.what();
            return 0;
        }
    });
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
    const auto ca = context_.hal.storage.data_dir() / "update-ca.pem";
    if (std::filesystem::exists(ca)) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
    context_.events.add("update", "downloading firmware " + offer_->version.text() + " from " + offer_->url);
    curl_->start(easy, std::chrono::minutes(10), [this, done, weak = std::weak_ptr<bool>(alive_)](TransferResult r) {
        if (weak.expired()) return;
        std::optional<std::string> error;
        if (!download_error_.empty()) error = download_error_;
        else if (!r.ok) error = "the download failed: " + r.error;
        state_ = State::idle;
        end_download(error);
        if (state_ != State::ready) return done(error_);
        // 10.1.3: "Once the download is complete the updating process will begin."
        done(process());
    }, {}, true);
}

void UpdateService::schedule_auto() {
    // Every 10 minutes of device time: inside the Check Time hour, once a day, at a minute of its own
    // (from the serial number, so a fleet does not ask the server all at once).
    auto_timer_ = context_.hal.scheduler.after(std::chrono::minutes(10), [this, weak = std::weak_ptr<bool>(alive_)] {
        if (weak.expired()) return;
        auto_timer_.reset();
        auto_tick();
        schedule_auto();
    });
}

void UpdateService::auto_tick() {
    const int mode = context_.settings.running(update_settings::auto_update).get<int>();
    if (mode == update_settings::disabled) return;
    const auto local = std::chrono::sys_time<hal::Duration>(context_.hal.clock.local());
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const int today = static_cast<int>(day.time_since_epoch().count());
    const auto in_day = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
    const auto serial = context_.hal.system.identity().module_serial;
    const int minute = static_cast<int>(std::hash<std::string>{}(serial) % 50);  // within the hour, leaving a tick to spare
    const int hour = context_.settings.running(update_settings::check_hour).get<int>();
    if (last_auto_day_ < 0) {
        // Kept across reboots: an update that reboots inside the hour does not check again that day.
        const auto kept = context_.hal.storage.read("update-auto-day");
        last_auto_day_ = kept ? std::atoi(kept->c_str()) : 0;
    }
    if (today == last_auto_day_ || in_day < hour * 60 + minute || in_day >= (hour + 1) * 60) return;
    last_auto_day_ = today;
    context_.hal.storage.write_atomic("update-auto-day", std::to_string(today));
    begin_auto(mode == update_settings::critical_only);
}

void UpdateService::begin_auto(bool critical_only) {
    check([this, critical_only](std::optional<std::string> error) {
        if (error) return context_.events.add("update", "automatic update: " + *error);
        if (!offer_) return;
        context_.events.add("update", std::string("automatic update (") + (critical_only ? "critical only" : "latest") + ") to " + offer_->version.text());
        download([this](std::optional<std::string> e) {
            if (e) context_.events.add("update", "automatic update failed: " + *e);
        });
    }, critical_only);
}

}  // namespace fw
