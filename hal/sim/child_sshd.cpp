#include "sim/child_sshd.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "common/sftp_support.hpp"

namespace hal::sim {

namespace fs = std::filesystem;

namespace {

constexpr std::chrono::seconds start_timeout{5};  // sshd is listening within milliseconds
constexpr std::size_t lines_kept = 8;

// One step of the supervisor's set-up, made before the fork: after it, in a child of a
// multi-threaded process, only async-signal-safe calls are allowed (no allocation).
struct Step {
    enum Kind { mount_fs, make_dir } kind;
    std::string source, target, type, data;
    unsigned long flags = 0;
    const char* what;
};

// Async-signal-safe: writes "acurev-sftp: <what> <target>: errno N" on fd 2.
void say(const char* what, const char* target, int error) {
    char digits[16];
    int n = 0;
    unsigned v = static_cast<unsigned>(error);
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v && n < 15);
    auto put = [](const char* s) { (void)!::write(2, s, std::strlen(s)); };
    put("acurev-sftp: ");
    put(what);
    put(" ");
    put(target);
    put(": errno ");
    while (n) (void)!::write(2, &digits[--n], 1);
    put("\n");
}

[[noreturn]] void fail(const char* what, const char* target) {
    say(what, target, errno);
    ::_exit(126);
}

void close_from(unsigned first) {
    if (::close_range(first, ~0U, 0) == 0) return;
    for (int fd = static_cast<int>(first); fd < 1024; ++fd) ::close(fd);
}

// The supervisor: in the forked child, never returns. fd 3 is the pipe whose other end the
// simulator holds; its end (EOF) ends sshd.
[[noreturn]] void supervise(int life_read, int err_write, const std::vector<Step>& steps, char* const* argv, char* const* envp) {
    const int life = ::fcntl(life_read, F_DUPFD, 10);
    const int err = ::fcntl(err_write, F_DUPFD, 10);
    const int null = ::open("/dev/null", O_RDWR);
    if (life < 0 || err < 0 || null < 0) ::_exit(125);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(err, 2);
    ::dup2(life, 3);
    close_from(4);  // the simulator's sockets and files stay the simulator's
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT}) ::sigaction(sig, &dfl, nullptr);
    ::setpgid(0, 0);  // a Ctrl-C at the terminal is the simulator's to handle; it stops us
    if (::unshare(CLONE_NEWNS | CLONE_NEWPID) != 0) fail("cannot enter a mount and PID namespace of its own (needs root):", "unshare");
    for (const auto& s : steps) {
        if (s.kind == Step::make_dir) {
            if (::mkdir(s.target.c_str(), 0755) != 0 && errno != EEXIST) fail(s.what, s.target.c_str());
            continue;
        }
        if (::mount(s.source.empty() ? nullptr : s.source.c_str(), s.target.c_str(), s.type.empty() ? nullptr : s.type.c_str(), s.flags,
                    s.data.empty() ? nullptr : s.data.c_str()) != 0)
            fail(s.what, s.target.c_str());
    }
    const pid_t sshd = ::fork();  // PID 1 of the new PID namespace: every session ends with it
    if (sshd < 0) fail("cannot fork", argv[0]);
    if (sshd == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        close_from(3);
        ::execve(argv[0], argv, envp);
        fail("cannot run", argv[0]);
    }
    ::dup2(0, 2);  // /dev/null: sshd alone holds the error pipe, so its end is the simulator's sign that sshd is gone
    char c;
    for (;;) {
        const ssize_t n = ::read(3, &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    ::kill(sshd, SIGKILL);
    while (::waitpid(sshd, nullptr, 0) < 0 && errno == EINTR) {
    }
    ::_exit(0);
}

// "errno 13" in what the supervisor said, as strerror words.
std::string worded(const std::string& text) {
    static const std::regex code("errno ([0-9]+)");
    std::string out;
    auto it = std::sregex_iterator(text.begin(), text.end(), code);
    std::size_t at = 0;
    for (; it != std::sregex_iterator(); ++it) {
        out += text.substr(at, static_cast<std::size_t>(it->position()) - at) + std::strerror(std::stoi((*it)[1]));
        at = static_cast<std::size_t>(it->position() + it->length());
    }
    return out + text.substr(at);
}

void write_text(const fs::path& p, const std::string& text, fs::perms mode) {
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(errno));
    }
    fs::permissions(p, mode, fs::perm_options::replace);
}

std::string shell() {
    for (const char* s : {"/usr/sbin/nologin", "/sbin/nologin", "/bin/false"})
        if (::access(s, X_OK) == 0) return s;
    return "/bin/false";
}

// OpenSSH's version as 100 * major + minor ("OpenSSH_9.2, OpenSSL ..." from sshd -V), 0 when unknown.
int openssh_version(const std::string& sshd) {
    const auto r = sftp::run({sshd, "-V"});
    std::smatch m;
    static const std::regex version("OpenSSH_([0-9]+)\\.([0-9]+)");
    if (!std::regex_search(r.output, m, version)) return 0;
    return std::stoi(m[1]) * 100 + std::stoi(m[2]);
}

bool bindable(const std::string& address, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as sshd binds
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

std::uint16_t ephemeral_port(const std::string& address) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    socklen_t len = sizeof a;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw std::runtime_error("SFTP download: no free TCP port on " + address + ": " + std::strerror(errno));
    return ntohs(a.sin_port);
}

// Waits for the supervisor to end (it ends sshd first, and sshd's end ends every session).
void reap(pid_t pid) {
    if (pid <= 0) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid, SIGKILL);  // sshd has PR_SET_PDEATHSIG against it
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

struct ChildSshd::Child {
    explicit Child(boost::asio::io_context& io) : err(io) {}
    pid_t supervisor = -1;
    int life = -1;  // our end of the pipe the supervisor waits on
    boost::asio::posix::stream_descriptor err;
    std::string partial;
    std::deque<std::string> last;  // what sshd said last
    unsigned logins = 0, refused = 0;
    bool exited = false;
    char buffer[2048];

    void take(const char* data, std::size_t n) {
        partial.append(data, n);
        for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
            said(partial.substr(0, nl));
            partial.erase(0, nl + 1);
        }
        if (partial.size() > 4096) partial.clear();
    }
    void said(std::string line) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) return;
        if (line.rfind("Accepted password for ", 0) == 0) ++logins;
        if (line.rfind("Failed password for ", 0) == 0 || line.rfind("Invalid user ", 0) == 0) ++refused;
        last.push_back(line);
        if (last.size() > lines_kept) last.pop_front();
    }
    void end() {
        if (life >= 0) ::close(life);
        life = -1;
        boost::system::error_code ignored;
        err.close(ignored);
        reap(supervisor);
        supervisor = -1;
    }
    static void read_more(const std::shared_ptr<Child>& c) {
        c->err.async_read_some(boost::asio::buffer(c->buffer), [c](const boost::system::error_code& ec, std::size_t n) {
            if (ec == boost::asio::error::operation_aborted) return;
            if (!ec) {
                c->take(c->buffer, n);
                return read_more(c);
            }
            c->exited = true;  // every holder of sshd's standard error is gone: sshd with them
            c->end();
        });
    }
};

ChildSshd::ChildSshd(boost::asio::io_context& io, ChildSshdOptions options) : io_(io), options_(std::move(options)) {}

ChildSshd::~ChildSshd() { stop(); }

std::uint16_t ChildSshd::choose_port(const std::vector<std::string>& addresses) {
    if (options_.port) return options_.port;
    if (port_) return port_;
    // The device's port 22 mapped as the simulator maps privileged ports (22 -> 10022), when free.
    bool free = true;
    for (const auto& a : addresses) free = free && bindable(a, 10022);
    return free ? 10022 : ephemeral_port(addresses.front());
}

void ChildSshd::prepare(const SftpServe& serve) {
    const fs::path dir = folder();
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    fs::create_directories(options_.data_dir / serve.folder);
    const fs::path key = dir / "ssh_host_ed25519_key";
    if (key.string().find_first_of("\"\n\r") != std::string::npos)
        throw std::runtime_error("SFTP download: the data directory's path " + options_.data_dir.string() + " cannot go into an sshd config (a quote or a line break)");
    if (!fs::exists(key)) {
        // Made once and kept: a client that trusted the module's host key keeps trusting it.
        const auto r = sftp::run({options_.ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-C", "acurev-sftp", "-f", key.string()});
        if (r.status != 0) throw std::runtime_error("SFTP download: ssh-keygen could not make the host key " + key.string() + ": " + r.output);
    }
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);

    static const int version = openssh_version(options_.sshd);
    const std::string& hash = serve.password_hash;
    const std::string nologin = shell();
    // sftpuser is uid 0 inside the server's namespaces: the log files are the device's (root, 0600),
    // and the session is read-only internal-sftp in a chroot that holds the logs alone.
    write_text(dir / "passwd",
               "root:x:0:0:root:/root:" + nologin + "\nsshd:x:65534:65534:sshd privilege separation:/run/sshd:" + nologin + "\n" + serve.user +
                   ":x:0:0:SFTP download of the data logs:/:" + nologin + "\n",
               fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    // No maximum age: with UsePAM no, sshd itself refuses an expired shadow entry.
    write_text(dir / "shadow", "root:*:19000:0:::::\nsshd:*:19000:0:::::\n" + serve.user + ":" + hash + ":19000:0:::::\n",
               fs::perms::owner_read | fs::perms::owner_write);
    write_text(dir / "group", "root:x:0:\nnogroup:x:65534:\n",
               fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    std::string listen;
    for (const auto& a : serve.addresses) listen += "ListenAddress " + a + ":" + std::to_string(port_) + "\n";
    write_text(dir / "sshd_config",
               "# Made by the simulator at each start of SFTP download (hal/sim/child_sshd.cpp, docs/sftp.md): sshd runs in\n"
               "# a mount namespace of its own, where passwd, shadow and group beside this file are /etc's.\n" +
                   listen + "HostKey \"" + key.string() +
                   "\"\nPidFile none\n"
                   "UsePAM no\n"
                   "AuthenticationMethods password\n"
                   "PasswordAuthentication yes\n"
                   "PermitEmptyPasswords no\n"
                   "KbdInteractiveAuthentication no\n"
                   "PubkeyAuthentication no\n"
                   "HostbasedAuthentication no\n"
                   "PermitRootLogin yes\n"  // sftpuser is uid 0 (above); AllowUsers keeps root itself out
                   "AllowUsers " +
                   serve.user +
                   "\nMaxAuthTries 3\n"
                   "MaxSessions 4\n"
                   "MaxStartups 8:50:16\n"
                   "LoginGraceTime 20\n"
                   "ClientAliveInterval 30\n"
                   "ClientAliveCountMax 4\n"
                   "DisableForwarding yes\n"
                   "AllowTcpForwarding no\n"
                   "AllowStreamLocalForwarding no\n"
                   "AllowAgentForwarding no\n"
                   "X11Forwarding no\n"
                   "PermitTunnel no\n"
                   "PermitTTY no\n"
                   "PermitUserRC no\n"
                   "PermitUserEnvironment no\n"
                   "UseDNS no\n" +
                   // OpenSSH 9.8 refuses, for a while, an address whose login failed: not a test's loopback client.
                   (version >= 908 ? "PerSourcePenaltyExemptList 127.0.0.0/8\n" : "") +
                   "PrintMotd no\n"
                   "Subsystem sftp internal-sftp\n"
                   "ChrootDirectory " +
                   std::string(chroot_dir) + "\nForceCommand internal-sftp -R -d /" + serve.folder + "\n",
               fs::perms::owner_read | fs::perms::owner_write);
}

void ChildSshd::start(const SftpServe& serve) {
    stop();
    sftp::check(serve);
    if (::geteuid() != 0)
        throw std::runtime_error(
            "SFTP download in the simulator needs root: sshd checks sftpuser's password in a shadow file of its own, bind-mounted over "
            "/etc/shadow in a mount namespace of its own, and OpenSSH's privilege separation calls setgroups(), which an unprivileged "
            "user namespace refuses (docs/sftp.md)");
    if (::access(options_.sshd.c_str(), X_OK) != 0) throw std::runtime_error("SFTP download needs " + options_.sshd + " (Debian package openssh-server)");
    port_ = choose_port(serve.addresses);
    prepare(serve);

    const fs::path dir = folder();
    const std::string inside = std::string(chroot_dir) + "/" + serve.folder;
    constexpr unsigned long locked = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    std::vector<Step> steps{
        {Step::mount_fs, "", "/", "", "", MS_REC | MS_PRIVATE, "cannot make the mounts private:"},
        {Step::mount_fs, "acurev-sftp", "/run", "tmpfs", "mode=0755,size=1m", locked, "cannot mount a tmpfs on"},
        {Step::make_dir, "", "/run/sshd", "", "", 0, "cannot make"},
        {Step::make_dir, "", chroot_dir, "", "", 0, "cannot make"},
        {Step::make_dir, "", inside, "", "", 0, "cannot make"},
        {Step::mount_fs, (options_.data_dir / serve.folder).string(), inside, "", "", MS_BIND, "cannot bind the logs folder on"},
        {Step::mount_fs, "", inside, "", "", MS_BIND | MS_REMOUNT | MS_RDONLY | locked, "cannot make read-only"},
        {Step::mount_fs, (dir / "passwd").string(), "/etc/passwd", "", "", MS_BIND, "cannot bind the generated passwd on"},
        {Step::mount_fs, (dir / "shadow").string(), "/etc/shadow", "", "", MS_BIND, "cannot bind the generated shadow on"},
        {Step::mount_fs, (dir / "group").string(), "/etc/group", "", "", MS_BIND, "cannot bind the generated group on"},
    };
    std::vector<std::string> args{options_.sshd, "-D", "-e", "-f", (dir / "sshd_config").string()};
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string path = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    envp = {path.data(), nullptr};

    int life[2], err[2];
    if (::pipe2(life, O_CLOEXEC) != 0) throw std::runtime_error(std::string("SFTP download: pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(life[0]);
        ::close(life[1]);
        throw std::runtime_error(std::string("SFTP download: pipe: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid == 0) supervise(life[0], err[1], steps, argv.data(), envp.data());
    ::close(life[0]);
    ::close(err[1]);
    if (pid < 0) {
        ::close(life[1]);
        ::close(err[0]);
        throw std::runtime_error(std::string("SFTP download: fork: ") + std::strerror(errno));
    }
    auto child = std::make_shared<Child>(io_);
    child->supervisor = pid;
    child->life = life[1];

    // Until sshd says it listens on every address, or ends.
    std::size_t listening = 0, refused_binds = 0;
    bool ended = false;
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    char buf[2048];
    while (listening + refused_binds < serve.addresses.size() && !ended) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) break;
        pollfd p{err[0], POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        const ssize_t n = ::read(err[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ended = true;
            break;
        }
        child->partial.append(buf, static_cast<std::size_t>(n));
        for (auto nl = child->partial.find('\n'); nl != std::string::npos; nl = child->partial.find('\n')) {
            const std::string line = child->partial.substr(0, nl);
            child->partial.erase(0, nl + 1);
            if (line.rfind("Server listening on ", 0) == 0) ++listening;
            if (line.rfind("Bind to port ", 0) == 0) ++refused_binds;
            child->said(line);
        }
    }
    if (listening < serve.addresses.size()) {
        std::string said;
        for (const auto& l : child->last) said += (said.empty() ? "" : "; ") + l;
        if (!child->partial.empty()) said += (said.empty() ? "" : "; ") + child->partial;
        ::close(err[0]);
        child->end();
        if (!options_.port && refused_binds) port_ = 0;  // a port taken meanwhile: the next start picks another
        throw std::runtime_error("SFTP download: sshd did not start" + std::string(ended ? "" : " within 5 s") +
                                 (said.empty() ? std::string() : ": " + worded(said)));
    }
    child->err.assign(err[0]);
    Child::read_more(child);
    child_ = child;
    urls_ = sftp::urls(serve.addresses, port_);
}

void ChildSshd::stop() {
    if (!child_) return;
    child_->end();
    child_.reset();
    urls_.clear();
}

SftpStatus ChildSshd::status() const {
    SftpStatus s;
    if (!child_) {
        s.problem = "not started";
        return s;
    }
    s.logins = child_->logins;
    s.refused = child_->refused;
    if (child_->exited) {
        s.problem = "sshd exited" + (child_->last.empty() ? std::string() : " (it last said: " + child_->last.back() + ")");
        return s;
    }
    s.serving = true;
    s.urls = urls_;
    return s;
}

}  // namespace hal::sim
