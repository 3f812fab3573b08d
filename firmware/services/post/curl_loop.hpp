#pragma once
// libcurl on the module's loop (ARCHITECTURE "Services"): the multi-socket API, its sockets
// watched by Asio and its timers on the hal scheduler — no thread of its own (URLs name numeric
// addresses or names resolved synchronously by the system, documented in docs/data-logs.md).
// Each transfer has a peer-time deadline of its own and counts as an exchange with a peer, so the
// rig does not move virtual time while a loopback server answers.
#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hal/hal.hpp"

namespace fw {

struct TransferResult {
    bool ok = false;
    long status = 0;       // HTTP status, FTP/SFTP reply code
    std::string error;     // curl's words, with its error buffer, or "no answer within N s"
    std::string response;  // the first 4 KiB of the reply body
};

class CurlLoop {
public:
    explicit CurlLoop(hal::Hal& hal);
    ~CurlLoop();  // ends every transfer (their `done` not called)
    CurlLoop(const CurlLoop&) = delete;
    CurlLoop& operator=(const CurlLoop&) = delete;

    // Takes `easy` (set up by the caller); `done` once it ends. `keep` (the bodies and header lists
    // the handle points at) lives until the handle is cleaned up. With `own_writer` the caller's
    // CURLOPT_WRITEFUNCTION takes the reply (a download); otherwise its first 4 KiB are kept.
    void start(CURL* easy, hal::Duration deadline, std::function<void(TransferResult)> done, std::shared_ptr<void> keep = {},
               bool own_writer = false);
    std::size_t in_flight() const { return transfers_.size(); }

private:
    struct Transfer;
    struct Watch;
    static int on_socket(CURL* easy, curl_socket_t s, int what, void* self, void* socketp);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    void arm(curl_socket_t s);
    void act(curl_socket_t s, int events);
    void finish_done();
    void end(CURL* easy, TransferResult r);

    hal::Hal& hal_;
    CURLM* multi_;
    std::map<curl_socket_t, std::shared_ptr<Watch>> watches_;
    std::map<CURL*, std::unique_ptr<Transfer>> transfers_;
    hal::TimerId timer_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fw
