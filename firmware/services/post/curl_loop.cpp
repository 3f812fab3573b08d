#include "services/post/curl_loop.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace fw {

struct CurlLoop::Transfer {
    std::function<void(TransferResult)> done;
    hal::TimerId deadline = 0;
    char error[CURL_ERROR_SIZE] = {};
    std::string response;
    std::shared_ptr<void> keep;
};

struct CurlLoop::Watch {
    explicit Watch(boost::asio::io_context& io, curl_socket_t s) : d(io) { d.assign(s); }
    ~Watch() {
        boost::system::error_code ec;
        d.cancel(ec);
        d.release();  // curl closes its own sockets
    }
    boost::asio::posix::stream_descriptor d;
    int what = CURL_POLL_NONE;
    bool reading = false, writing = false;
};

namespace {
std::size_t keep_response(char* data, std::size_t size, std::size_t n, void* out) {
    auto* s = static_cast<std::string*>(out);
    const std::size_t bytes = size * n;
    if (s->size() < 4096) s->append(data, std::min(bytes, 4096 - s->size()));
    return bytes;
}
}  // namespace

CurlLoop::CurlLoop(hal::Hal& hal) : hal_(hal), multi_(curl_multi_init()) {
    if (!multi_) throw std::runtime_error("libcurl: cannot start a multi handle");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlLoop::~CurlLoop() {
    *alive_ = false;
    if (timer_) hal_.scheduler.cancel(timer_);
    for (auto& [easy, t] : transfers_) {
        if (t->deadline) hal_.scheduler.cancel(t->deadline);
        curl_multi_remove_handle(multi_, easy);
        curl_easy_cleanup(easy);
        hal_.scheduler.end_exchange();
    }
    transfers_.clear();
    watches_.clear();
    curl_multi_cleanup(multi_);
}

void CurlLoop::start(CURL* easy, hal::Duration deadline, std::function<void(TransferResult)> done, std::shared_ptr<void> keep, bool own_writer) {
    auto t = std::make_unique<Transfer>();
    t->done = std::move(done);
    t->keep = std::move(keep);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
    if (!own_writer) {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &keep_response);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t->response);
    }
    std::weak_ptr<bool> alive = alive_;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(deadline).count();
    t->deadline = hal_.scheduler.after(hal_.scheduler.peer_time(deadline), [this, alive, easy, seconds] {
        if (alive.expired() || !transfers_.contains(easy)) return;
        transfers_[easy]->deadline = 0;
        TransferResult r;
        r.error = "no answer within " + std::to_string(seconds) + " s";
        end(easy, std::move(r));
    });
    transfers_.emplace(easy, std::move(t));
    hal_.scheduler.begin_exchange();
    if (const CURLMcode rc = curl_multi_add_handle(multi_, easy); rc != CURLM_OK) {
        TransferResult r;
        r.error = curl_multi_strerror(rc);
        end(easy, std::move(r));
    }
}

int CurlLoop::on_socket(CURL*, curl_socket_t s, int what, void* self, void*) {
    auto* loop = static_cast<CurlLoop*>(self);
    if (what == CURL_POLL_REMOVE) {
        loop->watches_.erase(s);
        return 0;
    }
    auto& w = loop->watches_[s];
    if (!w) w = std::make_shared<Watch>(loop->hal_.io, s);
    w->what = what;
    loop->arm(s);
    return 0;
}

int CurlLoop::on_timer(CURLM*, long timeout_ms, void* self) {
    auto* loop = static_cast<CurlLoop*>(self);
    if (loop->timer_) loop->hal_.scheduler.cancel(loop->timer_);
    loop->timer_ = 0;
    if (timeout_ms < 0) return 0;
    std::weak_ptr<bool> alive = loop->alive_;
    if (timeout_ms == 0) {  // "act now": on the loop's next turn, taking no time
        boost::asio::post(loop->hal_.io, [loop, alive] {
            if (!alive.expired()) loop->act(CURL_SOCKET_TIMEOUT, 0);
        });
        return 0;
    }
    // curl counts its own time; on the scheduler it runs no sooner, and the rig holds virtual time
    // while transfers are in flight.
    loop->timer_ = loop->hal_.scheduler.after(std::chrono::milliseconds(timeout_ms), [loop, alive] {
        if (alive.expired()) return;
        loop->timer_ = 0;
        loop->act(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
}

void CurlLoop::arm(curl_socket_t s) {
    auto it = watches_.find(s);
    if (it == watches_.end()) return;
    auto w = it->second;
    std::weak_ptr<Watch> weak = w;
    if ((w->what & CURL_POLL_IN) && !w->reading) {
        w->reading = true;
        w->d.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this, weak, s](const boost::system::error_code& ec) {
            auto live = weak.lock();
            if (!live) return;
            live->reading = false;
            if (ec) return;
            act(s, CURL_CSELECT_IN);
            arm(s);
        });
    }
    if ((w->what & CURL_POLL_OUT) && !w->writing) {
        w->writing = true;
        w->d.async_wait(boost::asio::posix::stream_descriptor::wait_write, [this, weak, s](const boost::system::error_code& ec) {
            auto live = weak.lock();
            if (!live) return;
            live->writing = false;
            if (ec) return;
            act(s, CURL_CSELECT_OUT);
            arm(s);
        });
    }
}

void CurlLoop::act(curl_socket_t s, int events) {
    int running = 0;
    curl_multi_socket_action(multi_, s, events, &running);
    finish_done();
}

void CurlLoop::finish_done() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL* easy = m->easy_handle;
        const CURLcode code = m->data.result;
        auto it = transfers_.find(easy);
        if (it == transfers_.end()) continue;
        TransferResult r;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
        r.response = it->second->response;
        if (code == CURLE_OK) {
            r.ok = true;
        } else {
            r.error = curl_easy_strerror(code);
            if (it->second->error[0]) r.error += std::string(": ") + it->second->error;
        }
        end(easy, std::move(r));
    }
}

void CurlLoop::end(CURL* easy, TransferResult r) {
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) return;
    auto t = std::move(it->second);
    transfers_.erase(it);
    if (t->deadline) hal_.scheduler.cancel(t->deadline);
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
    hal_.scheduler.end_exchange();
    if (t->done) t->done(std::move(r));
}

}  // namespace fw
