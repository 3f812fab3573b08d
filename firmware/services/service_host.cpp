#include "services/service_host.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include "settings/settings_schema.hpp"

namespace fw {

const char* to_string(ServiceState::State s) {
    switch (s) {
        case ServiceState::State::stopped: return "stopped";
        case ServiceState::State::running: return "running";
        case ServiceState::State::unhealthy: return "unhealthy";
        case ServiceState::State::failed: return "failed";
    }
    return "?";
}

ServiceHost::ServiceHost(ServiceContext context, const std::vector<ServiceDescriptor>& registry) : context_(context) {
    for (const auto& d : registry) entries_.push_back(Entry{d, nullptr, false, 0, {}, std::nullopt});
}

ServiceHost::~ServiceHost() { stop(); }

void ServiceHost::start() {
    started_ = true;
    for (auto& e : entries_) try_start(e);
}

void ServiceHost::try_start(Entry& e) {
    e.retry.reset();
    try {
        if (!e.service) e.service = e.descriptor.make(context_);
        e.service->start();
        e.running = true;
        e.failures = 0;
        e.failure.clear();
    } catch (const std::exception& ex) {
        e.running = false;
        e.failure = ex.what();
        ++e.failures;
        // Back-off doubling from 1 s up to 30 s: a port freed later is taken within 30 s.
        hal::Duration wait = first_retry;
        for (int i = 1; i < e.failures && wait < max_retry; ++i) wait *= 2;
        wait = std::min(wait, max_retry);
        const std::string name = e.descriptor.name;
        e.retry = context_.hal.scheduler.after(wait, [this, name] {
            for (auto& x : entries_)
                if (x.descriptor.name == name && started_ && !x.running) try_start(x);
        });
    }
}

void ServiceHost::stop_one(Entry& e) {
    if (e.retry) context_.hal.scheduler.cancel(*e.retry);
    e.retry.reset();
    if (e.service) e.service->stop();
    e.running = false;
}

void ServiceHost::stop() {
    started_ = false;
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) stop_one(*it);
}

std::vector<ServiceState> ServiceHost::states() const {
    std::vector<ServiceState> out;
    for (const auto& e : entries_) {
        ServiceState s{e.descriptor.name, e.descriptor.label, ServiceState::State::stopped, e.failure, e.failures};
        if (e.running) {
            const auto health = e.service->health();
            s.state = health.running ? ServiceState::State::running : ServiceState::State::unhealthy;
            s.detail = health.detail;
        } else if (!e.failure.empty()) {
            s.state = ServiceState::State::failed;
        }
        out.push_back(s);
    }
    return out;
}

std::optional<ServiceState> ServiceHost::state(const std::string& name) const {
    for (const auto& s : states())
        if (s.name == name) return s;
    return std::nullopt;
}

Service* ServiceHost::find(const std::string& name) {
    for (auto& e : entries_)
        if (e.descriptor.name == name) return e.service.get();
    return nullptr;
}

std::vector<std::string> ServiceHost::settings_changed(const std::vector<std::string>& keys) {
    std::vector<std::string> reboot;
    for (auto& e : entries_) {
        std::vector<std::string> mine;
        for (const auto& k : keys) {
            const auto* spec = SettingsSchema::instance().find(k);
            if (spec && spec->services == e.descriptor.name) mine.push_back(k);
        }
        if (mine.empty() || !e.service) continue;
        switch (e.service->reconfigure(mine)) {
            case Reconfigured::live: break;
            case Reconfigured::restart_service:
                // OpenWrt procd's rule: restart only the service whose settings changed.
                stop_one(e);
                // Destroyed after the handlers its stop cancelled have run (they were queued first).
                boost::asio::post(context_.hal.io, [old = std::shared_ptr<Service>(std::move(e.service))] {});
                if (started_) try_start(e);
                break;
            case Reconfigured::reboot_module: reboot.insert(reboot.end(), mine.begin(), mine.end()); break;
        }
    }
    return reboot;
}

std::string endpoint_table(const ServiceHost& host) {
    std::string out;
    for (const auto& s : host.states()) {
        std::string name = s.name;
        name.resize(std::max<std::size_t>(name.size() + 1, 13), ' ');
        std::string state = to_string(s.state);
        state.resize(std::max<std::size_t>(state.size() + 1, 9), ' ');  // "unhealthy" is 9 wide: a space still follows
        out += "  " + name + state + s.detail;
        if (s.state == ServiceState::State::failed) out += " (retrying)";
        out += "\n";
    }
    return out;
}

}  // namespace fw
