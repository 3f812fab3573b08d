#pragma once
// What both SFTP backends need (hal/sim/child_sshd, hal/linux/system_sshd): the checks that keep a
// generated sshd config well formed, and running a short command to its end. The password comes as a
// crypt(3) hash (hal/password_hash.hpp).
#include <string>
#include <vector>

#include "hal/password_hash.hpp"
#include "hal/sftp_server.hpp"

namespace hal::sftp {

// Throws std::invalid_argument naming the field when `serve` cannot go into an sshd config as it
// is: a user name sshd accepts, a password crypt(3) hash, a plain folder name, IPv4 addresses.
void check(const SftpServe& serve);

// "sftp://ADDRESS:PORT" for each address.
std::vector<std::string> urls(const std::vector<std::string>& addresses, unsigned port);

struct CommandResult {
    int status = -1;     // the exit status, or -1 when it could not run or was killed
    std::string output;  // what it wrote on stdout and stderr
};
// Runs `argv` (argv[0] an absolute path) with `input` on its standard input and waits for it (it is
// short: ssh-keygen, chpasswd). Its other descriptors are closed.
CommandResult run(const std::vector<std::string>& argv, const std::string& input = {});

}  // namespace hal::sftp
