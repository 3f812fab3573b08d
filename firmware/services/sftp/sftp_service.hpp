#pragma once
// SFTP download of the data logs (web manual 7.5 "SFTP Enable"): when `sftp.enable` is set at the
// module's boot, the hal's SFTP server serves the data directory's `logs` folder, read-only, to
// sftpuser with its password, on every interface that is up (port 22; the simulator says where
// it maps it). The password is kept as a SHA-512 crypt(3) hash in `sftp-password` (absent: the
// manual's default). A new password restarts the server at once; a link going
// down or up moves it to the interfaces up then; a server that ended is started again, checked
// every 10 s and backing off to 5 min while it cannot start. The server itself is the hal's
// (the simulator's sshd child, a unit's system sshd; docs/sftp.md).
#include <optional>
#include <string>
#include <vector>

#include "services/service.hpp"

namespace fw {

class SftpDownload final : public Service {
public:
    static constexpr const char* folder = "logs";       // what the data loggers write (hal Storage "logs/<file>")
    static constexpr std::uint16_t device_port = 22;    // web manual 7.5: "Port: 22"

    explicit SftpDownload(ServiceContext& context);
    ~SftpDownload() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>& keys) override;

    static constexpr const char* password_file = "sftp-password";  // the crypt(3) hash, one line
    // 7.5: a new password (8-64 characters), or the default with `reset`; the errors, never echoing it.
    // Saved before it is used; a running server restarts with it.
    std::vector<std::string> set_password(const std::string& password, bool reset);

private:
    void serve(bool again = false);  // (re)starts the hal's server on the interfaces up now; throws when it cannot
    std::string password_hash() const;
    void check(hal::Duration wait);  // the next look at the server, `wait` from now

    ServiceContext& context_;
    bool enabled_ = false, started_ = false;
    std::vector<std::string> addresses_;  // where it serves now
    std::string problem_;                 // why it does not serve, while it does not
    int link_listener_ = 0;
    std::optional<hal::TimerId> check_timer_;
};

}  // namespace fw
