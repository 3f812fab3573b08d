#include "poller/rtu_master.hpp"

#include <algorithm>

namespace fw {

RtuMaster::RtuMaster(hal::Scheduler& scheduler, hal::SerialPort& port, RtuMasterOptions options)
    : scheduler_(scheduler),
      port_(port),
      options_(options),
      framer_(scheduler, port.config(), [this](modbus::rtu::Frame f, hal::Time) { on_frame(std::move(f)); },
              options.loose_timing ? modbus::rtu::Framer::loose_timing() : modbus::rtu::Framer::Timing{true, hal::Duration(0)}) {
    framer_.on_error([this] { on_bad_frame(); });
    port_.on_receive([this](std::span<const std::uint8_t> bytes, hal::Time at) { framer_.feed(bytes, at); });
}

RtuMaster::~RtuMaster() {
    if (timer_) scheduler_.cancel(*timer_);
}

void RtuMaster::reconfigure(const hal::SerialConfig& config) {
    port_.configure(config);
    framer_.set_config(config);
    framer_.reset();
}

void RtuMaster::submit(std::uint8_t slave, modbus::Request request, Callback done, bool priority) {
    Transaction t{slave, std::move(request), std::move(done), {}};
    if (priority)
        queue_.push_front(std::move(t));
    else
        queue_.push_back(std::move(t));
    pump();
}

void RtuMaster::pump() {
    if (active_ || queue_.empty() || timer_) return;
    active_ = std::move(queue_.front());
    queue_.pop_front();
    ++stats_.transactions;
    send();
}

hal::Duration RtuMaster::expected_reply_time(const modbus::Request& r) const {
    std::size_t pdu = 5;
    if (r.function == modbus::Function::read_holding_registers || r.function == modbus::Function::read_input_registers)
        pdu = 2 + 2U * r.count;
    else if (r.function == modbus::Function::read_coils || r.function == modbus::Function::read_discrete_inputs)
        pdu = 2 + (r.count + 7U) / 8U;
    return modbus::rtu::wire_time(port_.config(), pdu + 3);
}

void RtuMaster::send() {
    // Keep the 3.5-character silence between frames on the line.
    const hal::Time now = scheduler_.now();
    if (now < line_quiet_at_) {
        timer_ = scheduler_.at(line_quiet_at_, [this] {
            timer_.reset();
            send();
        });
        return;
    }
    ++active_->result.tries;
    const auto frame = modbus::rtu::encode_frame(active_->slave, modbus::encode_request(active_->request));
    port_.write(frame);
    awaiting_reply_ = true;
    const hal::Duration wait = modbus::rtu::wire_time(port_.config(), frame.size()) + expected_reply_time(active_->request) +
                               options_.response_timeout;
    timer_ = scheduler_.after(wait, [this] {
        timer_.reset();
        awaiting_reply_ = false;
        fail_try(false);
    });
}

void RtuMaster::on_frame(modbus::rtu::Frame frame) {
    if (!active_ || !awaiting_reply_) return;  // a late reply to a try already given up: ignore it
    awaiting_reply_ = false;
    line_quiet_at_ = scheduler_.now() + modbus::rtu::t3_5(port_.config());
    if (frame.address != active_->slave) {  // another device answered: the line is not ours
        fail_try(true);
        return;
    }
    auto decoded = modbus::decode_response(active_->request, frame.pdu);
    if (auto* r = std::get_if<modbus::Response>(&decoded)) {
        scheduler_.cancel(*timer_);
        timer_.reset();
        active_->result.response = std::move(*r);
        if (active_->result.response->exception)
            ++stats_.exceptions;
        else
            ++stats_.ok;
        finish();
        return;
    }
    fail_try(true);
}

void RtuMaster::on_bad_frame() {
    ++stats_.bad_frames;
    line_quiet_at_ = scheduler_.now() + modbus::rtu::t3_5(port_.config());
    // A corrupt reply is an answer we cannot use: retry now instead of waiting out the timeout.
    if (active_ && awaiting_reply_) {
        awaiting_reply_ = false;
        fail_try(true);
    }
}

void RtuMaster::fail_try(bool corrupt) {
    if (timer_) {
        scheduler_.cancel(*timer_);
        timer_.reset();
    }
    if (!active_) return;
    if (corrupt) active_->result.corrupt_seen = true;
    else ++stats_.timeouts;
    if (active_->result.tries <= options_.retries) {
        ++stats_.retries;
        send();
        return;
    }
    ++stats_.failed;
    active_->result.error = corrupt ? TransactionError::bad_reply : TransactionError::timeout;
    finish();
}

void RtuMaster::finish() {
    Transaction t = std::move(*active_);
    active_.reset();
    if (t.done) t.done(t.result);
    pump();
}

}  // namespace fw
