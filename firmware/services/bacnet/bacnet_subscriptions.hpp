#pragma once
// BacnetService's COV state, shared by bacnet_service.cpp (the server) and bacnet_cov.cpp
// (SubscribeCOV and the notifications); not for other code.
#include <cstdint>
#include <optional>

#include "services/bacnet/bacnet_service.hpp"

namespace fw {

struct BacnetService::Subscription {
    std::uint64_t id = 0;
    Socket* socket = nullptr;
    Peer peer;
    std::uint32_t process = 0;
    bacnet::ObjectId object;
    bool confirmed = false;
    std::optional<hal::Time> expires;
    std::optional<hal::TimerId> timer;
    bacnet::ObjectDb::CovValue last{};
};

struct BacnetService::Notification {
    Socket* socket = nullptr;
    Peer peer;
    std::uint8_t invoke_id = 0;
    bacnet::Bytes apdu;
    unsigned tries = 0;
    std::optional<hal::TimerId> timer;
};

}  // namespace fw
