#pragma once
// The SNMP agent (web manual 7.9): v1/v2c, read-only, on net-snmp's agent library driven by the
// module's loop (Asio watches a dup of each session's socket and net-snmp reads that socket only;
// no thread, no timer of its own). It listens on every interface whose link is up, closes that
// interface's socket when its link goes down and opens it again when it is back. It serves the
// system group and every published parameter with the value Modbus TCP serves at the same instant
// (snmp_objects.hpp, docs/snmp.md); a request with another community gets no answer.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "services/service.hpp"
#include "services/snmp/snmp_agent.hpp"

namespace fw {

class SnmpService final : public Service, public snmp::Responder {
public:
    explicit SnmpService(ServiceContext& context);
    ~SnmpService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::restart_service; }

    const std::string& community() const override { return community_; }
    Got get(std::span<const std::uint32_t> name) override;
    std::optional<std::pair<snmp::Oid, snmp::Value>> next(std::span<const std::uint32_t> name, std::span<const std::uint32_t> subtree) override;

private:
    struct Listener {
        std::string address;
        std::shared_ptr<snmp::Agent::Session> session;
        std::unique_ptr<boost::asio::posix::stream_descriptor> socket;  // our dup of the session's socket
    };
    void listen_on(const hal::ListenAddress& where);
    void close(const std::string& interface);
    void arm(const std::string& interface);
    void on_link(const std::string& interface, bool up);
    std::optional<snmp::Value> value_of(std::size_t object) const;

    ServiceContext& context_;
    bool enabled_ = false;
    std::uint16_t device_port_ = 161, host_port_ = 161;
    std::string community_;
    hal::Time started_{};
    std::map<std::string, Listener> listeners_;  // by interface
    int link_listener_ = 0;
    std::string link_failure_;
    std::uint64_t datagrams_ = 0;
    std::shared_ptr<bool> alive_;
};

}  // namespace fw
