#include "services/web/router.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/crypto.h>

#include "settings/json_input.hpp"

namespace fw {

const char* to_string(Access a) {
    switch (a) {
        case Access::open: return "public";
        case Access::user: return "user";
        case Access::admin: return "admin";
    }
    return "?";
}

namespace {

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string::npos) end = path.size();
        out.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

bool match(const std::vector<std::string>& p, const std::vector<std::string>& s, std::vector<std::string>& params) {
    if (p.size() != s.size()) return false;
    params.clear();
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
            if (s[i].empty()) return false;
            params.push_back(s[i]);
        } else if (p[i] != s[i]) {
            return false;
        }
    }
    return true;
}

bool state_changing(const std::string& method) { return method != "GET" && method != "HEAD"; }

bool same(const std::string& a, const std::string& b) { return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace

void Router::add(Route r) {
    const bool own_session = r.pattern == "/api/v1/session";
    if (state_changing(r.method) && r.access != Access::admin && !own_session)
        throw std::logic_error("route " + r.method + " " + r.pattern + " changes state and must be Admin");
    std::vector<std::string> unused;
    auto pattern = segments(r.pattern);
    if (!match(pattern, segments(r.example), unused)) throw std::logic_error("route example " + r.example + " does not match " + r.pattern);
    patterns_.push_back(std::move(pattern));
    routes_.push_back(std::move(r));
}

void Router::dispatch(const HttpRequest& request, HttpReply reply) {
    const Route* found = nullptr;
    bool path_known = false;
    std::vector<std::string> params;
    const auto path = segments(request.path);
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const auto& r = routes_[i];
        std::vector<std::string> p;
        if (!match(patterns_[i], path, p)) continue;
        path_known = true;
        // The route with the fewest parameters wins: /api/v1/trend/file before /api/v1/trend/{kind}.
        if ((r.method == request.method || (request.method == "HEAD" && r.method == "GET")) && (!found || p.size() < params.size())) {
            found = &r;
            params = std::move(p);
        }
    }
    if (!found) return reply(HttpResponse::error(path_known ? 405 : 404, path_known ? "method not allowed here" : "no such endpoint"));

    Session session;
    if (found->access != Access::open) {
        const std::string bearer_prefix = "Bearer ";
        const std::string authorization = request.header("authorization");
        const bool bearer = authorization.rfind(bearer_prefix, 0) == 0;
        const std::string token = bearer ? authorization.substr(bearer_prefix.size()) : request.cookie(cookie_name);
        auto s = access_.authenticate(token);
        if (!s) return reply(HttpResponse::error(401, token.empty() ? "log in first" : "the session has ended; log in again"));
        // A browser sends the cookie by itself: a state-changing request made with it must prove
        // it comes from our pages (CSRF). A bearer token is never sent by itself.
        if (!bearer && state_changing(request.method) && (s->csrf.empty() || !same(request.header("x-csrf-token"), s->csrf)))
            return reply(HttpResponse::error(403, "CSRF token missing or wrong (send X-CSRF-Token)"));
        if (found->access == Access::admin && s->level != AccessLevel::admin) return reply(HttpResponse::error(403, "Admin access required"));
        session = *s;
    }
    nlohmann::json body;
    if ((request.method == "POST" || request.method == "PUT") && !request.body.empty() && !found->raw_body) {
        try {
            body = parse_json_input(request.body, "the request body", JsonInputLimits{1 << 20, 16});
        } catch (const JsonInputError& e) {
            return reply(HttpResponse::error(400, e.what()));
        }
    }
    // A handler that throws answers 500 (the message names what failed) and the server keeps serving.
    auto shared_reply = std::make_shared<HttpReply>(std::move(reply));
    try {
        found->handler(ApiCall{request, session, params, std::move(body)}, [shared_reply](HttpResponse r) { (*shared_reply)(std::move(r)); });
    } catch (const std::exception& e) {
        (*shared_reply)(HttpResponse::error(500, std::string("internal error: ") + e.what()));
    }
}

}  // namespace fw
