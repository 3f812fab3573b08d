#include "services/snmp/snmp_agent.hpp"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "catalogue/catalogue.hpp"

namespace fw::snmp {

struct Agent::Session {
    netsnmp_session* session = nullptr;  // net-snmp's copy, in its session list
    Responder* responder = nullptr;      // null once closed: a request still queued is dropped
    int fd = -1;
};

namespace {

// Every net-snmp call of the process holds it (net-snmp keeps its sessions, registrations and
// parser state in globals).
std::mutex& library_mutex() {
    static std::mutex m;
    return m;
}

// net-snmp's log lines: none reaches stderr; the last one explains a failure to open a session.
std::string last_log;
int on_log(int, int, void* server_arg, void*) {
    const auto* m = static_cast<const snmp_log_message*>(server_arg);
    if (m && m->msg) last_log = m->msg;
    while (!last_log.empty() && (last_log.back() == '\n' || last_log.back() == ' ')) last_log.pop_back();
    return 0;
}

Oid name_of(const netsnmp_variable_list* vb) {
    Oid out;
    out.reserve(vb->name_length);
    for (std::size_t i = 0; i < vb->name_length; ++i)
        out.push_back(static_cast<std::uint32_t>(std::min<oid>(vb->name[i], std::numeric_limits<std::uint32_t>::max())));
    return out;
}

void set_value(netsnmp_variable_list* vb, const Value& v) {
    switch (v.type) {
        case Value::Type::integer32: snmp_set_var_typed_integer(vb, ASN_INTEGER, static_cast<long>(v.number)); break;
        case Value::Type::unsigned32: snmp_set_var_typed_integer(vb, ASN_GAUGE, static_cast<long>(v.number)); break;
        case Value::Type::timeticks: snmp_set_var_typed_integer(vb, ASN_TIMETICKS, static_cast<long>(v.number)); break;
        case Value::Type::octet_string: snmp_set_var_typed_value(vb, ASN_OCTET_STR, v.text.data(), v.text.size()); break;
        case Value::Type::object_id: {
            std::vector<oid> id(v.id.begin(), v.id.end());
            snmp_set_var_typed_value(vb, ASN_OBJECT_ID, id.data(), id.size() * sizeof(oid));
            break;
        }
    }
}

// The one MIB handler, registered for the system group and the enterprise subtree: the request's
// session says which service answers.
int handle(netsnmp_mib_handler*, netsnmp_handler_registration* reg, netsnmp_agent_request_info* info, netsnmp_request_info* requests) {
    auto* s = static_cast<Agent::Session*>(info->asp->session->myvoid);
    if (!s || !s->responder) return SNMP_ERR_GENERR;
    const Oid subtree(reg->rootoid, reg->rootoid + reg->rootoid_len);
    for (auto* r = requests; r; r = r->next) {
        if (r->processed) continue;
        auto* vb = r->requestvb;
        const Oid name = name_of(vb);
        if (info->mode == MODE_GET) {
            const auto got = s->responder->get(name);
            if (got.value)
                set_value(vb, *got.value);
            else
                netsnmp_set_request_error(info, r, got.object_known ? SNMP_NOSUCHINSTANCE : SNMP_NOSUCHOBJECT);
        } else if (info->mode == MODE_GETNEXT) {
            // Nothing after it here: the agent goes on to the next registration, or endOfMibView.
            if (const auto n = s->responder->next(name, subtree)) {
                const std::vector<oid> id(n->first.begin(), n->first.end());
                snmp_set_var_objid(vb, id.data(), id.size());
                set_value(vb, n->second);
            }
        }
    }
    return SNMP_ERR_NOERROR;
}

// After a request is parsed, before the agent sees it: only v1 and v2c with this session's own
// community go on; anything else is dropped without an answer. The community is the whole access
// control (read-only by the registrations), so VACM is bypassed for it.
int accept_request(netsnmp_session* ns, netsnmp_pdu* pdu, int result) {
    if (result != 0) return 0;
    auto* s = static_cast<Agent::Session*>(ns->myvoid);
    if (!s || !s->responder) return 0;
    if (pdu->version != SNMP_VERSION_1 && pdu->version != SNMP_VERSION_2c) return 0;
    const auto& c = s->responder->community();
    if (pdu->community_len != c.size() || std::memcmp(pdu->community, c.data(), c.size()) != 0) {
        snmp_increment_statistic(STAT_SNMPINBADCOMMUNITYNAMES);
        return 0;
    }
    pdu->flags |= UCD_MSG_FLAG_ALWAYS_IN_VIEW;
    return 1;
}

void register_subtree(const char* name, const Oid& root) {
    const std::vector<oid> id(root.begin(), root.end());
    auto* reg = netsnmp_create_handler_registration(name, handle, id.data(), id.size(), HANDLER_CAN_RONLY);
    if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) throw std::runtime_error(std::string("net-snmp: cannot register ") + name);
}

}  // namespace

Agent& Agent::instance() {
    static Agent a;
    return a;
}

void Agent::init(const std::string& persistent_dir) {
    if (initialised_) return;
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, nullptr);
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0);  // master, but no listener of its own
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_ROOT_ACCESS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);  // no /etc/snmp
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_V3, 1);
    // net-snmp still opens its persistent directory at start (its certificate index): the data dir's.
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persistent_dir.c_str());
    netsnmp_set_mib_directory("");  // the agent needs no MIB file; none is read
    init_agent("acurev");
    register_subtree("acurev-system", parse_oid("1.3.6.1.2.1.1"));
    register_subtree("acurev-enterprise", parse_oid(enterprise_oid));
    init_snmp("acurev");
    initialised_ = true;
}

std::shared_ptr<Agent::Session> Agent::open(const std::string& address, std::uint16_t port, Responder& responder, const std::string& persistent_dir) {
    std::lock_guard lock(library_mutex());
    init(persistent_dir);
    const std::string where = "udp:" + address + ":" + std::to_string(port);
    last_log.clear();
    errno = 0;
    netsnmp_transport* t = netsnmp_transport_open_server("snmp", where.c_str());
    if (!t) {
        const int e = errno;
        std::string why = e == EADDRINUSE ? "the port is already in use" : e ? std::strerror(e) : last_log.empty() ? "cannot open it" : last_log;
        throw std::runtime_error("cannot listen for SNMP on " + address + ":" + std::to_string(port) + ": " + why);
    }
    auto s = std::make_shared<Session>();
    s->responder = &responder;
    netsnmp_session config;
    snmp_sess_init(&config);
    config.version = SNMP_DEFAULT_VERSION;
    config.callback = handle_snmp_packet;
    config.isAuthoritative = SNMP_SESS_AUTHORITATIVE;
    config.myvoid = s.get();
    s->session = snmp_add(&config, t, nullptr, accept_request);
    if (!s->session) {
        throw std::runtime_error("cannot listen for SNMP on " + address + ":" + std::to_string(port) + ": net-snmp: " + last_log);
    }
    s->fd = t->sock;
    return s;
}

void Agent::read(Session& s) {
    std::lock_guard lock(library_mutex());
    if (!s.session) return;
    netsnmp_large_fd_set set;
    netsnmp_large_fd_set_init(&set, s.fd + 1);
    netsnmp_large_fd_setfd(s.fd, &set);
    snmp_read2(&set);  // only the sessions whose socket is in `set`: this one
    netsnmp_large_fd_set_cleanup(&set);
}

void Agent::close(Session& s) {
    std::lock_guard lock(library_mutex());
    if (!s.session) return;
    s.responder = nullptr;
    snmp_close(s.session);
    s.session = nullptr;
    s.fd = -1;
}

int Agent::descriptor(const Session& s) const { return s.fd; }

}  // namespace fw::snmp
