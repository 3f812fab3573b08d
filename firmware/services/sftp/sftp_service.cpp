#include "services/sftp/sftp_service.hpp"

#include <algorithm>
#include <stdexcept>

#include "hal/password_hash.hpp"
#include "services/sftp/sftp_settings.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace {
constexpr hal::Duration check_every = std::chrono::seconds(10), longest_wait = std::chrono::minutes(5);
constexpr const char* no_interface = "no interface is up";
}


SftpDownload::SftpDownload(ServiceContext& context) : context_(context) {}

std::string SftpDownload::password_hash() const {
    const auto saved = context_.hal.storage.read(password_file);
    if (saved) {
        std::string hash = saved->substr(0, saved->find('\n'));
        if (hash.size() > 3 && hash[0] == '$' && hash.find(':') == std::string::npos) return hash;
    }
    return hal::sha512_crypt(sftp_settings::default_password);  // never changed, or the file is not a hash: the default
}

std::vector<std::string> SftpDownload::set_password(const std::string& password, bool reset) {
    if (!reset && (password.size() < sftp_settings::password_min || password.size() > sftp_settings::password_max))
        return {"SFTP Password must be text of " + std::to_string(sftp_settings::password_min) + "-" + std::to_string(sftp_settings::password_max) +
                " characters, got " + std::to_string(password.size()) + " characters"};
    try {
        if (reset)
            context_.hal.storage.remove(password_file);
        else
            context_.hal.storage.write_atomic(password_file, hal::sha512_crypt(password) + "\n");
    } catch (const std::exception& e) {
        return {std::string("SFTP Password not saved: ") + e.what()};
    }
    if (started_) {
        try {
            serve(true);
        } catch (const std::exception& e) {
            problem_ = e.what();  // saved; the next check starts the server with it
        }
    }
    return {};
}

SftpDownload::~SftpDownload() { stop(); }

void SftpDownload::start() {
    enabled_ = context_.settings.running(sftp_settings::enable).get<bool>();
    if (!enabled_) return;
    serve();  // a server that cannot start fails this service: the host says why and retries
    started_ = true;
    link_listener_ = context_.hal.network.add_link_listener([this](const std::string&, bool) {
        try {
            serve();
        } catch (const std::exception& e) {
            problem_ = e.what();  // the next check tries again
        }
    });
    check(check_every);
}

void SftpDownload::stop() {
    if (!started_) return;
    started_ = false;
    if (check_timer_) context_.hal.scheduler.cancel(*check_timer_);
    check_timer_.reset();
    context_.hal.network.remove_link_listener(link_listener_);
    context_.hal.sftp.stop();
}

void SftpDownload::serve(bool again) {
    std::vector<std::string> addresses;
    for (const auto& l : context_.hal.network.listen_addresses())
        if (std::find(addresses.begin(), addresses.end(), l.address) == addresses.end()) addresses.push_back(l.address);
    if (!again && !addresses.empty() && addresses == addresses_ && context_.hal.sftp.status().serving) return;  // another interface's link
    addresses_.clear();
    if (addresses.empty()) {
        context_.hal.sftp.stop();
        problem_ = no_interface;
        return;
    }
    hal::SftpServe s;
    s.addresses = addresses;
    s.device_port = device_port;
    s.user = sftp_settings::user;
    s.password_hash = password_hash();
    s.folder = folder;
    context_.hal.sftp.start(s);
    addresses_ = addresses;
    problem_.clear();
}

void SftpDownload::check(hal::Duration wait) {
    check_timer_ = context_.hal.scheduler.after(wait, [this, wait] {
        check_timer_.reset();
        const bool waiting_for_a_link = addresses_.empty() && problem_ == no_interface;  // the link listener starts it
        if (context_.hal.sftp.status().serving || waiting_for_a_link) return check(check_every);
        try {
            serve();
            check(check_every);
        } catch (const std::exception& e) {
            problem_ = e.what();
            check(std::min<hal::Duration>(wait * 2, longest_wait));
        }
    });
}

Health SftpDownload::health() const {
    if (!enabled_) return {true, "disabled (sftp.enable applies at the module's reboot)"};
    const auto s = context_.hal.sftp.status();
    if (!s.serving) return {false, "not serving: " + (problem_.empty() ? s.problem : problem_) + "; tried again every 10 s"};
    // The URLs stand alone, each followed by a space, as the web service's (the endpoint table).
    std::string d;
    for (const auto& u : s.urls) d += u + " ";
    d += "(user " + std::string(sftp_settings::user) + ", read-only " + folder + "/; " + std::to_string(s.logins) + " logins, " +
         std::to_string(s.refused) + " refused)";
    return {true, d};
}

Reconfigured SftpDownload::reconfigure(const std::vector<std::string>& keys) {
    for (const auto& k : keys)
        if (k == sftp_settings::enable) return Reconfigured::reboot_module;  // web manual 7.5
    return Reconfigured::live;
}

}  // namespace fw
