#include "common/sftp_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace hal::sftp {

void check(const SftpServe& s) {
    const bool user_ok = !s.user.empty() && s.user.size() <= 32 && (std::islower(static_cast<unsigned char>(s.user[0])) || s.user[0] == '_') &&
                         s.user.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
    if (!user_ok) throw std::invalid_argument("SFTP user '" + s.user + "' must be a lower-case system user name");
    if (s.password_hash.size() < 4 || s.password_hash[0] != '$' || s.password_hash.find_first_of(":\n\r") != std::string::npos)
        throw std::invalid_argument("the SFTP password must be given as a crypt(3) hash ($6$...)");
    if (s.folder.empty() || s.folder.find('/') != std::string::npos || s.folder.starts_with("."))
        throw std::invalid_argument("SFTP folder '" + s.folder + "' must be a plain folder name of the data directory");
    if (s.addresses.empty()) throw std::invalid_argument("SFTP download needs at least one listen address");
    for (const auto& a : s.addresses) {
        in_addr parsed{};
        if (::inet_pton(AF_INET, a.c_str(), &parsed) != 1) throw std::invalid_argument("SFTP listen address '" + a + "' is not an IPv4 address");
    }
}

std::vector<std::string> urls(const std::vector<std::string>& addresses, unsigned port) {
    std::vector<std::string> out;
    for (const auto& a : addresses) out.push_back("sftp://" + a + ":" + std::to_string(port));
    return out;
}

CommandResult run(const std::vector<std::string>& argv, const std::string& input) {
    CommandResult result;
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return result;
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        return result;
    }
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // the loop's sockets stay the firmware's
    posix_spawnattr_t attr;
    ::posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setsigmask(&attr, &none);
    ::posix_spawnattr_setsigdefault(&attr, &all);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int e = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    if (e != 0) {
        ::close(in[1]);
        ::close(out[0]);
        result.output = argv[0] + ": " + std::strerror(e);
        return result;
    }
    // A command that exits without reading its input must not raise SIGPIPE in the firmware:
    // blocked on this thread for the write, and a pending one taken back.
    sigset_t pipe_signal, old_mask;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
    for (std::size_t done = 0; done < input.size();) {
        const ssize_t n = ::write(in[1], input.data() + done, input.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EPIPE) {
            const timespec now{};
            ::sigtimedwait(&pipe_signal, nullptr, &now);
        }
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::close(in[1]);
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (result.output.size() < 65536) result.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace hal::sftp
