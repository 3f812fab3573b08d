#include "core/board_link.hpp"

#include "acurev/board_map.hpp"

namespace fw {

BoardLink::BoardLink(hal::Hal& hal, DataModel& model, Settings& settings, PollerOptions poller, RtuMasterOptions rtu)
    : hal_(hal), settings_(settings) {
    hal_.rs485.configure(line());
    master_ = std::make_unique<RtuMaster>(hal_.scheduler, hal_.rs485, rtu);
    poller_ = std::make_unique<Poller>(hal_.scheduler, *master_, model, [this] { return address(); }, poller);
}

BoardLink::~BoardLink() { stop(); }

void BoardLink::start() { poller_->start(); }
void BoardLink::stop() {
    if (poller_) poller_->stop();
}

std::uint8_t BoardLink::address() const { return static_cast<std::uint8_t>(settings_.number("rs485.address")); }

hal::SerialConfig BoardLink::line() const {
    return acurev::rs485_line(static_cast<std::uint16_t>(settings_.number("rs485.baud")),
                              static_cast<std::uint16_t>(settings_.number("rs485.parity")));
}

void BoardLink::write_registers(std::uint16_t address, std::vector<std::uint16_t> values, Done done) {
    ++pending_;
    auto written = values;
    poller_->write_registers(address, std::move(values), [this, address, written, done](const TransactionResult& r) {
        --pending_;
        if (r.response && !r.response->exception) follow_board_settings(address, written);
        done(r);
    });
}

void BoardLink::write_coil(std::uint16_t address, bool on, Done done) {
    ++pending_;
    poller_->write_coil(address, on, [this, done](const TransactionResult& r) {
        --pending_;
        done(r);
    });
}

void BoardLink::follow_board_settings(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    if (acurev::blocks::commands.contains(address, static_cast<std::uint16_t>(values.size()))) return;
    const auto before = line();
    settings_.follow_board(address, values);
    const auto after = line();
    if (after.baud != before.baud || after.parity != before.parity || after.stop_bits != before.stop_bits) master_->reconfigure(after);
}

}  // namespace fw
