// acurev-fw: the WEB2 firmware on the Linux backend — the board on an RS-485 tty (or the pty of
// acurev-meter / acurev-sim --pty), services on real sockets, time from the wall clock.
#include <atomic>
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "acurev/board_map.hpp"
#include "core/firmware.hpp"
#include "linux/linux_hal.hpp"

namespace {
std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 WEB2 firmware (Linux backend)"};
    std::string serial = "rs485:/dev/ttyS1?baud=19200&parity=none";
    std::string data_dir = "/var/lib/acurev";
    std::string bind = "0.0.0.0";
    int modbus_port = -1;
    app.add_option("--serial", serial, "the board's RS-485 port: rs485:PATH?baud=N&parity=none|even|odd&stop=1|2");
    app.add_option("--data-dir", data_dir, "the device's data directory");
    app.add_option("--bind", bind, "address services bind to");
    app.add_option("--modbus-port", modbus_port, "Modbus TCP port setting: 502 or 2000-5999 (saved)");
    std::string sshd_config_dir;
    app.add_option("--sshd-config-dir", sshd_config_dir, "the system sshd's drop-in folder for SFTP download (/etc/ssh/sshd_config.d; docs/sftp.md)");
    CLI11_PARSE(app, argc, argv);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        boost::asio::io_context io;
        hal::linux_backend::LinuxEndpoints endpoints;
        endpoints.serial = serial;
        endpoints.bind = bind;
        endpoints.data_dir = data_dir;
        endpoints.sshd_config_dir = sshd_config_dir;
        endpoints.identity.module_serial = "EHM26110001-W";
        hal::linux_backend::LinuxHal linux_hal(io, endpoints);
        const auto& endpoint = linux_hal.serial_endpoint();
        auto& hal = linux_hal.hal();
        linux_hal.system().on_reboot_request([](const std::string&) { stop_requested = true; });
        {
            // The port settings the board is wired with become the module's RS-485 settings.
            fw::Settings settings(hal.storage);
            nlohmann::json changes = {{"rs485.baud", endpoint.config.baud}, {"rs485.parity", acurev::rs485_parity_code(endpoint.config)}};
            if (modbus_port >= 0) changes["network.modbus_tcp_port"] = modbus_port;
            const auto errors = settings.change(changes);
            if (!errors.empty()) throw std::runtime_error(errors.front());
        }
        fw::FirmwareOptions options;
        options.rtu.loose_timing = true;
        options.rtu.response_timeout = std::chrono::milliseconds(200);  // real UARTs and USB adapters add latency
        fw::Firmware firmware(hal, options);
        firmware.start();
        std::cout << "ready\n" << fw::endpoint_table(firmware.services()) << "  rs485        "
                  << endpoint.path << " " << endpoint.config.describe() << (linux_hal.rs485().rs485_mode() ? " (RS-485 mode)" : "") << std::endl;
        hal::linux_backend::RealTimePacer pacer(io, linux_hal.scheduler(), 1.0);
        pacer.run(stop_requested);
        firmware.stop();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "acurev-fw: " << e.what() << std::endl;
        return 1;
    }
}
