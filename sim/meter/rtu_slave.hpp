#pragma once
// The board's bus face: a Modbus RTU slave on one or more serial ports (the virtual RS-485 bus,
// a pty). Silent on CRC and framing errors and on frames for other addresses, as RTU requires.
#include <functional>
#include <memory>
#include <vector>

#include "hal/clock.hpp"
#include "hal/serial.hpp"
#include "modbus/pdu.hpp"
#include "modbus/rtu.hpp"

namespace sim::meter {

class RtuSlave {
public:
    struct Stats {
        std::uint64_t requests = 0, replies = 0, broadcasts = 0, other_address = 0;
    };
    // `address` is read on every frame: the address register may change at any time.
    RtuSlave(hal::Scheduler& scheduler, modbus::RegisterSpace& space, std::function<std::uint8_t()> address,
             hal::Duration turnaround);
    ~RtuSlave();

    void attach(hal::SerialPort& port, bool loose_timing = false);
    void reconfigure(const hal::SerialConfig& config);  // every attached port
    void set_listening(bool on) { listening_ = on; }     // off while the board is powered down
    const Stats& stats() const { return stats_; }
    std::uint64_t framing_errors() const;

private:
    struct Attachment {
        hal::SerialPort* port;
        std::unique_ptr<modbus::rtu::Framer> framer;
    };
    void on_frame(Attachment& a, modbus::rtu::Frame frame);

    hal::Scheduler& scheduler_;
    modbus::RegisterSpace& space_;
    std::function<std::uint8_t()> address_;
    hal::Duration turnaround_;
    bool listening_ = true;
    std::vector<std::unique_ptr<Attachment>> attachments_;
    std::vector<hal::TimerId> pending_;
    Stats stats_;
};

}  // namespace sim::meter
