#include "modbus/pdu.hpp"

#include <bit>
#include <cstring>

namespace modbus {

namespace {

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

void push16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

void push_bits(std::vector<std::uint8_t>& out, const std::vector<bool>& bits) {
    const std::size_t bytes = (bits.size() + 7) / 8;
    out.push_back(static_cast<std::uint8_t>(bytes));
    for (std::size_t i = 0; i < bytes; ++i) {
        std::uint8_t b = 0;
        for (std::size_t k = 0; k < 8 && i * 8 + k < bits.size(); ++k)
            if (bits[i * 8 + k]) b = static_cast<std::uint8_t>(b | (1U << k));
        out.push_back(b);
    }
}

std::vector<bool> unpack_bits(std::span<const std::uint8_t> bytes, std::size_t count) {
    std::vector<bool> bits(count);
    for (std::size_t i = 0; i < count; ++i) bits[i] = (bytes[i / 8] >> (i % 8)) & 1U;
    return bits;
}

Refusal refuse(std::uint8_t fn, Exception e) { return Refusal{fn, e}; }

}  // namespace

std::string to_string(Exception e) {
    switch (e) {
        case Exception::illegal_function: return "01 illegal function";
        case Exception::illegal_data_address: return "02 illegal data address";
        case Exception::illegal_data_value: return "03 illegal data value";
        case Exception::server_device_failure: return "04 server device failure";
        case Exception::acknowledge: return "05 acknowledge";
        case Exception::server_device_busy: return "06 server device busy";
        case Exception::gateway_path_unavailable: return "0A gateway path unavailable";
        case Exception::gateway_target_failed: return "0B gateway target device failed to respond";
    }
    return "exception " + std::to_string(static_cast<int>(e));
}

bool is_known_function(std::uint8_t code) {
    switch (code) {
        case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x0F: case 0x10: return true;
        default: return false;
    }
}

bool is_read(Function f) {
    return f == Function::read_coils || f == Function::read_discrete_inputs || f == Function::read_holding_registers ||
           f == Function::read_input_registers;
}

bool is_bit_function(Function f) {
    return f == Function::read_coils || f == Function::read_discrete_inputs || f == Function::write_single_coil ||
           f == Function::write_multiple_coils;
}

std::variant<Request, Refusal> decode_request(std::span<const std::uint8_t> pdu) {
    if (pdu.empty()) return refuse(0, Exception::illegal_function);
    const std::uint8_t fn = pdu[0];
    if (!is_known_function(fn)) return refuse(fn, Exception::illegal_function);
    Request r;
    r.function = static_cast<Function>(fn);
    if (pdu.size() < 5) return refuse(fn, Exception::illegal_data_value);
    r.address = be16(pdu, 1);
    const std::uint16_t word = be16(pdu, 3);
    switch (r.function) {
        case Function::read_coils:
        case Function::read_discrete_inputs:
            if (pdu.size() != 5 || word < 1 || word > max_read_bits) return refuse(fn, Exception::illegal_data_value);
            r.count = word;
            break;
        case Function::read_holding_registers:
        case Function::read_input_registers:
            if (pdu.size() != 5 || word < 1 || word > max_read_registers) return refuse(fn, Exception::illegal_data_value);
            r.count = word;
            break;
        case Function::write_single_coil:
            if (pdu.size() != 5 || (word != 0xFF00 && word != 0x0000)) return refuse(fn, Exception::illegal_data_value);
            r.count = 1;
            r.bits = {word == 0xFF00};
            break;
        case Function::write_single_register:
            if (pdu.size() != 5) return refuse(fn, Exception::illegal_data_value);
            r.count = 1;
            r.registers = {word};
            break;
        case Function::write_multiple_coils: {
            const std::size_t bytes = (word + 7U) / 8U;
            if (word < 1 || word > max_write_bits || pdu.size() != 6 + bytes || pdu[5] != bytes)
                return refuse(fn, Exception::illegal_data_value);
            r.count = word;
            r.bits = unpack_bits(pdu.subspan(6), word);
            break;
        }
        case Function::write_multiple_registers:
            if (word < 1 || word > max_write_registers || pdu.size() < 6 || pdu[5] != 2U * word ||
                pdu.size() != 6U + 2U * word)
                return refuse(fn, Exception::illegal_data_value);
            r.count = word;
            for (std::size_t i = 0; i < word; ++i) r.registers.push_back(be16(pdu, 6 + 2 * i));
            break;
    }
    if (static_cast<unsigned>(r.address) + r.count > 0x10000U) return refuse(fn, Exception::illegal_data_address);
    return r;
}

std::vector<std::uint8_t> encode_exception(std::uint8_t function, Exception e) {
    return {static_cast<std::uint8_t>(function | 0x80U), static_cast<std::uint8_t>(e)};
}

std::vector<std::uint8_t> encode_response(const Request& request, const Response& response) {
    const auto fn = static_cast<std::uint8_t>(request.function);
    if (response.exception) return encode_exception(fn, *response.exception);
    std::vector<std::uint8_t> out{fn};
    switch (request.function) {
        case Function::read_coils:
        case Function::read_discrete_inputs:
            push_bits(out, response.bits);
            break;
        case Function::read_holding_registers:
        case Function::read_input_registers:
            out.push_back(static_cast<std::uint8_t>(2 * response.registers.size()));
            for (const auto v : response.registers) push16(out, v);
            break;
        case Function::write_single_coil:
            push16(out, request.address);
            push16(out, request.bits.at(0) ? 0xFF00 : 0x0000);
            break;
        case Function::write_single_register:
            push16(out, request.address);
            push16(out, request.registers.at(0));
            break;
        case Function::write_multiple_coils:
        case Function::write_multiple_registers:
            push16(out, request.address);
            push16(out, request.count);
            break;
    }
    return out;
}

std::vector<std::uint8_t> encode_request(const Request& r) {
    std::vector<std::uint8_t> out{static_cast<std::uint8_t>(r.function)};
    push16(out, r.address);
    switch (r.function) {
        case Function::read_coils:
        case Function::read_discrete_inputs:
        case Function::read_holding_registers:
        case Function::read_input_registers:
            push16(out, r.count);
            break;
        case Function::write_single_coil:
            push16(out, r.bits.at(0) ? 0xFF00 : 0x0000);
            break;
        case Function::write_single_register:
            push16(out, r.registers.at(0));
            break;
        case Function::write_multiple_coils:
            push16(out, static_cast<std::uint16_t>(r.bits.size()));
            push_bits(out, r.bits);
            break;
        case Function::write_multiple_registers:
            push16(out, static_cast<std::uint16_t>(r.registers.size()));
            out.push_back(static_cast<std::uint8_t>(2 * r.registers.size()));
            for (const auto v : r.registers) push16(out, v);
            break;
    }
    return out;
}

std::variant<Response, std::string> decode_response(const Request& req, std::span<const std::uint8_t> pdu) {
    const auto fn = static_cast<std::uint8_t>(req.function);
    if (pdu.empty()) return std::string("empty reply");
    Response r;
    r.function = req.function;
    if (pdu[0] == (fn | 0x80U)) {
        if (pdu.size() != 2) return std::string("malformed exception reply");
        r.exception = static_cast<Exception>(pdu[1]);
        return r;
    }
    if (pdu[0] != fn) return "reply to function " + std::to_string(pdu[0]) + ", asked " + std::to_string(fn);
    switch (req.function) {
        case Function::read_coils:
        case Function::read_discrete_inputs: {
            const std::size_t bytes = (req.count + 7U) / 8U;
            if (pdu.size() != 2 + bytes || pdu[1] != bytes) return std::string("bit reply of the wrong length");
            r.bits = unpack_bits(pdu.subspan(2), req.count);
            break;
        }
        case Function::read_holding_registers:
        case Function::read_input_registers:
            if (pdu.size() != 2U + 2U * req.count || pdu[1] != 2U * req.count)
                return std::string("register reply of the wrong length");
            for (std::size_t i = 0; i < req.count; ++i) r.registers.push_back(be16(pdu, 2 + 2 * i));
            break;
        default: {
            const auto echo = encode_response(req, Response{req.function, std::nullopt, {}, {}});
            if (pdu.size() != echo.size() || !std::equal(echo.begin(), echo.end(), pdu.begin()))
                return std::string("write reply does not echo the request");
            break;
        }
    }
    return r;
}

std::vector<std::uint8_t> serve(std::span<const std::uint8_t> request_pdu, RegisterSpace& space) {
    auto decoded = decode_request(request_pdu);
    if (auto* refusal = std::get_if<Refusal>(&decoded)) return encode_exception(refusal->function, refusal->exception);
    const auto& req = std::get<Request>(decoded);
    Response resp;
    resp.function = req.function;
    switch (req.function) {
        case Function::read_coils:
        case Function::read_discrete_inputs:
            resp.exception = space.read_bits(req.function, req.address, req.count, resp.bits);
            break;
        case Function::read_holding_registers:
        case Function::read_input_registers:
            resp.exception = space.read_registers(req.function, req.address, req.count, resp.registers);
            break;
        case Function::write_single_coil:
        case Function::write_multiple_coils:
            resp.exception = space.write_bits(req.address, req.bits);
            break;
        case Function::write_single_register:
        case Function::write_multiple_registers:
            resp.exception = space.write_registers(req.address, req.registers);
            break;
    }
    return encode_response(req, resp);
}

void put_float(std::vector<std::uint16_t>& regs, std::size_t at, float v) { put_u32(regs, at, std::bit_cast<std::uint32_t>(v)); }

void put_u32(std::vector<std::uint16_t>& regs, std::size_t at, std::uint32_t v) {
    regs.at(at) = static_cast<std::uint16_t>(v >> 16);
    regs.at(at + 1) = static_cast<std::uint16_t>(v & 0xFFFF);
}

float get_float(std::span<const std::uint16_t> regs, std::size_t at) { return std::bit_cast<float>(get_u32(regs, at)); }

std::uint32_t get_u32(std::span<const std::uint16_t> regs, std::size_t at) {
    return (static_cast<std::uint32_t>(regs[at]) << 16) | regs[at + 1];
}

}  // namespace modbus
