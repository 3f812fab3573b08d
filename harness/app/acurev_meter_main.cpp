// acurev-meter: the virtual metering board alone, on a pseudo-terminal, in real time — for
// external RTU masters (libmodbus, pymodbus, mbpoll) and for acurev-fw on the Linux backend.
#include <atomic>
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "acurev/board_map.hpp"
#include "common/event_scheduler.hpp"
#include "linux/realtime_pacer.hpp"
#include "linux/tty_serial_port.hpp"
#include "meter/virtual_board.hpp"
#include "rig_config.hpp"

namespace {
std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 virtual metering board on a pty"};
    std::string config_file;
    bool pty_flag = false;
    double speed = 1.0;
    std::uint64_t seed = 0;
    app.add_option("--config", config_file, "JSON config as for acurev-sim (loads, wiring, CT type, RS-485)")->check(CLI::ExistingFile);
    app.add_flag("--pty", pty_flag, "serve Modbus RTU on a new pseudo-terminal (the only transport so far)")->required();
    auto* seed_opt = app.add_option("--seed", seed, "seed of the noise");
    app.add_option("--speed", speed, "virtual seconds per wall second")->check(CLI::Range(0.001, 1e6));
    CLI11_PARSE(app, argc, argv);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        auto config = config_file.empty() ? harness::default_config() : harness::load_config_file(config_file);
        if (seed_opt->count()) config.seed = seed;
        boost::asio::io_context io;
        hal::EventScheduler scheduler(config.start_time);
        sim::WaveformGenerator world(config.seed);
        harness::configure_world(world, config);
        sim::meter::VirtualBoard board(scheduler, world, harness::board_config_of(config));
        hal::linux_backend::Pty pty;
        hal::linux_backend::TtySerialPort port(io, scheduler, pty.release_master());
        board.attach(port, true);
        std::cout << "ready\n  modbus-rtu   " << pty.slave_path() << "    address " << static_cast<int>(board.address()) << ", "
                  << board.serial_config().describe() << std::endl;
        hal::linux_backend::RealTimePacer pacer(io, scheduler, speed);
        pacer.run(stop_requested);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "acurev-meter: " << e.what() << std::endl;
        return 1;
    }
}
