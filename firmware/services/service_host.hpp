#pragma once
// Starts each registered service on its own: one that cannot start (a port in use, a bad
// certificate) is reported failed with the reason in its health and retried with back-off while
// the others run. Settings changes reach the service that owns the key.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/service.hpp"

namespace fw {

class ServiceHost {
public:
    ServiceHost(ServiceContext context, const std::vector<ServiceDescriptor>& registry);
    ~ServiceHost();

    void start();  // never throws for a service that cannot start: it is failed and retried
    void stop();
    std::vector<ServiceState> states() const;
    std::optional<ServiceState> state(const std::string& name) const;
    Service* find(const std::string& name);
    // Keys that changed (already saved and running): grouped by owning service and applied.
    // Returns the keys that need a module reboot to take effect.
    std::vector<std::string> settings_changed(const std::vector<std::string>& keys);

    static constexpr hal::Duration first_retry{1'000'000'000}, max_retry{30'000'000'000};

private:
    struct Entry {
        ServiceDescriptor descriptor;
        std::unique_ptr<Service> service;
        bool running = false;
        int failures = 0;
        std::string failure;
        std::optional<hal::TimerId> retry;
    };
    void try_start(Entry& e);
    void stop_one(Entry& e);
    ServiceContext context_;
    std::vector<Entry> entries_;
    bool started_ = false;
};

// The table printed after "ready": one line per service with its state and endpoints or reason.
std::string endpoint_table(const ServiceHost& host);

}  // namespace fw
