#include "rig.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "acurev/board_map.hpp"
#include "modbus/pdu.hpp"

namespace harness {

namespace {

std::filesystem::path make_temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "acurev-rig-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a temporary data directory in " + tmpl);
    return tmpl;
}

}  // namespace

Rig::Rig(RigConfig config, fw::FirmwareOptions firmware_options)
    : config_(std::move(config)), scheduler_(config_.start_time) {
    if (config_.data_dir.empty()) {
        data_dir_ = make_temp_dir();
        own_data_dir_ = true;
    } else {
        data_dir_ = config_.data_dir;
    }
    world_ = std::make_unique<sim::WaveformGenerator>(config_.seed);
    configure_world(*world_, config_);
    bus_ = std::make_unique<sim::bus::VirtualBus>(scheduler_, config_.seed ^ 0x5EEDB05ULL);
    board_ = std::make_unique<sim::meter::VirtualBoard>(scheduler_, *world_, board_config_of(config_));
    board_->attach(bus_->attach("board"));

    hal::sim::SimEndpoints endpoints;
    endpoints.listen = {{"eth1", config_.bind_address}};
    if (!config_.eth2_address.empty()) endpoints.listen["eth2"] = config_.eth2_address;
    endpoints.data_dir = data_dir_.string();
    endpoints.allow_outside = config_.allow_outside;
    endpoints.identity = {"EHM26110001-W", "EHM26110001", "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03", "", ""};
    auto key_file = [](const std::string& path, const char* what) {
        std::ifstream in(path);
        if (!in) throw ConfigError(std::string("config field 'update.") + what + "': cannot read " + path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    if (!config_.update_key_file.empty()) endpoints.identity.update_public_key = key_file(config_.update_key_file, "public_key");
    if (!config_.family_key_file.empty()) endpoints.identity.family_key = key_file(config_.family_key_file, "family_key");
    sim_hal_ = std::make_unique<hal::sim::SimHal>(io_, scheduler_, bus_->attach("module"), endpoints);
    board_memory_ = std::make_unique<hal::FileStorage>(data_dir_);
    restarted_ = restore_board_memory();
    if (!own_data_dir_)
        board_->on_memory_written([this] {
            try {
                save_board_memory();
            } catch (const std::exception& e) {  // the write stands on the board; the file catches up at the next save
                std::fprintf(stderr, "acurev: the board memory could not be saved: %s\n", e.what());
            }
        });

    fw::Settings settings(sim_hal_->storage());
    nlohmann::json changes = nlohmann::json::object();
    // At first boot the module's RS-485 settings are made to match the board's, so they talk at
    // all; after a restart both come from their memories (a write over Modbus changed both).
    if (!restarted_)
        changes = {{"rs485.address", config_.rs485_address}, {"rs485.baud", config_.rs485_baud}, {"rs485.parity", config_.rs485_parity}};
    if (config_.modbus_port) changes["network.modbus_tcp_port"] = *config_.modbus_port;
    for (const auto& [k, v] : config_.settings.items()) changes[k] = v;
    apply_start_settings(settings, changes);
    firmware_options_ = firmware_options;
    firmware_ = std::make_unique<fw::Firmware>(sim_hal_->hal(), firmware_options_);
}

Rig::~Rig() {
    if (firmware_) firmware_->stop();
    try {
        if (!own_data_dir_ && board_) save_board_memory();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "acurev: the board memory could not be saved: %s\n", e.what());
    }
    settle();  // worker jobs end and closed sockets finish their handlers before the firmware goes
    firmware_.reset();
    board_.reset();
    if (own_data_dir_) {
        std::error_code ec;
        std::filesystem::remove_all(data_dir_, ec);
    }
}

void Rig::apply_start_settings(fw::Settings& settings, const nlohmann::json& changes) {
    const fw::BoardRegisters board = [this](std::uint16_t a) -> std::optional<std::uint16_t> { return board_->setting(a); };
    nlohmann::json normalised;
    const auto errors = settings.validate(changes, normalised, board);
    if (!errors.empty()) throw ConfigError(errors.front());
    // Board settings first (the board checks them against its map again and keeps them; the
    // module's saved copy follows as after a write over RS-485), then the module's own.
    for (const auto& w : fw::Settings::board_writes(normalised)) {
        if (const auto e = board_->write_registers(w.address, w.values))
            throw ConfigError("the board refused register " + std::to_string(w.address) + ": " + modbus::to_string(*e));
        settings.follow_board(w.address, w.values);
    }
    nlohmann::json module = nlohmann::json::object();
    for (const auto& [k, v] : normalised.items())
        if (!fw::SettingsSchema::instance().find(k)->board) module[k] = v;
    if (const auto e = settings.change(module); !e.empty()) throw ConfigError(e.front());
}

bool Rig::restore_board_memory() {
    const auto saved = board_memory_->read(board_memory_file);
    if (!saved) return false;
    const std::string where = (data_dir_ / board_memory_file).string();
    if (saved->size() < sizeof(std::int64_t)) throw ConfigError(where + " is truncated; move it away to start with a new board memory");
    std::int64_t wall_at_save = 0;
    std::memcpy(&wall_at_save, saved->data(), sizeof wall_at_save);
    hal::Duration off{0};
    // 0: saved by a rig that ran free (no wall clock), so no time is known to have passed.
    if (config_.wall_clock && wall_at_save != 0) off = std::max(hal::Duration{0}, config_.wall_clock->now() - hal::Time(wall_at_save));
    try {
        board_->restore_memory(std::string_view(*saved).substr(sizeof wall_at_save), off);
    } catch (const sim::meter::NvmError& e) {
        throw ConfigError(where + ": " + e.what() + "; move it away to start with a new board memory");
    }
    return true;
}

void Rig::save_board_memory() {
    const std::int64_t wall = config_.wall_clock ? config_.wall_clock->now().count() : 0;
    std::string bytes(sizeof wall, '\0');
    std::memcpy(bytes.data(), &wall, sizeof wall);
    board_memory_->write_atomic(board_memory_file, bytes + board_->save_memory());
}

void Rig::set_load(const nlohmann::json& load) {
    nlohmann::json entry = load;
    const int ch = entry.value("channel", 0);
    if (ch < 1 || ch > 18) throw ConfigError("config field 'channel' = " + std::to_string(ch) + " is out of range: 1-18");
    if (!entry.contains("ct_primary")) entry["ct_primary"] = config_.channels[static_cast<std::size_t>(ch - 1)].ct_primary;
    nlohmann::json doc = {{"wiring", wiring_name(config_.wiring)}, {"channels", {entry}}, {"voltages", nlohmann::json::array()}};
    for (int v = 0; v < 3; ++v) doc["voltages"].push_back({{"rms", world_->wave(v).rms}, {"angle", world_->wave(v).angle_deg}});
    world_->set_current(ch - 1, parse_config(doc).channels[static_cast<std::size_t>(ch - 1)].wave);
}

void Rig::start() {
    // The module's own reboot (web manual 8.2): run from a timer of its own, outside the
    // firmware's handlers, since the firmware is built anew.
    sim_hal_->system().on_reboot_request([this](const std::string&) { scheduler_.after(hal::Duration{0}, [this] { reboot_module(); }); });
    firmware_->start();
    started_ = true;
    // A rig is for tests and people: the Modbus TCP gateway that cannot listen is an error at once
    // (the service host would retry it; bindings pick another port instead).
    const auto s = firmware_->services().state("modbus_tcp");
    if (s && s->state == fw::ServiceState::State::failed) throw std::runtime_error(s->detail);
}

void Rig::reboot_module() {
    firmware_->stop();
    settle();  // worker jobs end and closed sockets finish their handlers before the old firmware goes
    io_.restart();  // the loop stopped when it ran out of work; the new firmware brings more
    firmware_.reset();
    firmware_ = std::make_unique<fw::Firmware>(sim_hal_->hal(), firmware_options_);
    if (started_) firmware_->start();
}

void Rig::settle() {
    // Worker jobs take no virtual time: each one finished and its `done` ran before the next timer.
    // Nor does an exchange with a peer (an upload), up to a wall cap: a peer that hangs lets
    // virtual time go on, and the firmware's own peer-time timeout ends the exchange.
    // The cap counts from the last exchange begun, so a hung peer costs it once, not per timer.
    auto waiting = [this] {
        if (scheduler_.exchanges_in_flight() == 0) return false;
        const auto now = std::chrono::steady_clock::now();
        if (scheduler_.exchanges_begun() != exchange_seen_) {
            exchange_seen_ = scheduler_.exchanges_begun();
            exchange_since_ = now;
        }
        return now - exchange_since_ < std::chrono::seconds(5);
    };
    do {
        sim_hal_->workers().wait_for_jobs();
        io_.poll();
        if (waiting()) io_.run_one_for(std::chrono::milliseconds(1));
    } while (sim_hal_->workers().in_flight() > 0 || waiting());
}

void Rig::advance(hal::Duration d) {
    const hal::Time target = scheduler_.now() + d;
    settle();
    while (scheduler_.run_next(target)) settle();
    scheduler_.set_now(target);
    settle();
}

bool Rig::run_until(const std::function<bool()>& done, hal::Duration timeout) {
    const hal::Time limit = scheduler_.now() + timeout;
    settle();
    if (done()) return true;
    while (scheduler_.run_next(limit)) {
        settle();
        if (done()) return true;
    }
    scheduler_.set_now(limit);
    settle();
    return done();
}

Rig::Snapshot Rig::snapshot() {
    Snapshot s{*world_, bus_->faults(), {}, {}, board_->powered(), board_->clock_offset()};
    for (std::size_t i = 0; i < s.inputs.size(); ++i) s.inputs[i] = board_->io().input(i);
    for (std::size_t i = 0; i < s.relays.size(); ++i) s.relays[i] = board_->io().relay(i);
    return s;
}

void Rig::restore(const Snapshot& s) {
    *world_ = s.world;  // the board measures the same object: it sees the restored waveforms
    board_->world_changed();
    bus_->faults() = s.faults;
    for (std::size_t i = 0; i < s.inputs.size(); ++i) board_->set_digital_input(static_cast<int>(i), s.inputs[i]);
    for (std::size_t i = 0; i < s.relays.size(); ++i) board_->io().set_relay(i, s.relays[i]);
    s.powered ? board_->power_on() : board_->power_off();
    board_->set_clock_offset(s.clock_offset);
}

void Rig::serve_until(const std::function<bool()>& done) {
    while (!done()) {
        io_.poll();
        // Time moves only while a client's write waits on the board, or while an exchange with a peer
        // is in flight (a Test button's upload): libcurl and libmosquitto may need a timer of theirs
        // to finish it, and the client waiting for the answer cannot advance the rig.
        if (firmware_->pending_forwards() > 0 || scheduler_.exchanges_in_flight() > 0)
            advance(std::chrono::milliseconds(1));
        else
            io_.run_one_for(std::chrono::milliseconds(1));
    }
}

std::string Rig::dump() {
    std::ostringstream out;
    const hal::Time now = scheduler_.now();
    out << "time_ns " << now.count() << "\n";
    auto& model = firmware_->model();
    for (const auto& b : acurev::register_blocks()) {
        out << "module " << b.name << " " << fw::to_string(model.quality(b.start, b.count, now)) << "\n";
        const auto regs = model.registers(b.start, b.count);
        for (std::size_t i = 0; i < regs.size(); ++i) out << (i % 16 ? " " : "  ") << regs[i] << ((i % 16 == 15 || i + 1 == regs.size()) ? "\n" : "");
        std::vector<std::uint16_t> board_regs;
        if (!board_->read_registers(modbus::Function::read_holding_registers, b.start, b.count, board_regs)) {
            out << "board " << b.name << "\n";
            for (std::size_t i = 0; i < board_regs.size(); ++i)
                out << (i % 16 ? " " : "  ") << board_regs[i] << ((i % 16 == 15 || i + 1 == board_regs.size()) ? "\n" : "");
        }
    }
    const auto& ps = firmware_->poller().stats();
    out << "poller cycles " << ps.cycles << " ok " << ps.reads_ok << " failed " << ps.reads_failed << "\n";
    return out.str();
}

}  // namespace harness
