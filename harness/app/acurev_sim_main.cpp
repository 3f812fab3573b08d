// acurev-sim: the simulated AcuRev 2100 for people — virtual board, bus and firmware in one
// process, paced to real time (or --speed N faster). Prints "ready" and its endpoints once every
// service listens; stops cleanly on Ctrl-C.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>

#include "linux/realtime_pacer.hpp"
#include "linux/tty_serial_port.hpp"
#include "rig.hpp"
#include "settings/json_input.hpp"

namespace {

std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }

// Commands typed (or piped) on standard input while the meter runs, one per line:
//   load {"channel": 1, "current": 20, "pf": 0.9}   a config "channels" entry: the new load of that channel
// Read on the loop; a bad command is reported on stderr and the meter runs on. Standard input
// that cannot be watched (a regular file, /dev/null) takes no commands.
class StdinCommands {
public:
    StdinCommands(harness::Rig& rig) : rig_(rig), in_(rig.io()) {
        flags_ = ::fcntl(STDIN_FILENO, F_GETFL);
        boost::system::error_code ec;
        in_.assign(::dup(STDIN_FILENO), ec);
        if (!ec) read();
    }
    ~StdinCommands() {
        boost::system::error_code ec;
        in_.close(ec);
        if (flags_ >= 0) ::fcntl(STDIN_FILENO, F_SETFL, flags_);  // a terminal is left as it was
    }

private:
    void read() {
        boost::asio::async_read_until(in_, buffer_, '\n', [this](boost::system::error_code ec, std::size_t) {
            if (ec) return;  // end of input, or input that cannot be watched
            std::istream lines(&buffer_);
            std::string line;
            std::getline(lines, line);
            run(line);
            read();
        });
    }
    void run(const std::string& line) {
        const auto space = line.find(' ');
        const std::string verb = line.substr(0, space);
        try {
            if (verb.empty()) return;
            if (verb != "load") throw harness::ConfigError("unknown command '" + verb + "' (commands: load {channel entry})");
            rig_.set_load(fw::parse_json_input(space == std::string::npos ? "" : line.substr(space + 1), "the load command"));
            std::cout << "load changed" << std::endl;
        } catch (const std::exception& e) {
            std::cerr << "acurev-sim: " << e.what() << std::endl;
        }
    }
    harness::Rig& rig_;
    boost::asio::posix::stream_descriptor in_;
    boost::asio::streambuf buffer_;
    int flags_ = -1;
};

struct RunOptions {
    std::string config_file;
    std::string data_dir;
    std::string bind = "127.0.0.1";
    std::string eth2;
    int modbus_port = -1;
    std::uint64_t seed = 0;
    bool seed_given = false;
    double speed = 1.0;
    std::string fidelity;
    bool pty = false;
    double duration_s = 0;
    std::string dump_file;
    std::vector<std::string> set;
    std::string update_key, family_key;
    bool allow_outside = false;
};

int run(const RunOptions& o) {
    harness::RigConfig config = o.config_file.empty() ? harness::default_config() : harness::load_config_file(o.config_file);
    if (o.seed_given) config.seed = o.seed;
    if (!o.fidelity.empty()) config.fidelity = o.fidelity == "analytic" ? sim::meter::Fidelity::analytic : sim::meter::Fidelity::sample;
    config.bind_address = o.bind;
    config.data_dir = o.data_dir;
    if (!o.update_key.empty()) config.update_key_file = o.update_key;
    if (!o.family_key.empty()) config.family_key_file = o.family_key;
    if (o.modbus_port >= 0) config.modbus_port = static_cast<std::uint16_t>(o.modbus_port);
    for (const auto& s : o.set) config.settings.update(harness::setting_from_text(s));
    config.eth2_address = o.eth2;
    config.allow_outside = o.allow_outside;
    for (const auto& [flag, address] : {std::pair{"--bind", o.bind}, std::pair{"--eth2", o.eth2}}) {
        if (address.empty()) continue;
        boost::system::error_code ec;
        boost::asio::ip::make_address_v4(address, ec);
        if (ec) throw harness::ConfigError(std::string(flag) + " " + address + " is not an IPv4 address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)");
        if (address.rfind("127.", 0) != 0)
            std::cerr << "acurev-sim: note: " << flag << " " << address
                      << " makes the simulated meter reachable from the network, not only from this machine\n";
    }

    hal::linux_backend::WallClock wall;
    config.wall_clock = &wall;
    harness::Rig rig(config);
    rig.start();
    // The board memory is saved every wall second, so a kill -9 loses at most the last second
    // of energy (acknowledged writes are saved before their reply).
    const hal::Duration every = hal::from_seconds(o.speed);
    std::function<void()> save = [&rig, &save, every] {
        rig.save_board_memory();
        rig.scheduler().after(every, save);
    };
    if (!o.data_dir.empty() && o.speed > 0) rig.scheduler().after(every, save);

    std::unique_ptr<hal::linux_backend::Pty> pty;
    std::unique_ptr<hal::linux_backend::TtySerialPort> pty_port;
    if (o.pty) {
        pty = std::make_unique<hal::linux_backend::Pty>();
        pty_port = std::make_unique<hal::linux_backend::TtySerialPort>(rig.io(), rig.scheduler(), pty->release_master());
        rig.board().attach(*pty_port, true);
    }

    StdinCommands commands(rig);
    std::cout << "ready" << std::endl;
    if (rig.restarted()) std::cout << "  restarted from the board memory in " << rig.data_dir().string() << "\n";
    std::cout << fw::endpoint_table(rig.firmware().services());
    if (pty) std::cout << "  modbus-rtu   " << pty->slave_path() << "    board, " << rig.board().serial_config().describe() << "\n";
    std::cout << "  data-dir     " << rig.data_dir().string() << "\n";
    std::cout << "  seed         " << config.seed << ", speed " << o.speed << "x, fidelity "
              << (rig.board().fidelity() == sim::meter::Fidelity::sample ? "sample" : "analytic") << std::endl;

    if (o.duration_s > 0 && o.speed <= 0) {
        // As fast as the CPU allows, then exit: for dumps and quick checks.
        rig.advance(hal::from_seconds(o.duration_s));
    } else {
        const hal::Time end = o.duration_s > 0 ? rig.now() + hal::from_seconds(o.duration_s) : hal::Time::max();
        hal::linux_backend::RealTimePacer pacer(rig.io(), rig.scheduler(), o.speed);
        pacer.run(stop_requested, end);
    }
    if (!o.dump_file.empty()) {
        std::ofstream out(o.dump_file);
        out << rig.dump();
    }
    std::cout << "stopped at " << std::chrono::duration_cast<std::chrono::seconds>(rig.now()).count() << " s (virtual)" << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 simulated meter: virtual board, RS-485 bus and WEB2 firmware in one process"};
    app.require_subcommand(1);
    RunOptions o;
    auto* run_cmd = app.add_subcommand("run", "run the simulated meter");
    run_cmd->add_option("--config", o.config_file, "JSON config: loads, wiring, CT type, seed (see README)")->check(CLI::ExistingFile);
    run_cmd->add_option("--data-dir", o.data_dir, "the device's data directory (default: a temporary one)");
    run_cmd->add_option("--bind", o.bind, "where eth1's services listen (default 127.0.0.1; 0.0.0.0 = every interface, on purpose)");
    run_cmd->add_option("--eth2", o.eth2, "where eth2's services listen (e.g. 127.0.0.2; default: eth2 serves nothing)");
    run_cmd->add_option("--modbus-port", o.modbus_port, "Modbus TCP device port: 502 or 2000-5999 (502 maps to 10502 when not root)");
    auto* seed = run_cmd->add_option("--seed", o.seed, "seed of every random process (noise, bus faults)");
    run_cmd->add_option("--speed", o.speed, "virtual seconds per wall second; 0 = as fast as possible (needs --duration)")
        ->check(CLI::Range(0.0, 1e6));
    run_cmd->add_option("--fidelity", o.fidelity, "sample or analytic")->check(CLI::IsMember({"sample", "analytic"}));
    run_cmd->add_flag("--pty", o.pty, "also put the board on a pseudo-terminal for external RTU masters");
    run_cmd->add_option("--duration", o.duration_s, "stop after this many virtual seconds")->check(CLI::PositiveNumber);
    run_cmd->add_option("--dump", o.dump_file, "write the register dump here when stopping");
    run_cmd->add_option("--update-key", o.update_key, "the signing public key firmware packages must carry (PEM; docs/update.md)")
        ->check(CLI::ExistingFile);
    run_cmd->add_option("--family-key", o.family_key, "the device family's key for encrypted packages (64 hex digits)")->check(CLI::ExistingFile);
    run_cmd->add_flag("--allow-outside", o.allow_outside,
                      "let services contact hosts beyond this machine (NTP servers such as pool.ntp.org, brokers); "
                      "without it only 127.0.0.0/8 and the simulator's own addresses are contacted");
    run_cmd->add_option("--set", o.set, "KEY=VALUE: any module or board setting at start (docs/settings.md); repeatable");
    CLI11_PARSE(app, argc, argv);
    o.seed_given = seed->count() > 0;
    if (o.speed == 0 && o.duration_s <= 0) {
        std::cerr << "acurev-sim: --speed 0 (as fast as possible) needs --duration\n";
        return 2;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "acurev-sim: " << e.what() << std::endl;
        return 1;
    }
}
