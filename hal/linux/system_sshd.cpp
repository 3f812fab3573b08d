#include "linux/system_sshd.hpp"

#include <fstream>
#include <stdexcept>

#include "common/sftp_support.hpp"

namespace hal::linux_backend {

namespace fs = std::filesystem;

namespace {

void run_or_throw(const std::vector<std::string>& argv, const std::string& input, const std::string& what) {
    const auto r = sftp::run(argv, input);
    if (r.status != 0) throw std::runtime_error("SFTP download: " + what + " failed (" + argv.front() + "): " + r.output);
}

}  // namespace

SystemSshd::~SystemSshd() { stop(); }

std::string SystemSshd::drop_in_text(const SftpServe& serve, const fs::path& chroot) {
    return "# Made by acurev-fw at each start of SFTP download (web manual 7.5; hal/linux/system_sshd.cpp, docs/sftp.md),\n"
           "# removed when it stops. The unit's image makes the user:\n"
           "#   useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin " +
           serve.user +
           "\n"
           "# sshd wants every component of the chroot root-owned and not writable by group or others.\n"
           "Match User " +
           serve.user + "\n    ChrootDirectory " + chroot.string() +
           "\n"
           "    ForceCommand internal-sftp -R\n"
           "    AuthenticationMethods password\n"
           "    PasswordAuthentication yes\n"
           "    MaxAuthTries 3\n"
           "    PermitTTY no\n"
           "    DisableForwarding yes\n"
           "    AllowTcpForwarding no\n"
           "    AllowAgentForwarding no\n"
           "    AllowStreamLocalForwarding no\n"
           "    X11Forwarding no\n"
           "    PermitTunnel no\n"
           "# Back to the global context: sshd_config includes this file before its own lines.\n"
           "Match all\n";
}

void SystemSshd::start(const SftpServe& serve) {
    stop();
    sftp::check(serve);
    if (options_.config_dir.empty())
        throw std::runtime_error(
            "SFTP download needs the system's sshd: start acurev-fw with --sshd-config-dir /etc/ssh/sshd_config.d (docs/sftp.md)");
    const fs::path file = options_.config_dir / drop_in, tmp = options_.config_dir / (std::string(".") + drop_in + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << drop_in_text(serve, options_.data_dir / serve.folder);
        if (!out.flush()) throw std::runtime_error("SFTP download: cannot write " + tmp.string());
    }
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read, fs::perm_options::replace);
    fs::rename(tmp, file);
    user_ = serve.user;
    run_or_throw(options_.set_password, serve.user + ":" + serve.password_hash + "\n", "setting " + serve.user + "'s password");
    run_or_throw(options_.reload, "", "reloading sshd");
    urls_ = sftp::urls(serve.addresses, serve.device_port);  // the system sshd's own port: 22 on a unit
}

void SystemSshd::stop() {
    if (user_.empty()) return;
    std::error_code ec;
    fs::remove(options_.config_dir / drop_in, ec);
    sftp::run(options_.set_password, user_ + ":!\n");  // locked: no password opens it
    sftp::run(options_.reload);
    user_.clear();
    urls_.clear();
}

SftpStatus SystemSshd::status() const {
    SftpStatus s;
    s.serving = !user_.empty();
    s.urls = urls_;
    if (!s.serving) s.problem = "not started";
    return s;
}

}  // namespace hal::linux_backend
