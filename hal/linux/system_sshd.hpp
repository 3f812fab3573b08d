#pragma once
// SFTP download on a unit (web manual 7.5): the system's sshd serves it. start() writes a drop-in
// (`acurev-sftp.conf` in its sshd_config.d) with a `Match User sftpuser` block — chroot in the data
// logs' folder, read-only internal-sftp, password only, no TTY, no forwarding — sets sftpuser's
// password (chpasswd -e with a SHA-512 crypt hash) and has sshd reload; stop() removes the drop-in
// and locks the password. What the unit's image provides is in docs/sftp.md: the system user
// sftpuser, a root-owned data directory (sshd's chroot rule) and the Include of sshd_config.d.
#include <filesystem>
#include <string>
#include <vector>

#include "hal/sftp_server.hpp"

namespace hal::linux_backend {

struct SystemSshdOptions {
    std::filesystem::path config_dir;  // the system sshd's drop-in folder (/etc/ssh/sshd_config.d); empty: none here
    std::filesystem::path data_dir;
    std::vector<std::string> set_password{"/usr/sbin/chpasswd", "-e"};  // reads "user:hash" on its input
    std::vector<std::string> reload{"/usr/bin/systemctl", "reload", "ssh"};
};

class SystemSshd final : public SftpServer {
public:
    explicit SystemSshd(SystemSshdOptions options) : options_(std::move(options)) {}
    ~SystemSshd() override;
    void start(const SftpServe& serve) override;
    void stop() override;
    SftpStatus status() const override;

    static constexpr const char* drop_in = "acurev-sftp.conf";
    static std::string drop_in_text(const SftpServe& serve, const std::filesystem::path& chroot);

private:
    SystemSshdOptions options_;
    std::string user_;
    std::vector<std::string> urls_;
};

}  // namespace hal::linux_backend
