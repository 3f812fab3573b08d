#pragma once
// SFTP download of a folder of the data directory (web manual 7.5 "SFTP Enable": the data logs,
// user sftpuser): one account, read-only, nothing outside the folder reachable. The simulator runs
// OpenSSH's sshd as a child of its own (hal/sim/child_sshd); a unit configures its system sshd
// (hal/linux/system_sshd). docs/sftp.md says how each does it.
#include <cstdint>
#include <string>
#include <vector>

namespace hal {

struct SftpServe {
    std::vector<std::string> addresses;  // IPv4 listen addresses (the interfaces that are up)
    std::uint16_t device_port = 22;      // the manual's port; the backend says where it serves (status().urls)
    std::string user;                    // "sftpuser"
    std::string password_hash;           // sftpuser's password as a crypt(3) hash ("$6$..."): never in clear
    std::string folder;                  // a plain folder name of the data directory ("logs")
};

struct SftpStatus {
    bool serving = false;
    std::vector<std::string> urls;  // "sftp://127.0.0.1:10022", one per address
    std::string problem;            // why it is not serving (the server exited, ...); empty when it is
    unsigned logins = 0, refused = 0;  // password logins accepted and refused since the start
};

class SftpServer {
public:
    virtual ~SftpServer() = default;
    // Serves `serve` (a running server is stopped first: a new password or address list). Throws
    // std::runtime_error naming what is missing or what the server said when it cannot.
    virtual void start(const SftpServe& serve) = 0;
    virtual void stop() = 0;  // the server and every open session end; no error when not running
    virtual SftpStatus status() const = 0;
};

}  // namespace hal
