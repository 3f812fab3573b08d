#include "linux/linux_platform.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <unistd.h>

#include <stdexcept>

namespace hal::linux_backend {

std::vector<NetInterfaceState> LinuxNetwork::interfaces() const {
    std::vector<NetInterfaceState> out;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return out;
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
        NetInterfaceState s;
        s.name = i->ifa_name;
        char buf[INET_ADDRSTRLEN];
        const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
        if (::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf)) s.address = buf;
        if (i->ifa_netmask) {
            const auto* m = reinterpret_cast<const sockaddr_in*>(i->ifa_netmask);
            if (::inet_ntop(AF_INET, &m->sin_addr, buf, sizeof buf)) s.netmask = buf;
        }
        s.link_up = (i->ifa_flags & IFF_RUNNING) != 0;
        out.push_back(s);
    }
    ::freeifaddrs(list);
    // The module's services listen on the bind address; it stands for eth1 until the
    // hardware backend maps the unit's own interfaces.
    NetInterfaceState services;
    services.name = "eth1";
    services.address = bind_address_;
    services.link_up = true;
    services.listen_address = bind_address_;
    out.insert(out.begin(), services);
    return out;
}

NetInterfaceState LinuxNetwork::interface(const std::string& name) const {
    for (const auto& i : interfaces())
        if (i.name == name) return i;
    throw std::invalid_argument("no network interface '" + name + "' with an IPv4 address");
}

std::uint16_t LinuxNetwork::host_port(std::uint16_t device_port) const {
    return host_port_for(device_port, ::geteuid() == 0);
}

void LinuxSystem::request_reboot(const std::string& reason) {
    // The process supervisor restarts the firmware; the handler stops the loop cleanly first.
    if (handler_) handler_(reason);
}

}  // namespace hal::linux_backend
