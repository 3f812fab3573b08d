#pragma once
// Runs a blocking Modbus TCP client (libmodbus) on its own thread while the calling thread keeps the
// rig's loop serving sockets with virtual time paused (ARCHITECTURE "Time is virtual").
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

template <typename Fn>
auto with_client(harness::Rig& rig, Fn fn) -> decltype(fn(static_cast<modbus_t*>(nullptr))) {
    auto job = std::async(std::launch::async, [&rig, fn] {
        modbus_t* ctx = modbus_new_tcp("127.0.0.1", rig.modbus_tcp_port());
        if (!ctx) throw std::runtime_error("modbus_new_tcp failed");
        modbus_set_slave(ctx, rig.config().rs485_address);
        modbus_set_response_timeout(ctx, 5, 0);
        if (modbus_connect(ctx) != 0) {
            modbus_free(ctx);
            throw std::runtime_error("cannot connect to the rig's Modbus TCP port");
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
    rig.serve_until([&] { return job.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready; });
    return job.get();
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
