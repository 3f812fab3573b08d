#pragma once
// The one net-snmp agent of the process (libnetsnmpagent is process-global and not thread-safe,
// and a pytest process holds several rigs, each with its loop on its own thread). net-snmp is set up
// once per process, without reading /etc/snmp or any MIB, without VACM, SMUX or AgentX, SNMPv3
// refused; every call into it holds one mutex. Each SNMP service opens its own UDP sessions here
// and answers through its Responder: the request's session names the service, so two rigs in one
// process serve their own values with their own communities.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "services/snmp/snmp_objects.hpp"

namespace fw::snmp {

// What one service answers; called on the thread that called Agent::read for its session.
class Responder {
public:
    virtual ~Responder() = default;
    // v1 and v2c requests with any other community are dropped unanswered (RFC 3584 4.1).
    virtual const std::string& community() const = 0;
    struct Got {
        std::optional<Value> value;
        bool object_known = false;  // without a value: noSuchInstance if known (stale), else noSuchObject
    };
    virtual Got get(std::span<const std::uint32_t> name) = 0;
    // The first object after `name` that has a value, within `subtree`; none past its end.
    virtual std::optional<std::pair<Oid, Value>> next(std::span<const std::uint32_t> name, std::span<const std::uint32_t> subtree) = 0;
};

class Agent {
public:
    static Agent& instance();
    struct Session;
    // Opens "udp:ADDRESS:PORT" for `responder` (which outlives the session). Throws
    // std::runtime_error naming the address and why (the port in use). `persistent_dir` is where
    // net-snmp may keep its state (the first caller's data dir): it is set once per process.
    std::shared_ptr<Session> open(const std::string& address, std::uint16_t port, Responder& responder, const std::string& persistent_dir);
    // Reads and answers what waits on `s`'s socket, on the caller's thread.
    void read(Session& s);
    void close(Session& s);  // idempotent; the socket is closed
    int descriptor(const Session& s) const;

private:
    Agent() = default;
    void init(const std::string& persistent_dir);
    bool initialised_ = false;
};

}  // namespace fw::snmp
