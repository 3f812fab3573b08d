#pragma once
// Who may do what on the web interface (web manual 6.1, 8.1, 8.3; ARCHITECTURE "Security"): the
// User and Admin passwords kept as salted PBKDF2 hashes, sessions that end after a time without
// requests (peer time), login throttling per client address, the API token for machine clients.
// Kept in `credentials.json` in the data directory (never a password in clear). Password checks
// run on the worker pool: a login never holds up the loop.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hal/clock.hpp"
#include "hal/storage.hpp"
#include "hal/workers.hpp"

namespace fw {

enum class AccessLevel { user, admin };
const char* to_string(AccessLevel l);
std::optional<AccessLevel> access_level_from(const std::string& s);

struct Session {
    std::string token;  // the cookie's value and the bearer token
    std::string csrf;   // sent back with every state-changing request made with the cookie
    AccessLevel level = AccessLevel::user;
    hal::Time expires{};
    hal::Time last_used{};
};

// A salted PBKDF2-HMAC-SHA256 hash as stored.
struct PasswordHash {
    std::string salt;  // hex
    int iterations = 0;
    std::string hash;  // hex
    static PasswordHash make(const std::string& password, int iterations);
    bool matches(const std::string& password) const;
};

class AccessControl {
public:
    static constexpr const char* file_name = "credentials.json";
    static constexpr int iterations = 100'000;
    static constexpr std::size_t user_session_limit = 10, admin_session_limit = 4, user_session_advice = 5;
    static constexpr int free_failures = 5;  // failed logins in a row before an address must wait

    AccessControl(hal::Scheduler& scheduler, hal::Storage& storage, hal::WorkerPool& workers);

    struct LoginResult {
        std::optional<Session> session;
        int status = 200;  // 200, 401 wrong password, 429 throttled
        std::string error;
        int retry_after_s = 0;
    };
    // Checks the password on the worker pool; `done` runs on the loop.
    void login(AccessLevel level, const std::string& password, const std::string& client, std::function<void(LoginResult)> done);
    // The session (or the API token, as a User) behind `token`; refreshes its expiry.
    std::optional<Session> authenticate(const std::string& token);
    void logout(const std::string& token);
    void set_session_timeout(hal::Duration d) { timeout_ = d; }

    // Web manual 8.3. Returns the rules broken, or "wrong" when `current_admin` does not match.
    struct PasswordChange {
        std::string current_admin;
        std::optional<std::string> admin, user;
        std::string client;  // the asking address (throttled like a login)
    };
    void change_passwords(PasswordChange change, std::function<void(int status, std::string error)> done);
    static std::optional<std::string> check_new_password(const std::string& label, const std::string& password);

    bool default_password_in_use() const { return admin_default_ || user_default_; }
    std::string api_token() const { return api_token_; }
    std::string reset_api_token();
    std::size_t sessions(AccessLevel level) const;

private:
    struct Throttle {
        int failures = 0;
        hal::Time until{};
        hal::Time last_failure{};
        int pending = 0;  // checks on the worker pool
    };
    // How a level's password is checked: against the manual's default while it is in use, else its hash.
    struct Check {
        bool is_default;
        std::string default_password;
        PasswordHash hash;
        bool matches(const std::string& password) const;
    };
    Check checker(AccessLevel level) const;
    // The refusal while `key` (address and level) must wait, or none; `checked` counts a check's end.
    std::optional<LoginResult> throttled(const std::string& key);
    void checked(const std::string& key, bool matched);
    void load();
    void save();
    Session open_session(AccessLevel level);
    void expire();

    hal::Scheduler& scheduler_;
    hal::Storage& storage_;
    hal::WorkerPool& workers_;
    PasswordHash admin_, user_;
    bool admin_default_ = true, user_default_ = true;
    std::string api_token_;
    std::map<std::string, Session> sessions_;  // by token
    std::map<std::string, Throttle> throttle_;  // by client address and level
    std::uint64_t generation_ = 0;              // counts password changes
    // Worker jobs' answers hold a weak copy: one that ends after the service is gone does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    hal::Duration timeout_{std::chrono::minutes(15)};
};

// Random bytes as hex, from OpenSSL's generator.
std::string random_hex(std::size_t bytes);

}  // namespace fw
