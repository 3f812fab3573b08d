#pragma once
// SFTP download in the simulator (web manual 7.5): OpenSSH's sshd (Debian openssh-server) run as a
// child of the simulator, on the module's listen addresses and a port of its own, chrooted to the
// data logs, read-only, for one password account that is not in the system's /etc/passwd.
//
// How (docs/sftp.md): a supervisor process forked from the simulator enters a mount and a PID
// namespace of its own, mounts a tmpfs on /run, bind-mounts generated passwd, shadow (a SHA-512
// crypt(3) hash of the password) and group over /etc's, bind-mounts the logs folder read-only on
// /run/acurev-sftp/<folder> (sshd wants a chroot whose every path component is root-owned and not
// writable by others; a data dir under /tmp is not) and runs `sshd -D -e` as PID 1 of that PID
// namespace. The supervisor ends sshd when the simulator closes its end of a pipe — on stop() or
// when the simulator dies, however it dies; sshd has PR_SET_PDEATHSIG against the supervisor, and
// every session ends with sshd (PID 1 of its namespace). Root is needed: OpenSSH's privilege
// separation calls setgroups(), which an unprivileged user namespace refuses.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "hal/sftp_server.hpp"

namespace hal::sim {

struct ChildSshdOptions {
    std::filesystem::path data_dir;  // the host key and the generated files go to <data_dir>/sftp-server/
    std::uint16_t port = 0;          // 0: 10022 when it is free, else a free port; kept for the object's life
    std::string sshd = "/usr/sbin/sshd";
    std::string ssh_keygen = "/usr/bin/ssh-keygen";
};

class ChildSshd final : public SftpServer {
public:
    // `io` is the loop: what sshd writes on its standard error is read there (logins, its exit).
    ChildSshd(boost::asio::io_context& io, ChildSshdOptions options);
    ~ChildSshd() override;
    void start(const SftpServe& serve) override;
    void stop() override;
    SftpStatus status() const override;

    std::uint16_t port() const { return port_; }
    std::filesystem::path folder() const { return options_.data_dir / "sftp-server"; }

    static constexpr const char* chroot_dir = "/run/acurev-sftp";  // inside its mount namespace

private:
    struct Child;
    void prepare(const SftpServe& serve);
    std::uint16_t choose_port(const std::vector<std::string>& addresses);

    boost::asio::io_context& io_;
    ChildSshdOptions options_;
    std::uint16_t port_ = 0;
    std::vector<std::string> urls_;
    std::shared_ptr<Child> child_;
};

}  // namespace hal::sim
