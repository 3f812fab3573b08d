#pragma once
// The web service (web manual chapter 6; docs/api.md): HTTPS, and plain HTTP when enabled, serving
// the embedded pages and the JSON API under /api/v1, with the two access levels.
#include <memory>
#include <string>
#include <vector>

#include "services/service.hpp"
#include "services/web/access_control.hpp"
#include "services/web/http_server.hpp"
#include "services/web/live_polls.hpp"
#include "services/web/router.hpp"
#include "services/web/tls_identity.hpp"
#include "services/web/web_api.hpp"

namespace fw {

class WebService final : public Service {
public:
    explicit WebService(ServiceContext& context);
    ~WebService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>& keys) override;
    std::vector<std::string> urls() const;

private:
    void handle(const HttpRequest& request, HttpReply reply);
    std::optional<std::string> replace_identity(const TlsIdentity& id);
    std::vector<std::string> alt_names() const;

    ServiceContext& context_;
    AccessControl access_;
    TlsIdentity identity_;
    std::string note_;  // said in health (a kept certificate replaced at boot)
    std::unique_ptr<LivePolls> live_;
    WebApi api_;
    Router router_;
    std::unique_ptr<HttpServer> https_, http_;
};

}  // namespace fw
