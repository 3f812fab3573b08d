#include <catch2/catch.hpp>

#include <map>

#include "modbus/pdu.hpp"

using namespace modbus;
using Bytes = std::vector<std::uint8_t>;

namespace {

// A small register space: holding registers 100..109, coils 0..9, inputs 0..9.
class TestSpace final : public RegisterSpace {
public:
    std::map<std::uint16_t, std::uint16_t> regs;
    std::vector<bool> coils = std::vector<bool>(10, false);
    std::vector<bool> inputs = std::vector<bool>(10, false);
    TestSpace() {
        for (std::uint16_t a = 100; a < 110; ++a) regs[a] = static_cast<std::uint16_t>(a * 3);
        inputs[1] = inputs[8] = true;
    }
    std::optional<Exception> read_bits(Function f, std::uint16_t a, std::uint16_t n, std::vector<bool>& out) override {
        const auto& src = f == Function::read_coils ? coils : inputs;
        if (a + n > src.size()) return Exception::illegal_data_address;
        out.assign(src.begin() + a, src.begin() + a + n);
        return std::nullopt;
    }
    std::optional<Exception> read_registers(Function, std::uint16_t a, std::uint16_t n, std::vector<std::uint16_t>& out) override {
        for (std::uint16_t i = 0; i < n; ++i) {
            auto it = regs.find(static_cast<std::uint16_t>(a + i));
            if (it == regs.end()) return Exception::illegal_data_address;
            out.push_back(it->second);
        }
        return std::nullopt;
    }
    std::optional<Exception> write_bits(std::uint16_t a, const std::vector<bool>& v) override {
        if (a + v.size() > coils.size()) return Exception::illegal_data_address;
        for (std::size_t i = 0; i < v.size(); ++i) coils[a + i] = v[i];
        return std::nullopt;
    }
    std::optional<Exception> write_registers(std::uint16_t a, const std::vector<std::uint16_t>& v) override {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!regs.count(static_cast<std::uint16_t>(a + i))) return Exception::illegal_data_address;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == 0xDEAD) return Exception::illegal_data_value;
            regs[static_cast<std::uint16_t>(a + i)] = v[i];
        }
        return std::nullopt;
    }
};

Bytes round_trip(TestSpace& s, const Request& r) { return serve(encode_request(r), s); }

}  // namespace

TEST_CASE("FC03 and FC04 read registers; FC06 and FC16 write them") {
    TestSpace s;
    CHECK(round_trip(s, {Function::read_holding_registers, 100, 2, {}, {}}) == Bytes{0x03, 4, 0x01, 0x2C, 0x01, 0x2F});
    CHECK(round_trip(s, {Function::read_input_registers, 101, 1, {}, {}}) == Bytes{0x04, 2, 0x01, 0x2F});
    CHECK(round_trip(s, {Function::write_single_register, 105, 1, {0x1234}, {}}) == Bytes{0x06, 0, 105, 0x12, 0x34});
    CHECK(s.regs[105] == 0x1234);
    CHECK(round_trip(s, {Function::write_multiple_registers, 100, 3, {7, 8, 9}, {}}) == Bytes{0x10, 0, 100, 0, 3});
    CHECK((s.regs[100] == 7 && s.regs[101] == 8 && s.regs[102] == 9));
}

TEST_CASE("FC01; FC02 read bits LSB first; FC05 and FC15 write coils") {
    TestSpace s;
    CHECK(round_trip(s, {Function::read_discrete_inputs, 0, 10, {}, {}}) == Bytes{0x02, 2, 0x02, 0x01});
    CHECK(round_trip(s, {Function::write_single_coil, 3, 1, {}, {true}}) == Bytes{0x05, 0, 3, 0xFF, 0x00});
    CHECK(s.coils[3]);
    CHECK(round_trip(s, {Function::read_coils, 0, 4, {}, {}}) == Bytes{0x01, 1, 0x08});
    CHECK(round_trip(s, {Function::write_multiple_coils, 0, 9, {}, {true, false, true, false, false, false, false, false, true}}) ==
          Bytes{0x0F, 0, 0, 0, 9});
    CHECK((s.coils[0] && !s.coils[1] && s.coils[2] && !s.coils[3] && s.coils[8]));
}

TEST_CASE("exceptions: 01 unknown function; 02 address; 03 value and count; passed-through codes") {
    TestSpace s;
    CHECK(serve(Bytes{0x2B, 0x0E, 0x01, 0x00}, s) == Bytes{0xAB, 0x01});
    CHECK(serve(Bytes{0x07}, s) == Bytes{0x87, 0x01});
    CHECK(round_trip(s, {Function::read_holding_registers, 200, 1, {}, {}}) == Bytes{0x83, 0x02});
    CHECK(serve(Bytes{0x03, 0x00, 100, 0x00, 126}, s) == Bytes{0x83, 0x03});  // count over 125
    CHECK(serve(Bytes{0x03, 0x00, 100, 0x00, 0}, s) == Bytes{0x83, 0x03});    // count 0
    CHECK(serve(Bytes{0x01, 0x00, 0, 0x07, 0xD1}, s) == Bytes{0x81, 0x03});   // 2001 bits
    CHECK(serve(Bytes{0x05, 0x00, 1, 0x12, 0x34}, s) == Bytes{0x85, 0x03});   // coil value not FF00/0000
    CHECK(serve(Bytes{0x10, 0x00, 100, 0x00, 2, 3, 0, 1, 0}, s) == Bytes{0x90, 0x03});  // byte count mismatch
    CHECK(serve(Bytes{0x03, 0x00}, s) == Bytes{0x83, 0x03});                  // truncated
    CHECK(serve(Bytes{0x03, 0xFF, 0xFF, 0x00, 2}, s) == Bytes{0x83, 0x02});   // runs past 0xFFFF
    CHECK(round_trip(s, {Function::write_multiple_registers, 100, 1, {0xDEAD}, {}}) == Bytes{0x90, 0x03});
}

TEST_CASE("client side decodes replies and rejects ones that do not fit") {
    const Request r{Function::read_holding_registers, 100, 2, {}, {}};
    auto ok = decode_response(r, Bytes{0x03, 4, 0x00, 0x01, 0xFF, 0xFE});
    REQUIRE(std::holds_alternative<Response>(ok));
    CHECK(std::get<Response>(ok).registers == std::vector<std::uint16_t>{1, 0xFFFE});
    auto ex = decode_response(r, Bytes{0x83, 0x02});
    REQUIRE(std::holds_alternative<Response>(ex));
    CHECK(std::get<Response>(ex).exception == Exception::illegal_data_address);
    CHECK(std::holds_alternative<std::string>(decode_response(r, Bytes{0x03, 2, 0, 1})));
    CHECK(std::holds_alternative<std::string>(decode_response(r, Bytes{0x04, 4, 0, 1, 0, 2})));
    const Request w{Function::write_single_coil, 1, 1, {}, {true}};
    CHECK(std::holds_alternative<Response>(decode_response(w, Bytes{0x05, 0, 1, 0xFF, 0})));
    CHECK(std::holds_alternative<std::string>(decode_response(w, Bytes{0x05, 0, 1, 0, 0})));
}

TEST_CASE("float32 and uint32 are high word first") {
    std::vector<std::uint16_t> regs(4);
    put_float(regs, 0, 230.5f);
    put_u32(regs, 2, 0x00012345);
    CHECK(regs[0] == 0x4366);
    CHECK(regs[1] == 0x8000);
    CHECK(regs[2] == 0x0001);
    CHECK(regs[3] == 0x2345);
    CHECK(get_float(regs, 0) == 230.5f);
    CHECK(get_u32(regs, 2) == 0x12345U);
}
