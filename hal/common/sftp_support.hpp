#pragma once
// What both SFTP backends need (hal/sim/child_sshd, hal/linux/system_sshd): the crypt(3) hash an
// sshd checks a password against, the checks that keep a generated sshd config well formed, and
// running a short command to its end.
#include <string>
#include <vector>

#include "hal/sftp_server.hpp"

namespace hal::sftp {

// SHA-512 crypt ("$6$<salt>$<hash>", libcrypt), with a fresh random salt.
std::string sha512_crypt(const std::string& password);
bool crypt_matches(const std::string& password, const std::string& hash);

// Throws std::invalid_argument naming the field when `serve` cannot go into an sshd config as it
// is: a user name sshd accepts, a non-empty password, a plain folder name, IPv4 addresses.
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
