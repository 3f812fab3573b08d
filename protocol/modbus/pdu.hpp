#pragma once
// The one Modbus PDU codec: the virtual board's RTU slave, the firmware's RTU master and the
// firmware's Modbus TCP server all encode and decode through here (ARCHITECTURE "Modbus").
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace modbus {

enum class Function : std::uint8_t {
    read_coils = 0x01,
    read_discrete_inputs = 0x02,
    read_holding_registers = 0x03,
    read_input_registers = 0x04,
    write_single_coil = 0x05,
    write_single_register = 0x06,
    write_multiple_coils = 0x0F,
    write_multiple_registers = 0x10,
};

enum class Exception : std::uint8_t {
    illegal_function = 0x01,
    illegal_data_address = 0x02,
    illegal_data_value = 0x03,
    server_device_failure = 0x04,
    acknowledge = 0x05,
    server_device_busy = 0x06,
    gateway_path_unavailable = 0x0A,
    gateway_target_failed = 0x0B,
};

std::string to_string(Exception e);
bool is_known_function(std::uint8_t code);
bool is_read(Function f);
bool is_bit_function(Function f);

// Limits of the Modbus application protocol v1.1b3.
constexpr std::uint16_t max_read_bits = 2000;
constexpr std::uint16_t max_read_registers = 125;
constexpr std::uint16_t max_write_bits = 1968;
constexpr std::uint16_t max_write_registers = 123;
constexpr std::size_t max_pdu_size = 253;

struct Request {
    Function function = Function::read_holding_registers;
    std::uint16_t address = 0;
    std::uint16_t count = 0;                // registers or bits; 1 for the single writes
    std::vector<std::uint16_t> registers;   // values of FC06/FC16
    std::vector<bool> bits;                 // values of FC05/FC15
};

struct Response {
    Function function = Function::read_holding_registers;
    std::optional<Exception> exception;
    std::vector<std::uint16_t> registers;  // FC03/FC04
    std::vector<bool> bits;                // FC01/FC02 (trimmed to the requested count)
};

// A request the server must refuse, with the exception and the function byte to answer with.
struct Refusal {
    std::uint8_t function;
    Exception exception;
};

// Server side.
std::variant<Request, Refusal> decode_request(std::span<const std::uint8_t> pdu);
std::vector<std::uint8_t> encode_exception(std::uint8_t function, Exception e);
std::vector<std::uint8_t> encode_response(const Request& request, const Response& response);

// Client side. A reply that does not fit the request is an error string (never an exception code).
std::vector<std::uint8_t> encode_request(const Request& request);
std::variant<Response, std::string> decode_response(const Request& request, std::span<const std::uint8_t> pdu);

// What a synchronous Modbus server exposes (the virtual board). Each returns the exception to
// answer, or nothing on success.
class RegisterSpace {
public:
    virtual ~RegisterSpace() = default;
    virtual std::optional<Exception> read_bits(Function f, std::uint16_t address, std::uint16_t count, std::vector<bool>& out) = 0;
    virtual std::optional<Exception> read_registers(Function f, std::uint16_t address, std::uint16_t count,
                                                    std::vector<std::uint16_t>& out) = 0;
    virtual std::optional<Exception> write_bits(std::uint16_t address, const std::vector<bool>& values) = 0;
    virtual std::optional<Exception> write_registers(std::uint16_t address, const std::vector<std::uint16_t>& values) = 0;
};

// Decodes a request PDU, applies it to the space and encodes the reply PDU.
std::vector<std::uint8_t> serve(std::span<const std::uint8_t> request_pdu, RegisterSpace& space);

// Register helpers: float32 and uint32 are high word first (register map "Conventions").
void put_float(std::vector<std::uint16_t>& regs, std::size_t at, float v);
void put_u32(std::vector<std::uint16_t>& regs, std::size_t at, std::uint32_t v);
float get_float(std::span<const std::uint16_t> regs, std::size_t at);
std::uint32_t get_u32(std::span<const std::uint16_t> regs, std::size_t at);

}  // namespace modbus
