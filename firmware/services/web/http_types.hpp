#pragma once
// A request and its response as the web service's router and API see them: plain data, so only
// http_server.cpp includes Beast and Asio's TLS (each such file takes long to compile).
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fw {

struct HttpRequest {
    std::string method;                         // "GET"
    std::string path;                           // "/api/v1/readings", percent-decoded
    std::map<std::string, std::string> query;   // decoded
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string client_address;  // the peer's IP address
    std::string interface;       // the module's interface it came in on
    bool secure = false;         // over TLS

    std::string header(const std::string& lower_case_name) const;
    std::string cookie(const std::string& name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpResponse json(int status, const nlohmann::json& body);
    static HttpResponse error(int status, const std::string& message);
};

using HttpReply = std::function<void(HttpResponse)>;
// May answer at once or later (after the board acknowledged a write); exactly once.
using HttpHandler = std::function<void(const HttpRequest&, HttpReply)>;

// "%2F" and "+" decoded; false for a malformed escape.
bool url_decode(const std::string& in, std::string& out, bool plus_is_space);

}  // namespace fw
