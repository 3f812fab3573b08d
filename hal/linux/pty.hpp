#pragma once
// A pseudo-terminal for external RTU masters (libmodbus, pymodbus, mbpoll): the virtual board sits
// on the master side (a TtySerialPort built on release_master()), the program opens slave_path().
#include <string>

namespace hal::linux_backend {

class Pty {
public:
    // posix_openpt + grantpt + unlockpt + ptsname, then opens the slave and puts it in raw mode
    // (so a program that opens it without setting termios still gets bytes unchanged).
    // Throws std::runtime_error with the step and errno text.
    Pty();
    ~Pty();
    Pty(Pty&& other) noexcept;
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;
    Pty& operator=(Pty&&) = delete;

    // Hands the master descriptor over (to a TtySerialPort, which closes it); -1 when already given.
    int release_master();
    const std::string& slave_path() const { return slave_path_; }

private:
    int master_ = -1;
    // Kept open for the Pty's lifetime, on purpose: when the last descriptor of the slave closes,
    // reads on the master fail with EIO and poll() reports POLLHUP until someone reopens it, so a
    // program that closes and reopens the port (libmodbus does on every modbus_connect) would
    // leave the board's loop facing a hang-up. Keep the Pty alive as long as the port on its master.
    int slave_ = -1;
    std::string slave_path_;
};

}  // namespace hal::linux_backend
