#include "services/snmp/snmp_service.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "catalogue/catalogue.hpp"
#include "services/snmp/snmp_settings.hpp"
#include "settings/settings.hpp"
#include "update/update_service.hpp"

namespace fw {

namespace ss = snmp_settings;
using snmp::Oid;
using snmp::Value;

namespace {

// The system group (RFC 3418) as this agent serves it, in OID order.
enum SystemObject : std::size_t { sys_descr, sys_object_id, sys_up_time, sys_contact, sys_name, sys_location, sys_services, system_objects };

// Every object the agent serves, in OID order: the system group, then the parameters.
struct Served {
    Oid oid;
    const Parameter* parameter = nullptr;  // null: system object `system`
    std::size_t system = 0;
};

const std::vector<Served>& served() {
    static const std::vector<Served> all = [] {
        std::vector<Served> out;
        for (std::size_t i = 0; i < system_objects; ++i) out.push_back({{1, 3, 6, 1, 2, 1, 1, static_cast<std::uint32_t>(i + 1), 0}, nullptr, i});
        const Oid base = snmp::parse_oid(parameters_oid);
        for (const auto* p : snmp::published_parameters()) {
            Oid o = base;
            o.push_back(p->module_register);
            o.push_back(0);
            out.push_back({std::move(o), p, 0});
        }
        return out;
    }();
    return all;
}

bool less(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) { return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()); }

bool starts_with(std::span<const std::uint32_t> oid, std::span<const std::uint32_t> prefix) {
    return oid.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), oid.begin());
}

}  // namespace

SnmpService::SnmpService(ServiceContext& context) : context_(context) {}

SnmpService::~SnmpService() { stop(); }

void SnmpService::start() {
    const auto& s = context_.settings;
    enabled_ = s.running(ss::enable).get<bool>();
    if (!enabled_) return;
    device_port_ = static_cast<std::uint16_t>(s.number(ss::port));
    host_port_ = context_.hal.network.host_port(device_port_);
    community_ = s.running(ss::community).get<std::string>();
    started_ = context_.hal.scheduler.now();
    alive_ = std::make_shared<bool>(true);
    link_listener_ = context_.hal.network.add_link_listener([this](const std::string& interface, bool up) { on_link(interface, up); });
    try {
        for (const auto& where : context_.hal.network.listen_addresses()) listen_on(where);
    } catch (...) {
        stop();
        throw;
    }
}

void SnmpService::stop() {
    if (link_listener_) context_.hal.network.remove_link_listener(link_listener_);
    link_listener_ = 0;
    alive_.reset();
    while (!listeners_.empty()) close(listeners_.begin()->first);
}

void SnmpService::listen_on(const hal::ListenAddress& where) {
    Listener l;
    l.address = where.address;
    l.session = snmp::Agent::instance().open(where.address, host_port_, *this, (context_.hal.storage.data_dir() / "snmp").string());
    const int mine = ::dup(snmp::Agent::instance().descriptor(*l.session));
    if (mine < 0) {
        snmp::Agent::instance().close(*l.session);
        throw std::runtime_error(std::string("SNMP: dup: ") + std::strerror(errno));
    }
    l.socket = std::make_unique<boost::asio::posix::stream_descriptor>(context_.hal.io, mine);
    listeners_[where.interface] = std::move(l);
    arm(where.interface);
}

void SnmpService::close(const std::string& interface) {
    auto it = listeners_.find(interface);
    if (it == listeners_.end()) return;
    boost::system::error_code ec;
    it->second.socket->close(ec);  // its wait ends with operation_aborted
    snmp::Agent::instance().close(*it->second.session);
    listeners_.erase(it);
}

void SnmpService::arm(const std::string& interface) {
    auto it = listeners_.find(interface);
    if (it == listeners_.end()) return;
    std::weak_ptr<bool> alive = alive_;
    auto session = it->second.session;
    it->second.socket->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                  [this, alive, interface, session](const boost::system::error_code& ec) {
                                      if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
                                      auto now = listeners_.find(interface);
                                      if (now == listeners_.end() || now->second.session != session) return;  // closed meanwhile
                                      if (!ec) {
                                          ++datagrams_;
                                          snmp::Agent::instance().read(*session);
                                      }
                                      arm(interface);
                                  });
}

void SnmpService::on_link(const std::string& interface, bool up) {
    if (!up) return close(interface);
    link_failure_.clear();
    for (const auto& where : context_.hal.network.listen_addresses())
        if (where.interface == interface && !listeners_.count(interface)) {
            try {
                listen_on(where);
            } catch (const std::exception& e) {
                link_failure_ = e.what();
            }
        }
}

std::optional<Value> SnmpService::value_of(std::size_t object) const {
    const auto& o = served().at(object);
    if (o.parameter) return snmp::encode(*o.parameter, context_.model.reading(*o.parameter, context_.hal.scheduler.now()));
    switch (o.system) {
        case sys_descr: {
            const auto id = context_.hal.system.identity();
            return Value{Value::Type::octet_string, 0,
                         "AcuRev 2100 WEB2 module, firmware " + running_firmware_version(context_.hal) + ", module serial " + id.module_serial +
                             ", meter serial " + id.meter_serial,
                         {}};
        }
        case sys_object_id: return Value{Value::Type::object_id, 0, {}, snmp::parse_oid(snmp::product_oid)};
        case sys_up_time: {
            // Hundredths of a second since the agent started, on the scheduler's clock (virtual in the
            // simulator), wrapping at 2^32 as TimeTicks do.
            const auto ticks = std::chrono::duration_cast<std::chrono::milliseconds>(context_.hal.scheduler.now() - started_).count() / 10;
            return Value{Value::Type::timeticks, ticks % (std::int64_t{1} << 32), {}, {}};
        }
        case sys_contact: return Value{Value::Type::octet_string, 0, "", {}};   // no setting: "no contact known" (RFC 3418)
        case sys_name: return Value{Value::Type::octet_string, 0, context_.settings.running("device.description").get<std::string>(), {}};
        case sys_location: return Value{Value::Type::octet_string, 0, "", {}};  // no setting: "unknown"
        case sys_services: return Value{Value::Type::integer32, 72, {}, {}};      // end-to-end (8) and application (64) services
    }
    return std::nullopt;
}

snmp::Responder::Got SnmpService::get(std::span<const std::uint32_t> name) {
    const auto& all = served();
    const auto it = std::lower_bound(all.begin(), all.end(), name, [](const Served& s, std::span<const std::uint32_t> n) { return less(s.oid, n); });
    if (it != all.end() && std::equal(it->oid.begin(), it->oid.end(), name.begin(), name.end()))
        return {value_of(static_cast<std::size_t>(it - all.begin())), true};
    // Under an object's type (every object is a scalar, <type>.0) but not its instance: noSuchInstance.
    auto type_of = [](const Served& s) { return std::span<const std::uint32_t>(s.oid).first(s.oid.size() - 1); };
    const bool known = (it != all.end() && starts_with(name, type_of(*it))) || (it != all.begin() && starts_with(name, type_of(*std::prev(it))));
    return {std::nullopt, known};
}

std::optional<std::pair<Oid, Value>> SnmpService::next(std::span<const std::uint32_t> name, std::span<const std::uint32_t> subtree) {
    const auto& all = served();
    auto it = std::upper_bound(all.begin(), all.end(), name, [](std::span<const std::uint32_t> n, const Served& s) { return less(n, s.oid); });
    for (; it != all.end(); ++it) {
        if (!starts_with(it->oid, subtree)) {
            if (less(subtree, it->oid)) break;  // past the subtree
            continue;
        }
        if (auto v = value_of(static_cast<std::size_t>(it - all.begin()))) return std::pair{it->oid, std::move(*v)};
    }
    return std::nullopt;
}

Health SnmpService::health() const {
    if (!enabled_) return {true, "disabled"};
    std::string d;
    for (const auto& [name, l] : listeners_) d += (d.empty() ? "" : ", ") + std::string("udp://") + l.address + ":" + std::to_string(host_port_) + " (" + name + ")";
    if (listeners_.empty()) d = "no interface up";
    if (host_port_ != device_port_) d += ", device port " + std::to_string(device_port_) + " mapped (not root)";
    d += "; " + std::to_string(datagrams_) + " datagrams";
    if (!link_failure_.empty()) d += "; " + link_failure_;
    return {!listeners_.empty(), d};
}

}  // namespace fw
