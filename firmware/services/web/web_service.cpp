#include "services/web/web_service.hpp"
#include "update/update_service.hpp"

#include "services/web/web_assets.hpp"
#include "services/web/web_settings.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace {

std::uint16_t port_setting(const Settings& s, const char* key) { return static_cast<std::uint16_t>(s.running(key).get<std::int64_t>()); }

}  // namespace

WebService::WebService(ServiceContext& context)
    : context_(context), access_(context.hal.scheduler, context.hal.storage, context.hal.workers),
      live_(std::make_unique<LivePolls>(context.hub, context.hal.scheduler)),
      api_{context, access_, [this]() -> const TlsIdentity& { return identity_; }, [this](const TlsIdentity& id) { return replace_identity(id); },
           running_firmware_version(context.hal), "v1.01", live_.get()},
      router_(access_) {
    access_.set_session_timeout(std::chrono::minutes(context_.settings.number(web_settings::session_timeout)));
    const auto serial = context_.hal.system.identity().module_serial;
    identity_ = TlsIdentity::load_or_make(context_.hal.storage, serial, alt_names(), context_.hal.clock.utc(), note_);
    if (auto problem = HttpServer::check_identity(identity_)) {
        // A kept pair TLS cannot serve with must not keep HTTPS down: a new self-signed one replaces it.
        note_ = "the kept certificate was replaced by a new self-signed one: " + *problem;
        identity_ = TlsIdentity::make_self_signed(serial, alt_names(), context_.hal.clock.utc());
        identity_.save(context_.hal.storage);
    }
    add_reading_routes(router_, api_);
    add_management_routes(router_, api_);
    add_trend_routes(router_, api_);
    add_trend_management_routes(router_, api_);
    add_datalog_routes(router_, api_);
    add_sftp_routes(router_, api_);
    add_mqtt_routes(router_, api_);
    add_time_routes(router_, api_);
    add_bacnet_routes(router_, api_);
    add_update_routes(router_, api_);
    add_snmp_routes(router_, api_);
    add_config_routes(router_, api_);
}

WebService::~WebService() {
    stop();
    live_.reset();  // waiting answers dropped: their connections are closed
    api_.alive.reset();
}

std::vector<std::string> WebService::alt_names() const {
    std::vector<std::string> names{"localhost"};
    for (const auto& i : context_.hal.network.interfaces()) {
        if (!i.address.empty()) names.push_back(i.address);
        if (!i.listen_address.empty() && i.listen_address != i.address) names.push_back(i.listen_address);
    }
    return names;
}

void WebService::start() {
    auto& net = context_.hal.network;
    const auto handler = [this](const HttpRequest& r, HttpReply reply) { handle(r, std::move(reply)); };
    HttpServerOptions https;
    https.port = net.host_port(port_setting(context_.settings, web_settings::https_port));
    https.tls = identity_;
    // A firmware package is held whole by the server before the update engine streams it into the
    // slot (docs/update.md): 64 MiB at most.
    https.upload_paths = {{"/api/v1/certificate", 1024 * 1024}, {"/api/v1/firmware/upload", 64 * 1024 * 1024}};
    https_ = std::make_unique<HttpServer>(context_.hal.io, context_.hal.scheduler, net, https, handler);
    https_->start();
    if (context_.settings.running(web_settings::http_enable).get<bool>()) {
        HttpServerOptions http = https;
        http.tls.reset();
        http.port = net.host_port(port_setting(context_.settings, web_settings::http_port));
        http_ = std::make_unique<HttpServer>(context_.hal.io, context_.hal.scheduler, net, http, handler);
        try {
            http_->start();
        } catch (...) {
            https_->stop();
            throw;
        }
    }
}

void WebService::stop() {
    if (https_) https_->stop();
    if (http_) http_->stop();
}

Health WebService::health() const {
    if (!https_ || !https_->listening()) return {false, "not listening"};
    std::string d;
    for (const auto& u : urls()) d += (d.empty() ? "" : " ") + u;
    const auto device_port = port_setting(context_.settings, web_settings::https_port);
    if (https_->port() != device_port) d += " (device port " + std::to_string(device_port) + " mapped, not root)";
    const auto& st = https_->stats();
    // The URLs stand alone, each followed by a space: people and scripts take them from the endpoint table.
    d += " (" + std::to_string(https_->open_connections()) + " clients, " + std::to_string(st.requests) + " requests, " +
         std::to_string(st.timeouts) + " timed out, " + std::to_string(st.bad_requests) + " refused, " + std::to_string(st.handshake_failures) +
         " failed handshakes)";
    if (!note_.empty()) d += "; " + note_;
    return {true, d};
}

std::vector<std::string> WebService::urls() const {
    std::vector<std::string> out;
    if (https_) out = https_->urls();
    if (http_)
        for (const auto& u : http_->urls()) out.push_back(u);
    return out;
}

Reconfigured WebService::reconfigure(const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
        if (k == web_settings::session_timeout)
            access_.set_session_timeout(std::chrono::minutes(context_.settings.number(k)));
        else
            return Reconfigured::reboot_module;  // the ports: web manual 7.1, pending until the reboot
    }
    return Reconfigured::live;
}

std::optional<std::string> WebService::replace_identity(const TlsIdentity& id) {
    if (auto problem = TlsIdentity::check(id.certificate_pem, id.private_key_pem, context_.hal.clock.utc())) return problem;
    if (auto problem = HttpServer::check_identity(id)) return problem;
    try {
        id.save(context_.hal.storage);
    } catch (const hal::StorageError& e) {
        try {
            identity_.save(context_.hal.storage);  // the key may have been written: put the old pair back
        } catch (const hal::StorageError&) {
            return std::string("the certificate could not be saved (") + e.what() +
                   "); the old one is served until the next boot, which makes a new self-signed one";
        }
        return std::string("the certificate could not be saved, the old one stays: ") + e.what();
    }
    identity_ = id;
    if (https_) https_->set_identity(id);
    note_.clear();
    return std::nullopt;
}

void WebService::handle(const HttpRequest& request, HttpReply reply) {
    if (request.path.rfind("/api/", 0) == 0) return router_.dispatch(request, std::move(reply));
    if (request.method != "GET" && request.method != "HEAD") return reply(HttpResponse::error(405, "the pages are read with GET"));
    const std::string name = request.path == "/" ? "index.html" : request.path.substr(1);
    for (const auto& a : web_assets())
        if (a.name == name) {
            HttpResponse r;
            r.content_type = std::string(a.content_type);
            r.body = std::string(a.data);
            r.headers.emplace_back("Cache-Control", "no-cache");
            return reply(r);
        }
    reply(HttpResponse::error(404, "no such page"));
}

}  // namespace fw
