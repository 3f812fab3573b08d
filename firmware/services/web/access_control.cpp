#include "services/web/access_control.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace fw {

using nlohmann::json;

const char* to_string(AccessLevel l) { return l == AccessLevel::admin ? "admin" : "user"; }

std::optional<AccessLevel> access_level_from(const std::string& s) {
    if (s == "admin") return AccessLevel::admin;
    if (s == "user") return AccessLevel::user;
    return std::nullopt;
}

namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::vector<unsigned char> from_hex(const std::string& s) {
    std::vector<unsigned char> out;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    if (s.size() % 2) throw std::runtime_error("a hash in " + std::string(AccessControl::file_name) + " is not hex");
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) throw std::runtime_error("a hash in " + std::string(AccessControl::file_name) + " is not hex");
        out.push_back(static_cast<unsigned char>(hi * 16 + lo));
    }
    return out;
}

std::string pbkdf2(const std::string& password, const std::vector<unsigned char>& salt, int iterations) {
    unsigned char out[32];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()), iterations,
                          EVP_sha256(), sizeof out, out) != 1)
        throw std::runtime_error("PBKDF2 failed");
    return to_hex(out, sizeof out);
}

}  // namespace

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> b(bytes);
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw std::runtime_error("the random generator failed");
    return to_hex(b.data(), b.size());
}

PasswordHash PasswordHash::make(const std::string& password, int iterations) {
    PasswordHash h;
    h.salt = random_hex(16);
    h.iterations = iterations;
    h.hash = pbkdf2(password, from_hex(h.salt), iterations);
    return h;
}

bool PasswordHash::matches(const std::string& password) const {
    const std::string candidate = pbkdf2(password, from_hex(salt), iterations);
    return candidate.size() == hash.size() && CRYPTO_memcmp(candidate.data(), hash.data(), hash.size()) == 0;
}

AccessControl::AccessControl(hal::Scheduler& scheduler, hal::Storage& storage, hal::WorkerPool& workers)
    : scheduler_(scheduler), storage_(storage), workers_(workers) {
    load();
}

void AccessControl::load() {
    const auto text = storage_.read(file_name);
    if (!text) {
        // First boot: the manual's defaults (6.1). They are public, so nothing is hashed until a
        // password is changed (a first boot costs no PBKDF2 time).
        api_token_ = random_hex(16);
        save();
        return;
    }
    try {
        const json doc = json::parse(*text);
        auto read = [](const json& j, PasswordHash& h, bool& is_default) {
            is_default = j.at("default").get<bool>();
            if (is_default) return;
            h = PasswordHash{j.at("salt"), j.at("iterations"), j.at("hash")};
            (void)from_hex(h.salt), (void)from_hex(h.hash);
            if (h.iterations < 1) throw std::runtime_error("iterations must be positive");
        };
        read(doc.at("admin"), admin_, admin_default_);
        read(doc.at("user"), user_, user_default_);
        api_token_ = doc.at("api_token");
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string(file_name) + " in the data directory is damaged (" + e.what() +
                                 "); remove it to go back to the default passwords");
    }
}

bool AccessControl::Check::matches(const std::string& password) const {
    if (!is_default) return hash.matches(password);
    return password.size() == default_password.size() && CRYPTO_memcmp(password.data(), default_password.data(), password.size()) == 0;
}

AccessControl::Check AccessControl::checker(AccessLevel level) const {
    if (level == AccessLevel::admin) return {admin_default_, "admin", admin_};
    return {user_default_, "view", user_};
}

void AccessControl::save() {
    auto entry = [](const PasswordHash& h, bool is_default) {
        if (is_default) return json{{"default", true}};
        return json{{"salt", h.salt}, {"iterations", h.iterations}, {"hash", h.hash}, {"default", false}};
    };
    const json doc{{"version", 1}, {"admin", entry(admin_, admin_default_)}, {"user", entry(user_, user_default_)}, {"api_token", api_token_}};
    storage_.write_atomic(file_name, doc.dump(2) + "\n");
}

std::optional<AccessControl::LoginResult> AccessControl::throttled(const std::string& key) {
    const hal::Time now = scheduler_.now();
    expire();
    auto& t = throttle_[key];
    // Checks in flight count as failures until they end: many logins sent at once get no more
    // guesses than one after another (past the free ones, one at a time).
    if (t.until <= now && !(t.pending > 0 && t.failures + t.pending >= free_failures)) return std::nullopt;
    const auto wait = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(t.until - now).count());
    // The wait is peer time: shown in the client's seconds.
    const double scale = static_cast<double>(scheduler_.peer_time(std::chrono::seconds(1)).count()) / 1e9;
    const int shown = std::max(1, static_cast<int>(static_cast<double>(wait) / std::max(scale, 1e-9) + 0.999));
    return LoginResult{std::nullopt, 429, "too many failed logins from this address; try again in " + std::to_string(shown) + " s", shown};
}

void AccessControl::checked(const std::string& key, bool matched) {
    auto& t = throttle_[key];
    --t.pending;
    if (matched) {
        t.failures = 0;
        t.until = {};
        if (t.pending == 0) throttle_.erase(key);
        return;
    }
    ++t.failures;
    t.last_failure = scheduler_.now();
    if (t.failures >= free_failures) {
        const int doublings = std::min(t.failures - free_failures, 9);  // 1 s, 2 s ... 256 s, then 300 s
        const auto wait = std::min<std::int64_t>(std::int64_t{1} << doublings, 300);
        t.until = scheduler_.now() + scheduler_.peer_time(std::chrono::seconds(wait));
    }
}

void AccessControl::login(AccessLevel level, const std::string& password, const std::string& client, std::function<void(LoginResult)> done) {
    // Per address and level: a right User password does not clear the count of Admin guesses.
    const std::string key = client + " " + to_string(level);
    if (auto refused = throttled(key)) return done(*refused);
    ++throttle_[key].pending;
    auto check = std::make_shared<Check>(checker(level));
    auto matched = std::make_shared<bool>(false);
    std::weak_ptr<bool> alive = alive_;
    const std::uint64_t generation = generation_;
    workers_.submit([check, matched, password] { *matched = check->matches(password); },
                    [this, alive, generation, level, key, matched, done = std::move(done)] {
                        if (alive.expired()) return;  // the service is gone (a restart): nobody waits for this answer
                        // A password changed while this one was checked: it was checked against the old one.
                        const bool current = generation == generation_;
                        checked(key, *matched && current);
                        if (!current) return done({std::nullopt, 401, "the password was just changed; log in again", 0});
                        if (!*matched) return done({std::nullopt, 401, "wrong password", 0});
                        done({open_session(level), 200, "", 0});
                    });
}

Session AccessControl::open_session(AccessLevel level) {
    expire();
    const std::size_t limit = level == AccessLevel::admin ? admin_session_limit : user_session_limit;
    while (sessions(level) >= limit) {
        // The least recently used session of that level makes room.
        auto oldest = sessions_.end();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
            if (it->second.level == level && (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used)) oldest = it;
        sessions_.erase(oldest);
    }
    Session s;
    s.token = random_hex(32);
    s.csrf = random_hex(16);
    s.level = level;
    s.last_used = scheduler_.now();
    s.expires = s.last_used + scheduler_.peer_time(timeout_);
    sessions_[s.token] = s;
    return s;
}

void AccessControl::expire() {
    const hal::Time now = scheduler_.now();
    for (auto it = sessions_.begin(); it != sessions_.end();) it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
    // An address's count is forgotten an hour after its last failure.
    for (auto it = throttle_.begin(); it != throttle_.end();)
        it = it->second.pending == 0 && it->second.last_failure + std::chrono::hours(1) < now ? throttle_.erase(it) : std::next(it);
}

std::optional<Session> AccessControl::authenticate(const std::string& token) {
    if (token.empty()) return std::nullopt;
    const hal::Time now = scheduler_.now();
    if (token.size() == api_token_.size() && CRYPTO_memcmp(token.data(), api_token_.data(), token.size()) == 0) {
        Session s;
        s.token = token;
        s.level = AccessLevel::user;
        s.last_used = now;
        s.expires = now + scheduler_.peer_time(timeout_);
        return s;
    }
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return std::nullopt;
    if (it->second.expires <= now) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.last_used = now;
    it->second.expires = now + scheduler_.peer_time(timeout_);
    return it->second;
}

void AccessControl::logout(const std::string& token) { sessions_.erase(token); }

std::size_t AccessControl::sessions(AccessLevel level) const {
    return static_cast<std::size_t>(std::count_if(sessions_.begin(), sessions_.end(), [level](const auto& s) { return s.second.level == level; }));
}

std::optional<std::string> AccessControl::check_new_password(const std::string& label, const std::string& password) {
    // web manual 8.3: "all new passwords must be 6 characters or more"; the upper bound is ours.
    if (password.size() < 6 || password.size() > 64) return label + " must be 6 to 64 characters";
    for (unsigned char c : password)
        if (c < 0x20 || c > 0x7E) return label + " may hold only printable ASCII characters";
    return std::nullopt;
}

void AccessControl::change_passwords(PasswordChange change, std::function<void(int, std::string)> done) {
    if (!change.admin && !change.user) return done(400, "give admin_password or user_password (or both)");
    // A wrong current password counts as a failed Admin login from that address.
    const std::string key = change.client + " " + to_string(AccessLevel::admin);
    if (auto refused = throttled(key)) return done(refused->status, refused->error);
    if (change.admin)
        if (auto e = check_new_password("Admin New Password", *change.admin)) return done(400, *e);
    if (change.user)
        if (auto e = check_new_password("View New Password", *change.user)) return done(400, *e);
    auto current = std::make_shared<Check>(checker(AccessLevel::admin));
    struct Result {
        bool matched = false;
        std::optional<PasswordHash> admin, user;
    };
    auto result = std::make_shared<Result>();
    ++throttle_[key].pending;
    workers_.submit(
        [current, result, change] {
            result->matched = current->matches(change.current_admin);
            if (!result->matched) return;
            if (change.admin) result->admin = PasswordHash::make(*change.admin, iterations);
            if (change.user) result->user = PasswordHash::make(*change.user, iterations);
        },
        [this, alive = std::weak_ptr<bool>(alive_), key, result, done = std::move(done)] {
            if (alive.expired()) return;
            checked(key, result->matched);
            if (!result->matched) return done(403, "Admin Current Password is wrong");
            const PasswordHash old_admin = admin_, old_user = user_;
            const bool old_admin_default = admin_default_, old_user_default = user_default_;
            if (result->admin) admin_ = *result->admin, admin_default_ = false;
            if (result->user) user_ = *result->user, user_default_ = false;
            try {
                save();
            } catch (const hal::StorageError& e) {
                admin_ = old_admin, user_ = old_user, admin_default_ = old_admin_default, user_default_ = old_user_default;
                return done(507, std::string("the passwords could not be saved, nothing was changed: ") + e.what());
            }
            ++generation_;
            // Sessions of a level whose password changed end (the one changing them logs in again).
            for (auto it = sessions_.begin(); it != sessions_.end();)
                it = (result->admin && it->second.level == AccessLevel::admin) || (result->user && it->second.level == AccessLevel::user)
                         ? sessions_.erase(it)
                         : std::next(it);
            done(204, "");
        });
}

std::string AccessControl::reset_api_token() {
    const std::string old = api_token_;
    api_token_ = random_hex(16);
    try {
        save();
    } catch (const hal::StorageError&) {
        api_token_ = old;
        throw;
    }
    return api_token_;
}

}  // namespace fw
