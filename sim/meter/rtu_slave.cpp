#include "meter/rtu_slave.hpp"

#include <algorithm>

namespace sim::meter {

RtuSlave::RtuSlave(hal::Scheduler& scheduler, modbus::RegisterSpace& space, std::function<std::uint8_t()> address,
                   hal::Duration turnaround)
    : scheduler_(scheduler), space_(space), address_(std::move(address)), turnaround_(turnaround) {}

RtuSlave::~RtuSlave() {
    for (auto id : pending_) scheduler_.cancel(id);
}

void RtuSlave::attach(hal::SerialPort& port, bool loose_timing) {
    auto a = std::make_unique<Attachment>();
    a->port = &port;
    Attachment* raw = a.get();
    auto handler = [this, raw](modbus::rtu::Frame f, hal::Time) { on_frame(*raw, std::move(f)); };
    a->framer = loose_timing ? std::make_unique<modbus::rtu::Framer>(scheduler_, port.config(), handler,
                                                                      modbus::rtu::Framer::loose_timing())
                             : std::make_unique<modbus::rtu::Framer>(scheduler_, port.config(), handler);
    port.on_receive([raw](std::span<const std::uint8_t> bytes, hal::Time at) { raw->framer->feed(bytes, at); });
    attachments_.push_back(std::move(a));
}

void RtuSlave::reconfigure(const hal::SerialConfig& config) {
    for (auto& a : attachments_) {
        a->port->configure(config);
        a->framer->set_config(config);
        a->framer->reset();
    }
}

std::uint64_t RtuSlave::framing_errors() const {
    std::uint64_t n = 0;
    for (const auto& a : attachments_) n += a->framer->stats().crc_errors + a->framer->stats().broken;
    return n;
}

void RtuSlave::on_frame(Attachment& a, modbus::rtu::Frame frame) {
    if (!listening_) return;
    const std::uint8_t own = address_();
    if (frame.address != own && frame.address != 0) {
        ++stats_.other_address;
        return;
    }
    ++stats_.requests;
    auto reply_pdu = modbus::serve(frame.pdu, space_);
    if (frame.address == 0) {  // broadcast: act, never answer
        ++stats_.broadcasts;
        return;
    }
    auto bytes = modbus::rtu::encode_frame(own, reply_pdu);
    hal::SerialPort* port = a.port;
    // The reply leaves after the board's turnaround time, on the settings in force when the
    // request came in (an address or baud change applies after the reply).
    auto id = std::make_shared<hal::TimerId>(0);
    *id = scheduler_.after(turnaround_, [this, port, bytes = std::move(bytes), id] {
        pending_.erase(std::remove(pending_.begin(), pending_.end(), *id), pending_.end());
        if (!listening_) return;
        ++stats_.replies;
        port->write(bytes);
    });
    pending_.push_back(*id);
}

}  // namespace sim::meter
