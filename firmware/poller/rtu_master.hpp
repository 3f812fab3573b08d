#pragma once
// The module's Modbus RTU master: one transaction at a time on the RS-485 port, with a response
// timeout, retries, CRC checking (by the framer) and the 3.5-character gap between frames.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "hal/clock.hpp"
#include "hal/serial.hpp"
#include "modbus/pdu.hpp"
#include "modbus/rtu.hpp"

namespace fw {

enum class TransactionError { timeout, bad_reply };

struct TransactionResult {
    std::optional<modbus::Response> response;  // set on a reply (which may carry an exception)
    std::optional<TransactionError> error;     // set when every try failed
    int tries = 0;
    bool corrupt_seen = false;                 // a try failed on a corrupt frame (not silence)
};

struct RtuMasterOptions {
    // After the request and the reply's own wire time. The board answers within a few ms; a short
    // timeout keeps a noisy line (lost requests) from starving the poll cycle. A line with more
    // latency than this (a slow repeater) needs a longer one.
    hal::Duration response_timeout{25'000'000};
    int retries = 2;                             // tries = 1 + retries
    // A real UART or pty delivers bytes in chunks at its own pace: no 1.5-character rule then.
    bool loose_timing = false;
};

class RtuMaster {
public:
    using Callback = std::function<void(const TransactionResult&)>;
    struct Stats {
        std::uint64_t transactions = 0, ok = 0, exceptions = 0, timeouts = 0, bad_frames = 0, retries = 0, failed = 0;
    };

    RtuMaster(hal::Scheduler& scheduler, hal::SerialPort& port, RtuMasterOptions options);
    ~RtuMaster();

    // Writes (priority) go before queued polls; the transaction on the line is never interrupted.
    void submit(std::uint8_t slave, modbus::Request request, Callback done, bool priority = false);
    void reconfigure(const hal::SerialConfig& config);
    std::size_t queued() const { return queue_.size() + (active_ ? 1 : 0); }
    const Stats& stats() const { return stats_; }

private:
    struct Transaction {
        std::uint8_t slave;
        modbus::Request request;
        Callback done;
        TransactionResult result;
    };
    void pump();
    void send();
    void on_frame(modbus::rtu::Frame frame);
    void on_bad_frame();
    void fail_try(bool corrupt);
    void finish();
    hal::Duration expected_reply_time(const modbus::Request& r) const;

    hal::Scheduler& scheduler_;
    hal::SerialPort& port_;
    RtuMasterOptions options_;
    modbus::rtu::Framer framer_;
    std::deque<Transaction> queue_;
    std::optional<Transaction> active_;
    std::optional<hal::TimerId> timer_;
    hal::Time line_quiet_at_{};
    bool awaiting_reply_ = false;
    Stats stats_;
};

}  // namespace fw
