#include "linux/pty.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace hal::linux_backend {

namespace {

void close_if_open(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

Pty::Pty() {
    // A constructor that throws runs no destructor: close what is open before saying why.
    auto fail = [this](const std::string& what) {
        const std::string reason = std::strerror(errno);
        close_if_open(master_);
        close_if_open(slave_);
        throw std::runtime_error(what + ": " + reason);
    };
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0) fail("cannot open a pseudo-terminal");
    if (::grantpt(master_) != 0 || ::unlockpt(master_) != 0) fail("cannot unlock the pseudo-terminal");
    char name[128];
    if (::ptsname_r(master_, name, sizeof name) != 0) fail("cannot name the pseudo-terminal");
    slave_path_ = name;
    slave_ = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_ < 0) fail("cannot open " + slave_path_);
    termios t{};
    if (::tcgetattr(slave_, &t) != 0) fail("cannot read the settings of " + slave_path_);
    ::cfmakeraw(&t);
    if (::tcsetattr(slave_, TCSANOW, &t) != 0) fail("cannot put " + slave_path_ + " in raw mode");
}

Pty::~Pty() {
    close_if_open(master_);
    close_if_open(slave_);
}

Pty::Pty(Pty&& o) noexcept : master_(o.master_), slave_(o.slave_), slave_path_(std::move(o.slave_path_)) {
    o.master_ = o.slave_ = -1;
}

int Pty::release_master() {
    const int fd = master_;
    master_ = -1;
    return fd;
}

}  // namespace hal::linux_backend
