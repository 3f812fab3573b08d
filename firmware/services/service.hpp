#pragma once
// One lifecycle for every firmware service (ARCHITECTURE "Services"): start, stop, health, and
// reconfigure that applies a change live or restarts only this service.
#include <string>

#include <nlohmann/json.hpp>

namespace fw {

struct Health {
    bool running = false;
    std::string detail;  // why it is not running, or what it serves
};

class Service {
public:
    virtual ~Service() = default;
    virtual std::string name() const = 0;
    virtual void start() = 0;  // throws std::runtime_error with a clear message when it cannot
    virtual void stop() = 0;
    virtual Health health() const = 0;
};

}  // namespace fw
