#include "core/firmware.hpp"

#include "acurev/board_map.hpp"

namespace fw {

namespace blocks = acurev::blocks;
using modbus::Exception;
using modbus::Function;

Firmware::Firmware(hal::Hal& hal, boost::asio::io_context& io, FirmwareOptions options)
    : hal_(hal), io_(io), options_(options), settings_(hal.storage), model_(options.stale_after) {
    hal_.rs485.configure(serial_config());
    master_ = std::make_unique<RtuMaster>(hal_.scheduler, hal_.rs485, options_.rtu);
    poller_ = std::make_unique<Poller>(hal_.scheduler, *master_, model_,
                                       [this] { return static_cast<std::uint8_t>(settings_.number("rs485_address")); },
                                       options_.poller);
    ModbusTcpOptions tcp;
    tcp.bind_address = hal_.network.bind_address();
    tcp.port = hal_.network.host_port(modbus_tcp_device_port());
    tcp.idle_timeout = std::chrono::seconds(settings_.number("modbus_tcp_idle_timeout"));
    modbus_tcp_ = std::make_unique<ModbusTcpServer>(io_, hal_.scheduler, *this, tcp);
}

Firmware::~Firmware() { stop(); }

std::uint16_t Firmware::modbus_tcp_device_port() const {
    return static_cast<std::uint16_t>(settings_.number("modbus_tcp_port"));
}

hal::SerialConfig Firmware::serial_config() const {
    return acurev::rs485_line(static_cast<std::uint16_t>(settings_.number("rs485_baud")),
                              static_cast<std::uint16_t>(settings_.number("rs485_parity")));
}

void Firmware::start() {
    poller_->start();
    modbus_tcp_->start();
}

void Firmware::stop() {
    if (modbus_tcp_) modbus_tcp_->stop();
    if (poller_) poller_->stop();
}

bool Firmware::accepts_unit(std::uint8_t unit) const { return unit == settings_.number("rs485_address"); }

std::optional<Exception> Firmware::check_write(const modbus::Request& r) const {
    const acurev::Block* b = acurev::find_block(r.address, r.count);
    if (!b || b->access == acurev::Access::read_only) return Exception::illegal_data_address;
    if (b->start == blocks::clock.start) return std::nullopt;  // the board checks the date itself
    if (b->start == blocks::commands.start)
        return acurev::check_command_write(r.address, r.registers) ? std::optional(Exception::illegal_data_value) : std::nullopt;
    for (std::uint16_t i = 0; i < r.count; ++i)
        if (!acurev::find_setting(static_cast<std::uint16_t>(r.address + i))) return Exception::illegal_data_address;
    const hal::Time now = hal_.scheduler.now();
    // Cross-field rules (demand interval and sub-interval, the other word of a float32) need the
    // board's settings as they are.
    if (model_.quality(blocks::meter_settings.start, blocks::meter_settings.count, now) == Quality::never_read ||
        model_.quality(b->start, b->count, now) == Quality::never_read)
        return Exception::gateway_target_failed;
    const auto current = [this](std::uint16_t a) { return model_.registers(a, 1).at(0); };
    if (acurev::check_settings_write(r.address, r.registers, current)) return Exception::illegal_data_value;
    return std::nullopt;
}

void Firmware::handle(const modbus::Request& r, std::function<void(modbus::Response)> reply) {
    const hal::Time now = hal_.scheduler.now();
    modbus::Response resp;
    resp.function = r.function;
    auto answer = [&](Exception e) {
        resp.exception = e;
        reply(resp);
    };
    auto forwarded = [this, reply, r](const TransactionResult& res) {
        --pending_forwards_;
        modbus::Response out;
        out.function = r.function;
        if (!res.response)
            out.exception = Exception::gateway_target_failed;  // the board did not answer (0x0B)
        else
            out.exception = res.response->exception;
        if (!out.exception) after_board_write(r);
        reply(out);
    };
    switch (r.function) {
        case Function::read_holding_registers:
        case Function::read_input_registers: {  // FC04 reads the same map (documented in README)
            if (!acurev::find_block(r.address, r.count)) return answer(Exception::illegal_data_address);
            if (model_.quality(r.address, r.count, now) != Quality::fresh) return answer(Exception::gateway_target_failed);
            resp.registers = model_.registers(r.address, r.count);
            return reply(resp);
        }
        case Function::read_coils:
        case Function::read_discrete_inputs: {
            const bool coils = r.function == Function::read_coils;
            const unsigned limit = coils ? acurev::coil_count : acurev::discrete_input_count;
            if (static_cast<unsigned>(r.address) + r.count > limit) return answer(Exception::illegal_data_address);
            if ((coils ? model_.coil_quality(now) : model_.input_quality(now)) != Quality::fresh)
                return answer(Exception::gateway_target_failed);
            for (std::uint16_t i = 0; i < r.count; ++i)
                resp.bits.push_back(coils ? model_.coils()[r.address + i] : model_.inputs()[r.address + i]);
            return reply(resp);
        }
        case Function::write_single_coil:
            if (r.address >= acurev::coil_count) return answer(Exception::illegal_data_address);
            ++pending_forwards_;
            return poller_->write_coil(r.address, r.bits.at(0), forwarded);
        case Function::write_single_register:
        case Function::write_multiple_registers:
            if (auto e = check_write(r)) return answer(*e);
            ++pending_forwards_;
            return poller_->write_registers(r.address, r.registers, forwarded);
        case Function::write_multiple_coils:
            // The board family offers FC05 only for relays (web manual 5.4.1).
            return answer(Exception::illegal_function);
    }
}

void Firmware::after_board_write(const modbus::Request& r) {
    if (acurev::blocks::commands.contains(r.address, static_cast<std::uint16_t>(r.registers.size()))) return;
    // The module follows the board's RS-485 settings so it keeps talking to it.
    nlohmann::json changes = nlohmann::json::object();
    for (std::uint16_t i = 0; i < r.registers.size(); ++i) {
        const auto* def = acurev::find_setting(static_cast<std::uint16_t>(r.address + i));
        if (def) changes[def->key] = r.registers[i];
    }
    if (changes.empty()) return;
    const auto before = serial_config();
    settings_.change(changes);
    const auto after = serial_config();
    if (after.baud != before.baud || after.parity != before.parity || after.stop_bits != before.stop_bits)
        master_->reconfigure(after);
}

}  // namespace fw
