#pragma once
// The API's routes in one table: method, path pattern, access level and handler. Dispatch checks
// access for every route in one place (log in, the role, CSRF), so no endpoint can skip it; a
// state-changing route must be Admin unless it is the login or logout itself.
#include <functional>
#include <string>
#include <vector>

#include "services/web/access_control.hpp"
#include "services/web/http_types.hpp"

namespace fw {

enum class Access { open, user, admin };  // open: no login (the login itself, the certificate)
const char* to_string(Access a);

struct ApiCall {
    const HttpRequest& request;
    Session session;                  // empty token for an open route
    std::vector<std::string> params;  // the `{...}` segments of the pattern, in order
    nlohmann::json body;              // the parsed JSON body of a POST or PUT (null when empty)
};
using ApiHandler = std::function<void(const ApiCall&, HttpReply)>;

struct Route {
    std::string method;   // "GET", "POST", "PUT", "DELETE"
    std::string pattern;  // "/api/v1/readings/channels/{n}"
    std::string example;  // a path that matches, for the route list and the tests
    Access access = Access::user;
    ApiHandler handler;
    bool raw_body = false;  // the body is handed over as sent (a firmware package), not parsed as JSON
};

class Router {
public:
    static constexpr const char* cookie_name = "acurev_session";
    explicit Router(AccessControl& access) : access_(access) {}
    // Throws std::logic_error for a state-changing route that is not Admin (but the session's own).
    void add(Route r);
    void dispatch(const HttpRequest& request, HttpReply reply);
    const std::vector<Route>& routes() const { return routes_; }

private:
    AccessControl& access_;
    std::vector<Route> routes_;
    std::vector<std::vector<std::string>> patterns_;  // each route's pattern, split at '/'
};

}  // namespace fw
