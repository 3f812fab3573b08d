#include "rtu_transports.hpp"

#include <cerrno>

namespace harness {

RtuTransport::RtuTransport(Rig& rig, Kind kind) : rig_(rig), kind_(kind) {
    if (kind == Kind::pty) {
        pty_ = std::make_unique<hal::linux_backend::Pty>();
        tty_ = std::make_unique<hal::linux_backend::TtySerialPort>(rig.io(), rig.scheduler(), pty_->release_master());
        rig.board().attach(*tty_, true);
        return;
    }
    auto& port = rig.bus().attach("external master");
    port.configure(rig.board().serial_config());
    fw::RtuMasterOptions options;
    options.retries = 0;  // a client sees each loss, as libmodbus does
    options.response_timeout = std::chrono::milliseconds(500);
    master_ = std::make_unique<fw::RtuMaster>(rig.scheduler(), port, options);
}

ClientReply RtuTransport::exchange(const modbus::Request& request) {
    auto result = std::make_shared<std::optional<fw::TransactionResult>>();
    master_->submit(rig_.config().rs485_address, request, [result](const fw::TransactionResult& r) { *result = r; });
    rig_.run_until([&] { return result->has_value(); }, std::chrono::seconds(5));
    ClientReply out;
    if (!result->has_value() || !(*result)->response) {
        out.code = -ETIMEDOUT;
        return out;
    }
    const auto& response = *(*result)->response;
    if (response.exception) {
        out.code = static_cast<int>(*response.exception);
        return out;
    }
    out.registers = response.registers;
    out.bits = response.bits;
    return out;
}

}  // namespace harness
