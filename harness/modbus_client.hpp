#pragma once
// Runs a blocking Modbus client (libmodbus: TCP to the module, or RTU on a pty to the board) on
// its own thread while the calling thread keeps the rig's loop serving (ARCHITECTURE "Time is
// virtual"). Over TCP time stays paused unless the module waits on the board for the client; over
// RTU the board's side needs the bus and its timers, so time runs while the client waits.
#include <modbus/modbus.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "rig.hpp"

namespace harness {

struct ClientEndpoint {
    std::string rtu_path;  // empty: Modbus TCP to the module
    std::string tcp_address = "127.0.0.1";  // eth1's listen address in a rig
};

template <typename Fn>
auto with_client(harness::Rig& rig, const ClientEndpoint& endpoint, Fn fn) -> decltype(fn(static_cast<modbus_t*>(nullptr))) {
    const bool rtu = !endpoint.rtu_path.empty();
    const int port = rtu ? 0 : rig.modbus_tcp_port();
    const int unit = rig.config().rs485_address;
    auto job = std::async(std::launch::async, [endpoint, rtu, port, unit, fn] {
        modbus_t* ctx = rtu ? modbus_new_rtu(endpoint.rtu_path.c_str(), 19200, 'N', 8, 1) : modbus_new_tcp(endpoint.tcp_address.c_str(), port);
        if (!ctx) throw std::runtime_error("cannot make a libmodbus context");
        modbus_set_slave(ctx, unit);
        modbus_set_response_timeout(ctx, 5, 0);
        if (modbus_connect(ctx) != 0) {
            modbus_free(ctx);
            throw std::runtime_error(rtu ? "cannot open " + endpoint.rtu_path : "cannot connect to the rig's Modbus TCP port");
        }
        struct Closer {
            modbus_t* c;
            ~Closer() {
                modbus_close(c);
                modbus_free(c);
            }
        } closer{ctx};
        return fn(ctx);
    });
    auto ready = [&] { return job.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready; };
    if (rtu) {
        while (!ready()) {
            rig.io().poll();
            rig.advance(std::chrono::milliseconds(1));
            rig.io().run_one_for(std::chrono::microseconds(200));
        }
    } else {
        rig.serve_until(ready);
    }
    return job.get();
}

template <typename Fn>
auto with_client(harness::Rig& rig, Fn fn) -> decltype(fn(static_cast<modbus_t*>(nullptr))) {
    return with_client(rig, ClientEndpoint{}, fn);
}

// A started rig on the built-in load in analytic fidelity, polled for 3 s so every block is read.
inline std::unique_ptr<harness::Rig> started_rig(std::uint16_t modbus_port) {
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = modbus_port;
    auto rig = std::make_unique<harness::Rig>(c);
    rig->start();
    rig->advance(std::chrono::seconds(3));
    return rig;
}

// The exception code a request got (0 when it succeeded).
inline int exception_of(int rc) {
    if (rc >= 0) return 0;
    if (errno > MODBUS_ENOBASE && errno < MODBUS_ENOBASE + 0x20) return errno - MODBUS_ENOBASE;
    return -errno;
}

inline float reg_float(const std::vector<std::uint16_t>& r, std::size_t at) { return modbus_get_float_abcd(&r[at]); }

}  // namespace harness
