#include "services/modbus_tcp/modbus_gateway.hpp"

#include "acurev/board_map.hpp"
#include "model/data_model.hpp"
#include "services/modbus_tcp/modbus_tcp_settings.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace blocks = acurev::blocks;
using modbus::Exception;
using modbus::Function;

ModbusGateway::ModbusGateway(ServiceContext& context) : context_(context) {
    server_ = std::make_unique<ModbusTcpServer>(context_.hal.io, context_.hal.scheduler, context_.hal.network, *this, options());
}

ModbusGateway::~ModbusGateway() { stop(); }

std::uint16_t ModbusGateway::device_port() const { return static_cast<std::uint16_t>(context_.settings.number(modbus_tcp_settings::port)); }

ModbusTcpOptions ModbusGateway::options() const {
    ModbusTcpOptions o;
    o.port = context_.hal.network.host_port(device_port());
    o.idle_timeout = std::chrono::seconds(context_.settings.number(modbus_tcp_settings::idle_timeout));
    o.max_connections = static_cast<std::size_t>(context_.settings.number(modbus_tcp_settings::max_connections));
    return o;
}

void ModbusGateway::start() { server_->start(); }
void ModbusGateway::stop() {
    if (server_) server_->stop();
}

Health ModbusGateway::health() const {
    if (!server_->listening()) return {false, "not listening"};
    std::string d = server_->describe() + ", unit id " + std::to_string(context_.board.address());
    if (server_->port() != device_port()) d += ", device port " + std::to_string(device_port()) + " mapped (not root)";
    return {true, d};
}

Reconfigured ModbusGateway::reconfigure(const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
        if (k == modbus_tcp_settings::idle_timeout)
            server_->set_idle_timeout(std::chrono::seconds(context_.settings.number(k)));
        else if (k == modbus_tcp_settings::max_connections)
            server_->set_max_connections(static_cast<std::size_t>(context_.settings.number(k)));
        else
            return Reconfigured::restart_service;  // the port: listen anew
    }
    return Reconfigured::live;
}

bool ModbusGateway::accepts_unit(std::uint8_t unit) const { return unit == context_.board.address(); }

std::optional<Exception> ModbusGateway::check_write(const modbus::Request& r) const {
    const acurev::Block* b = acurev::find_block(r.address, r.count);
    if (!b || b->access == acurev::Access::read_only) return Exception::illegal_data_address;
    if (b->start == blocks::clock.start) return std::nullopt;  // the board checks the date itself
    if (b->start == blocks::commands.start)
        return acurev::check_command_write(r.address, r.registers) ? std::optional(Exception::illegal_data_value) : std::nullopt;
    for (std::uint16_t i = 0; i < r.count; ++i)
        if (!acurev::find_setting(static_cast<std::uint16_t>(r.address + i))) return Exception::illegal_data_address;
    const hal::Time now = context_.hal.scheduler.now();
    const auto& model = context_.model;
    // Cross-field rules (demand interval and sub-interval, the other word of a float32) need the
    // board's settings as they are: until the module has read them (a few seconds after start, or
    // after the board comes back), a write answers 0x0B.
    if (model.quality(blocks::meter_settings.start, blocks::meter_settings.count, now) == Quality::never_read ||
        model.quality(b->start, b->count, now) == Quality::never_read)
        return Exception::gateway_target_failed;
    const auto current = [&model](std::uint16_t a) { return model.registers(a, 1).at(0); };
    if (acurev::check_settings_write(r.address, r.registers, current)) return Exception::illegal_data_value;
    return std::nullopt;
}

void ModbusGateway::handle(const modbus::Request& r, std::function<void(modbus::Response)> reply) {
    const hal::Time now = context_.hal.scheduler.now();
    const auto& model = context_.model;
    modbus::Response resp;
    resp.function = r.function;
    auto answer = [&](Exception e) {
        resp.exception = e;
        reply(resp);
    };
    auto forwarded = [reply, r](const TransactionResult& res) {
        modbus::Response out;
        out.function = r.function;
        out.exception = res.response ? res.response->exception : std::optional(Exception::gateway_target_failed);
        reply(out);
    };
    switch (r.function) {
        case Function::read_holding_registers:
        case Function::read_input_registers: {  // FC04 reads the same map (documented in README)
            if (!acurev::find_block(r.address, r.count)) return answer(Exception::illegal_data_address);
            if (model.quality(r.address, r.count, now) != Quality::fresh) return answer(Exception::gateway_target_failed);
            resp.registers = model.registers(r.address, r.count);
            return reply(resp);
        }
        case Function::read_coils:
        case Function::read_discrete_inputs: {
            const bool coils = r.function == Function::read_coils;
            const unsigned limit = coils ? acurev::coil_count : acurev::discrete_input_count;
            if (static_cast<unsigned>(r.address) + r.count > limit) return answer(Exception::illegal_data_address);
            if ((coils ? model.coil_quality(now) : model.input_quality(now)) != Quality::fresh) return answer(Exception::gateway_target_failed);
            for (std::uint16_t i = 0; i < r.count; ++i) resp.bits.push_back(coils ? model.coils()[r.address + i] : model.inputs()[r.address + i]);
            return reply(resp);
        }
        case Function::write_single_coil:
            if (r.address >= acurev::coil_count) return answer(Exception::illegal_data_address);
            return context_.board.write_coil(r.address, r.bits.at(0), forwarded);
        case Function::write_single_register:
        case Function::write_multiple_registers:
            if (auto e = check_write(r)) return answer(*e);
            return context_.board.write_registers(r.address, r.registers, forwarded);
        case Function::write_multiple_coils:
            // The board family offers FC05 only for relays (web manual 5.4.1).
            return answer(Exception::illegal_function);
    }
}

}  // namespace fw
