#include "services/post/post_service.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "catalogue/catalogue.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"
#include "services/datalog/log_format.hpp"
#include "services/post/post_queue.hpp"
#include "services/post/post_settings.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace ps = post_settings;

namespace post_queue {

std::string entry(std::int64_t period_start, int logger, const std::string& remote_name) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%012lld-L%d-", static_cast<long long>(period_start), logger);
    return buf + remote_name;
}

std::string remote_name(const std::string& entry) {
    const auto dash = entry.find('-', entry.find('-') + 1);
    return dash == std::string::npos ? entry : entry.substr(dash + 1);
}

}  // namespace post_queue

namespace {

constexpr auto first_backoff = std::chrono::seconds(30);
constexpr auto longest_backoff = std::chrono::minutes(30);
constexpr auto transfer_deadline = std::chrono::seconds(60);

const char* method_name(std::int64_t m) { return m == ps::ftp ? "FTP" : m == ps::sftp ? "SFTP" : "HTTP/HTTPS"; }

struct Upload {
    std::shared_ptr<std::string> body;
    std::size_t at = 0;
};

std::size_t read_body(char* out, std::size_t size, std::size_t n, void* p) {
    auto* u = static_cast<Upload*>(p);
    const std::size_t len = std::min(size * n, u->body->size() - u->at);
    std::memcpy(out, u->body->data() + u->at, len);
    u->at += len;
    return len;
}

// SFTP host keys: the first seen is kept (post-known-hosts in the data directory), a changed one refused.
int known_host(CURL*, const curl_khkey*, const curl_khkey*, enum curl_khmatch match, void*) {
    return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : match == CURLKHMATCH_MISSING ? CURLKHSTAT_FINE_ADD_TO_FILE : CURLKHSTAT_REJECT;
}

// The directory part of a URL's path ("sftp://h/up/x" → "/up/x"); "" for none.
std::string url_path(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash == std::string::npos) return "";
    std::string p = url.substr(slash);
    while (!p.empty() && p.back() == '/') p.pop_back();
    return p;
}

std::string base_url(const std::string& url) {
    std::string u = url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
}

}  // namespace

PostService::PostService(ServiceContext& context) : context_(context) {}

PostService::~PostService() {
    stop();
    *alive_ = false;
}

void PostService::start() {
    curl_ = std::make_unique<CurlLoop>(context_.hal);
    channels_.clear();
    for (int c = 1; c <= ps::channels; ++c) {
        Channel ch;
        ch.n = c;
        ch.enabled = context_.settings.running(ps::key(c, "enable")).get<bool>();
        ch.method = context_.settings.running(ps::key(c, "method")).get<std::int64_t>();
        channels_.push_back(ch);
    }
    cloud_.n = acucloud;
    cloud_.enabled = context_.settings.running("acucloud.enable").get<bool>();
    cloud_.method = ps::http;
    if (cloud_.enabled) {
        // The five minutes running at boot may have had their post before it.
        cloud_last_ = std::chrono::duration_cast<std::chrono::seconds>(context_.hal.clock.utc()).count() / acucloud_every_s;
        subscription_ = context_.hub.subscribe(DataGroup::realtime, [this](const Snapshot&) { on_realtime(); });
    }
    enforce_cap();
    for (auto& ch : channels_) send_next(ch);
    send_next(cloud_);
}

std::string PostService::folder(int n) const { return n == acucloud ? "acucloud" : post_queue::folder(n); }

// AcuCloud (7.7): every five minutes of the device's date, the module's real-time, energy and demand
// values in the JSON log body, queued like a post file (kept while AcuCloud is unreachable).
void PostService::on_realtime() {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(context_.hal.clock.utc()).count();
    const std::int64_t slot = now / acucloud_every_s;
    if (slot <= cloud_last_) return;
    cloud_last_ = slot;
    const std::int64_t t = slot * acucloud_every_s;
    const hal::Time at = context_.hal.scheduler.now();
    const std::string serial = context_.hal.system.identity().module_serial;
    nlohmann::json doc{{"device_name", serial}, {"device_model", "AcuRev 2100-WEB2"}, {"timestamp", {std::to_string(t)}}, {"online", true}, {"readings", nlohmann::json::array()}};
    bool any = false;
    for (const auto& p : Catalogue::instance().all()) {
        if (!(p.groups & (group_realtime | group_energy | group_demand))) continue;
        const Reading r = context_.model.reading(p, at);
        if (r.quality != Quality::fresh) continue;  // what is not known is not sent
        doc["readings"].push_back({{"param", p.key}, {"value", {log_format::number(r.value)}}});
        any = true;
    }
    doc["online"] = any;
    try {
        context_.hal.storage.write_atomic(folder(acucloud) + "/" + post_queue::entry(t, 0, serial + "-" + std::to_string(t) + ".json"), doc.dump());
    } catch (const hal::StorageError& e) {
        cloud_.last_error = e.what();
        return;
    }
    poke(acucloud);
}

void PostService::stop() {
    if (subscription_) context_.hub.unsubscribe(subscription_);
    subscription_ = 0;
    if (cloud_.retry) context_.hal.scheduler.cancel(cloud_.retry);
    cloud_.retry = 0;
    cloud_.sending = false;
    for (auto& ch : channels_)
        if (ch.retry) context_.hal.scheduler.cancel(ch.retry);
    curl_.reset();  // transfers in flight end unfinished: their files stay queued
    for (auto& ch : channels_) {
        ch.sending = false;
        ch.retry = 0;
    }
}

Health PostService::health() const {
    std::string d;
    for (const auto& s : status()) {
        if (!s.enabled) continue;
        d += (d.empty() ? "" : "; ") + std::string("channel ") + std::to_string(s.channel) + " " + s.method + ": " + std::to_string(s.sent) + " sent, " +
             std::to_string(s.queued) + " queued";
        if (!s.last_error.empty()) d += ", last failure: " + s.last_error;
    }
    if (dropped_) d += (d.empty() ? "" : "; ") + std::to_string(dropped_) + " queued files dropped at the cache limit (last " + dropped_last_ + ")";
    return {true, d.empty() ? "no post channel enabled" : d};
}

std::vector<PostService::ChannelStatus> PostService::status() const {
    std::vector<ChannelStatus> out;
    std::vector<const Channel*> all{&cloud_};
    for (const auto& ch : channels_) all.push_back(&ch);
    for (const auto* c : all) {
        const Channel& ch = *c;
        ChannelStatus s;
        s.channel = ch.n;
        s.enabled = ch.enabled;
        s.method = ch.n == acucloud ? "AcuCloud" : method_name(ch.method);
        for (const auto& f : context_.hal.storage.list(folder(ch.n))) {
            ++s.queued;
            s.queued_bytes += context_.hal.storage.size(folder(ch.n) + "/" + f).value_or(0);
        }
        s.sent = ch.sent;
        s.failures = ch.failures;
        s.dropped = dropped_;
        s.last_error = ch.last_error;
        s.sending = ch.sending;
        out.push_back(s);
    }
    return out;
}

void PostService::poke(int channel) {
    enforce_cap();
    if (channel >= acucloud && channel <= static_cast<int>(channels_.size())) {
        auto& ch = this->channel(channel);
        if (!ch.retry) send_next(ch);  // a channel waiting out its back-off keeps waiting
    }
}

void PostService::clear() {
    for (int n = acucloud; n <= ps::channels; ++n)
        for (const auto& f : context_.hal.storage.list(folder(n))) context_.hal.storage.remove(folder(n) + "/" + f);
}

void PostService::enforce_cap() {
    const std::uint64_t cap = static_cast<std::uint64_t>(context_.settings.number("post.cache_limit_mb")) * 1024 * 1024;
    struct Entry {
        std::string name, path;
        std::uint64_t size;
    };
    std::vector<Entry> all;
    std::uint64_t total = 0;
    for (int c = acucloud; c <= ps::channels; ++c)
        for (const auto& f : context_.hal.storage.list(folder(c))) {
            const auto path = folder(c) + "/" + f;
            const auto size = context_.hal.storage.size(path).value_or(0);
            all.push_back({f, path, size});
            total += size;
        }
    std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    std::vector<std::string> gone;
    for (const auto& e : all) {
        if (total <= cap) break;
        context_.hal.storage.remove(e.path);
        total -= e.size;
        ++dropped_;
        dropped_last_ = e.path;
        gone.push_back(e.path);
    }
    if (!gone.empty())
        context_.events.add("post", "Post cache full (" + std::to_string(cap / (1024 * 1024)) + " MB): the oldest queued file" +
                                        (gone.size() > 1 ? "s " + gone.front() + " to " + gone.back() + " (" + std::to_string(gone.size()) + ")" : " " + gone.front()) +
                                        " deleted, never sent");
}

std::pair<CURL*, std::shared_ptr<void>> PostService::transfer(const Channel& ch, const std::string& remote, const std::string& post_id,
                                                              std::shared_ptr<std::string> body, bool json_body) {
    const auto& s = context_.settings;
    auto text = [&](const char* f) { return s.running(ps::key(ch.n, f)).get<std::string>(); };
    auto number = [&](const char* f) { return s.running(ps::key(ch.n, f)).get<long>(); };
    CURL* easy = curl_easy_init();
    if (!easy) throw std::runtime_error("libcurl: cannot start a transfer");
    const auto data_dir = context_.hal.storage.data_dir();
    auto upload = std::make_shared<Upload>(Upload{std::move(body), 0});
    // The upload's state lives as long as the transfer: kept by the header list's owner below.
    struct Owned {
        std::shared_ptr<Upload> upload;
        curl_slist* headers = nullptr;
        curl_slist* quote = nullptr;
        ~Owned() {
            curl_slist_free_all(headers);
            curl_slist_free_all(quote);
        }
    };
    auto owned = std::make_shared<Owned>();
    owned->upload = upload;
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &read_body);
    curl_easy_setopt(easy, CURLOPT_READDATA, upload.get());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 60L);
    if (ch.n == acucloud) {
        curl_easy_setopt(easy, CURLOPT_URL, s.running("acucloud.url").get<std::string>().c_str());
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(upload->body->size()));
        owned->headers = curl_slist_append(owned->headers, "Content-Type: application/json");
        owned->headers = curl_slist_append(owned->headers, ("X-Post-Id: " + post_id).c_str());
        owned->headers = curl_slist_append(owned->headers, "Expect:");
        owned->headers = curl_slist_append(owned->headers, ("Authorization: Bearer " + s.running("acucloud.token").get<std::string>()).c_str());
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, owned->headers);
        const auto ca = data_dir / "post-ca.pem";
        if (std::filesystem::exists(ca)) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
    } else if (ch.method == ps::http) {
        curl_easy_setopt(easy, CURLOPT_URL, text("http_url").c_str());
        curl_easy_setopt(easy, CURLOPT_PORT, number("http_port"));
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(upload->body->size()));
        owned->headers = curl_slist_append(owned->headers, json_body ? "Content-Type: application/json" : "Content-Type: text/csv");
        owned->headers = curl_slist_append(owned->headers, ("X-Meter-ID: " + text("meter_id")).c_str());
        owned->headers = curl_slist_append(owned->headers, ("X-File-Name: " + remote).c_str());
        owned->headers = curl_slist_append(owned->headers, ("X-Post-Id: " + post_id).c_str());
        owned->headers = curl_slist_append(owned->headers, "Expect:");
        if (number("http_auth") == ps::basic) {
            curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
            curl_easy_setopt(easy, CURLOPT_USERNAME, text("http_user").c_str());
            curl_easy_setopt(easy, CURLOPT_PASSWORD, text("http_password").c_str());
        } else if (!text("http_token").empty()) {
            owned->headers = curl_slist_append(owned->headers, ("Authorization: Bearer " + text("http_token")).c_str());
        }
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, owned->headers);
        const auto ca = data_dir / "post-ca.pem";  // servers signed by a private CA (documented)
        if (std::filesystem::exists(ca)) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
    } else {
        const bool ftp = ch.method == ps::ftp;
        const std::string url = base_url(text(ftp ? "ftp_url" : "sftp_url"));
        const std::string part = "." + remote + ".part";
        curl_easy_setopt(easy, CURLOPT_URL, (url + "/" + part).c_str());
        curl_easy_setopt(easy, CURLOPT_PORT, number(ftp ? "ftp_port" : "sftp_port"));
        curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload->body->size()));
        curl_easy_setopt(easy, CURLOPT_USERNAME, text(ftp ? "ftp_user" : "sftp_user").c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, text(ftp ? "ftp_password" : "sftp_password").c_str());
        if (ftp) {
            owned->quote = curl_slist_append(owned->quote, ("RNFR " + part).c_str());
            owned->quote = curl_slist_append(owned->quote, ("RNTO " + remote).c_str());
        } else {
            const std::string dir = url_path(url);
            owned->quote = curl_slist_append(owned->quote, ("*rm \"" + dir + "/" + remote + "\"").c_str());
            owned->quote = curl_slist_append(owned->quote, ("rename \"" + dir + "/" + part + "\" \"" + dir + "/" + remote + "\"").c_str());
            curl_easy_setopt(easy, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PASSWORD));
            curl_easy_setopt(easy, CURLOPT_SSH_KNOWNHOSTS, (data_dir / "post-known-hosts").c_str());
            curl_easy_setopt(easy, CURLOPT_SSH_KEYFUNCTION, &known_host);
        }
        curl_easy_setopt(easy, CURLOPT_POSTQUOTE, owned->quote);
    }
    return {easy, owned};
}

void PostService::send_next(Channel& ch) {
    if (!ch.enabled || ch.sending || !curl_) return;
    const auto dir = folder(ch.n);
    const auto queued = context_.hal.storage.list(dir);
    if (queued.empty()) return;
    const std::string entry = queued.front();
    const auto content = context_.hal.storage.read(dir + "/" + entry);
    if (!content) return;
    const std::string remote = post_queue::remote_name(entry);
    const bool json_body = remote.size() > 5 && remote.ends_with(".json");
    std::pair<CURL*, std::shared_ptr<void>> t;
    try {
        t = transfer(ch, remote, entry, std::make_shared<std::string>(*content), json_body);
    } catch (const std::exception& e) {
        ch.last_error = e.what();
        return;
    }
    ch.sending = true;
    std::weak_ptr<bool> alive = alive_;
    const int n = ch.n;
    curl_->start(t.first, transfer_deadline, [this, alive, n, entry](TransferResult r) {
        if (alive.expired()) return;
        auto& c = channel(n);
        c.sending = false;
        const bool ok = r.ok && (c.method != ps::http || (r.status >= 200 && r.status < 300));
        if (ok) {
            context_.hal.storage.remove(folder(n) + "/" + entry);  // taken by the server: it leaves the queue
            ++c.sent;
            c.last_error.clear();
            c.backoff = {};
            send_next(c);
            return;
        }
        ++c.failures;
        c.last_error = r.ok ? "the server answered " + std::to_string(r.status) : r.error;
        c.backoff = c.backoff.count() == 0 ? hal::Duration(first_backoff) : std::min<hal::Duration>(c.backoff * 2, longest_backoff);
        c.retry = context_.hal.scheduler.after(c.backoff, [this, alive, n] {
            if (alive.expired()) return;
            auto& again = channel(n);
            again.retry = 0;
            send_next(again);
        });
    }, t.second);
}

void PostService::test(int channel, std::function<void(TransferResult)> done) {
    if (channel < acucloud || channel > static_cast<int>(channels_.size()) || !curl_) {
        TransferResult r;
        r.error = "no post channel " + std::to_string(channel);
        return done(r);
    }
    const auto& ch = this->channel(channel);
    if (!ch.enabled) {
        TransferResult r;
        r.error = (channel == acucloud ? std::string("AcuCloud") : "Post Channel " + std::to_string(channel)) +
                  " is not enabled (or not yet: its settings apply after the reboot)";
        return done(r);
    }
    const std::string serial = context_.hal.system.identity().module_serial;
    const std::string name = serial + "-test.csv";
    const std::string body = channel == acucloud ? nlohmann::json{{"device_name", serial}, {"device_model", "AcuRev 2100-WEB2"}, {"test", true}}.dump() : "Time\n";
    auto t = transfer(ch, name, "test", std::make_shared<std::string>(body), false);
    const bool http = ch.method == ps::http;
    curl_->start(t.first, transfer_deadline, [done, http](TransferResult r) {
        if (r.ok && http && (r.status < 200 || r.status >= 300)) {
            r.ok = false;
            r.error = "the server answered " + std::to_string(r.status);
        }
        done(std::move(r));
    }, t.second);
}

}  // namespace fw
