#include "meter/virtual_board.hpp"

#include <algorithm>
#include <ctime>

#include "meter/board_registers.hpp"
#include "meter/dsp/measurement_engine.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

using acurev::Block;
namespace blocks = acurev::blocks;
namespace rt = acurev::rt;
using modbus::Exception;

namespace {

void put_ascii(std::vector<std::uint16_t>& regs, std::size_t at, std::size_t n_regs, const std::string& text) {
    for (std::size_t i = 0; i < n_regs; ++i) {
        const auto hi = 2 * i < text.size() ? static_cast<unsigned char>(text[2 * i]) : 0U;
        const auto lo = 2 * i + 1 < text.size() ? static_cast<unsigned char>(text[2 * i + 1]) : 0U;
        regs.at(at + i) = static_cast<std::uint16_t>((hi << 8) | lo);
    }
}

}  // namespace

VirtualBoard::VirtualBoard(hal::Scheduler& scheduler, WaveformGenerator& world, BoardConfig config)
    : scheduler_(scheduler), world_(world), config_(std::move(config)), regs_(std::make_unique<Registers>()),
      di_(scheduler, io_,
          [this](int index, bool level, hal::Time) {
              note(EventType::di_change, static_cast<std::uint16_t>(index + 1), level ? 1 : 0);
          }),
      relays_(scheduler, io_, [this](int index, bool on, hal::Time) {
          note(EventType::relay_change, static_cast<std::uint16_t>(index + 1), on ? 1 : 0);
      }) {
    static_assert(power_quality_registers == blocks::power_quality.count && phase_angle_registers == blocks::phase_angles.count);
    for (auto& [block, image] : regs_->images)
        if (acurev::is_settings_block(*block)) image = acurev::default_settings_image(*block);
    EngineConfig ec;
    ec.nominal_frequency = config_.nominal_frequency;
    ec.samples_per_cycle = config_.samples_per_cycle;
    ec.fidelity = config_.fidelity;
    engine_ = std::make_unique<MeasurementEngine>(world_, ec);
    world_.on_change([this] { interrupt(); });
    apply_settings();
    for (const auto& [address, value] : config_.settings) {
        const std::vector<std::uint16_t> one{value};
        if (auto e = write_registers(address, one)) {
            const auto why = acurev::check_settings_write(address, one, [this](std::uint16_t a) { return setting(a); });
            throw std::invalid_argument("board setting at register " + std::to_string(address) + " = " + std::to_string(value) +
                                        " refused: " + (why ? *why : modbus::to_string(*e)));
        }
    }
    auto& info = block_image(blocks::device_info);
    put_ascii(info, 0, 16, config_.identity.model);
    put_ascii(info, 16, 8, config_.identity.serial);
    info[24] = config_.identity.hardware_version;
    info[25] = config_.identity.firmware_version;
    info[26] = config_.identity.release_year;
    info[27] = config_.identity.release_month;
    info[28] = config_.identity.release_day;
    info[29] = 0;  // seal status: not sealed

    apply_settings();
    // The settings above are the board as installed, not changes made in service: the event log starts empty.
    events_ = EventLog{};
    events_.render_window(block_image(blocks::event_log));
    powered_since_ = scheduler_.now();
    rtu_ = std::make_unique<RtuSlave>(scheduler_, *this, [this] { return address(); }, config_.turnaround);
    schedule_window(scheduler_.now());
}

VirtualBoard::~VirtualBoard() {
    if (window_timer_) scheduler_.cancel(*window_timer_);
}

std::vector<std::uint16_t>& VirtualBoard::block_image(const Block& b) {
    // The images are in address order (register_blocks() is).
    auto& images = regs_->images;
    const auto it = std::lower_bound(images.begin(), images.end(), b.start, [](const auto& e, std::uint16_t start) { return e.first->start < start; });
    if (it == images.end() || it->first->start != b.start) throw std::logic_error(std::string("register block not modelled: ") + b.name);
    return it->second;
}

void VirtualBoard::attach(hal::SerialPort& port, bool loose_timing) {
    port.configure(serial_config());
    rtu_->attach(port, loose_timing);
}

std::uint8_t VirtualBoard::address() const { return static_cast<std::uint8_t>(setting(acurev::settings::rs485_address)); }

hal::SerialConfig VirtualBoard::serial_config() const {
    return acurev::rs485_line(setting(acurev::settings::rs485_baud), setting(acurev::settings::rs485_parity));
}

std::uint16_t VirtualBoard::setting(std::uint16_t address) const {
    for (const auto& [block, image] : regs_->images)
        if (block->contains(address, 1) && acurev::is_settings_block(*block)) return image[address - block->start];
    throw std::invalid_argument("register " + std::to_string(address) + " is not a board setting");
}

void VirtualBoard::apply_settings() {
    namespace s = acurev::settings;
    ++settings_version_;
    wiring_ = wiring_layout(setting(s::wiring));
    FrontEndConfig fe;
    fe.ct_type = ct_type_from_code(setting(s::ct_type));
    fe.rated_voltage = setting(s::rated_voltage);
    for (int ch = 0; ch < current_inputs; ++ch)
        fe.ct_primary[static_cast<std::size_t>(ch)] = setting(static_cast<std::uint16_t>(s::ct_primary_first + ch));
    engine_->set_front_end(fe);
    presence_ = presence_thresholds(fe);
    engine_->set_element_voltages(wiring_.element);
    const acurev::SettingLookup current = [this](std::uint16_t a) { return setting(a); };
    std::array<DiConfig, DigitalInputs::count> di{};
    for (int n = 0; n < DigitalInputs::count; ++n) {
        const auto base = static_cast<std::uint16_t>(s::di_first + s::di_stride * n);
        auto& c = di[static_cast<std::size_t>(n)];
        c.pulse_counter = setting(base) == 1;
        c.pulse_constant = setting(static_cast<std::uint16_t>(base + acurev::di::pulse_constant));
        c.unit = setting(static_cast<std::uint16_t>(base + acurev::di::unit));
        c.value_per_count = acurev::float_at(current, static_cast<std::uint16_t>(base + acurev::di::value_per_count));
    }
    di_.configure(di, std::chrono::milliseconds(setting(s::di_debounce)));
    std::array<RoConfig, RelayOutputs::count> ro{};
    for (int n = 0; n < RelayOutputs::count; ++n) {
        const auto base = static_cast<std::uint16_t>(s::ro_first + s::ro_stride * n);
        ro[static_cast<std::size_t>(n)] = {setting(base) == 1, setting(static_cast<std::uint16_t>(base + 1)) == 1,
                                           std::chrono::milliseconds(setting(static_cast<std::uint16_t>(base + 2)))};
    }
    relays_.configure(ro);
    const auto& tou = block_image(blocks::tou_settings);
    if (tou != tou_settings_in_force_) {
        const int before = tou_calendar_.error();
        tou_calendar_ = TouCalendar(tou);
        tou_settings_in_force_ = tou;
        if (tou_calendar_.error() != before) note(EventType::tou_error, 0, static_cast<std::uint16_t>(tou_calendar_.error()));
    }
    // The board map has checked every register; what is left (a parameter label that names no
    // real-time value) shows in the channel's status and the channel never fires.
    if (block_image(blocks::alarm_settings) != alarms_.settings()) {
        alarms_.set_settings(block_image(blocks::alarm_settings), board_time());
        for (int r = 0; r < RelayOutputs::count; ++r) relays_.alarm_state(r, alarms_.relay_demand(r));
    }
    const std::array<std::uint16_t, 3> d{setting(s::demand_method), setting(s::demand_interval), setting(s::demand_subinterval)};
    if (d != demand_settings_) {
        demand_.configure(static_cast<DemandMethod>(d[0]), d[1], d[2]);
        demand_settings_ = d;
    }
}

void VirtualBoard::set_fidelity(Fidelity f) {
    interrupt();
    engine_->set_fidelity(f);
}
Fidelity VirtualBoard::fidelity() const { return engine_->fidelity(); }

void VirtualBoard::schedule_window(hal::Time start) {
    // The engine decides the window's length from the frequency it tracks; the board publishes
    // at the window's end, as a real board does.
    auto w = std::make_shared<WindowMeasurement>();
    engine_->measure(start, *w);
    pending_.w = w;
    pending_.windows.assign(1, {w->start, w->end});
    pending_.steady = false;
    // A steady run: analytic fidelity, a world and settings as the last window saw them, a
    // constant frequency and no alarm delay running. Every window up to the next second of the
    // board clock then measures the same, so they are taken as one run and published at the end
    // of its last window; anything that could change them (the world, a setting, the clock, the
    // power) ends the run where it is (interrupt()).
    const bool steady = config_.steady_runs && engine_->fidelity() == Fidelity::analytic && engine_->content_version() == derived_content_ &&
                        settings_version_ == derived_settings_ && !alarms_.any_pending();
    const auto second_of = [this](hal::Time t) { return std::chrono::floor<std::chrono::seconds>(t + clock_offset_).count(); };
    while (steady && pending_.windows.size() < 8 && second_of(pending_.windows.back().second) == second_of(w->start)) {
        const hal::Time from = pending_.windows.back().second;
        const hal::Time to = world_.plan().after_cycles(from, w->cycles);
        if (!world_.stationary(from, to) || world_.frequency_at(from) != world_.frequency_at(w->start)) break;
        pending_.windows.push_back({from, to});
    }
    pending_.steady = pending_.windows.size() > 1;
    window_timer_ = scheduler_.at(pending_.windows.back().second, [this] {
        window_timer_.reset();
        const hal::Time end = pending_.windows.back().second;
        finish_windows(pending_.windows.size());
        schedule_window(end);
    });
}

// Publishes the first `n` pending windows (all of them measured the same).
void VirtualBoard::finish_windows(std::size_t n) {
    auto& w = *pending_.w;
    const hal::Time from = pending_.windows.front().first, to = pending_.windows[n - 1].second;
    w.start = pending_.windows[n - 1].first;
    w.end = to;
    last_ = pending_.w;
    windows_ += n;
    publish(w, from, pending_.steady);
    pending_.windows.erase(pending_.windows.begin(), pending_.windows.begin() + static_cast<std::ptrdiff_t>(n));
}

void VirtualBoard::interrupt() {
    if (pending_.windows.size() <= 1 || !window_timer_) return;
    const hal::Time now = scheduler_.now();
    std::size_t ended = 0, begun = 0;
    for (const auto& [from, to] : pending_.windows) {
        ended += to <= now;
        begun += from <= now;
    }
    if (ended > 0) finish_windows(ended);
    pending_.windows.resize(begun - ended);
    // What ended the run (a setting, the clock, the world) may matter to the alarms: the window in
    // progress is evaluated at its end like any other.
    pending_.steady = false;
    scheduler_.cancel(*window_timer_);
    window_timer_.reset();
    if (pending_.windows.empty()) {  // the run ended exactly now
        schedule_window(now);
        return;
    }
    window_timer_ = scheduler_.at(pending_.windows.back().second, [this] {
        window_timer_.reset();
        const hal::Time end = pending_.windows.back().second;
        finish_windows(pending_.windows.size());
        schedule_window(end);
    });
}

// What a power cut keeps is what a real board keeps in non-volatile memory: settings, energy,
// TOU registers, demand peaks, DI counters, the logs, and the battery-backed clock. The real-time
// registers, running demand averages, alarm states, DI levels and relays start afresh.
void VirtualBoard::power_off() {
    if (!powered_) return;
    interrupt();
    powered_ = false;
    run_time_before_ += scheduler_.now() - powered_since_;
    note(EventType::power_off);
    rtu_->set_listening(false);
    if (window_timer_) scheduler_.cancel(*window_timer_);
    window_timer_.reset();
    di_.power_off();
    relays_.power_off();
}

void VirtualBoard::power_on() {
    if (powered_) return;
    powered_ = true;
    powered_since_ = scheduler_.now();
    for (const Block* b : {&blocks::system_realtime, &blocks::channel_realtime, &blocks::user_realtime, &blocks::power_quality,
                           &blocks::phase_angles})
        std::fill(block_image(*b).begin(), block_image(*b).end(), 0);
    derived_content_ = ~0ULL;  // the first window after power-up publishes everything again
    pq_published_ = false;
    demand_.configure(static_cast<DemandMethod>(demand_settings_[0]), demand_settings_[1], demand_settings_[2]);
    alarms_.restart();
    di_.power_on();
    note(EventType::power_on);
    rtu_->set_listening(true);
    schedule_window(scheduler_.now());
}

void VirtualBoard::set_digital_input(int index, bool level) { di_.drive(index, level); }

hal::Time VirtualBoard::board_time() const { return scheduler_.now() + clock_offset_; }

hal::Duration VirtualBoard::run_time() const { return run_time_before_ + (powered_ ? scheduler_.now() - powered_since_ : hal::Duration{0}); }

std::optional<Exception> VirtualBoard::read_bits(modbus::Function f, std::uint16_t address, std::uint16_t count,
                                                 std::vector<bool>& out) {
    if (f == modbus::Function::read_coils) {
        if (static_cast<unsigned>(address) + count > acurev::coil_count) return Exception::illegal_data_address;
        for (std::uint16_t i = 0; i < count; ++i) out.push_back(io_.relay(address + i));
        return std::nullopt;
    }
    if (static_cast<unsigned>(address) + count > acurev::discrete_input_count) return Exception::illegal_data_address;
    for (std::uint16_t i = 0; i < count; ++i) out.push_back(io_.input(address + i));
    return std::nullopt;
}

std::optional<Exception> VirtualBoard::read_registers(modbus::Function f, std::uint16_t address, std::uint16_t count,
                                                      std::vector<std::uint16_t>& out) {
    // The board answers FC03 only, like the rest of the family (register map "Conventions").
    if (f != modbus::Function::read_holding_registers) return Exception::illegal_function;
    const Block* b = acurev::find_block(address, count);
    if (!b) return Exception::illegal_data_address;
    if (b->start == blocks::clock.start) publish_clock();
    if (b->start == blocks::run_time.start)
        modbus::put_u32(block_image(blocks::run_time), 0, static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(run_time()).count()));
    if (counts_due_ && b->access == acurev::Access::read_only) {
        counts_due_ = false;
        publish_counts();
    }
    const auto& img = block_image(*b);
    out.assign(img.begin() + (address - b->start), img.begin() + (address - b->start) + count);
    return std::nullopt;
}

std::optional<Exception> VirtualBoard::write_bits(std::uint16_t address, const std::vector<bool>& values) {
    if (static_cast<unsigned>(address) + values.size() > acurev::coil_count) return Exception::illegal_data_address;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (auto e = relays_.command(static_cast<int>(address + i), values[i])) return e;
    return std::nullopt;
}

std::optional<Exception> VirtualBoard::write_registers(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    auto e = write_registers_now(address, values);
    if (!e && memory_written_) memory_written_();
    return e;
}

std::optional<Exception> VirtualBoard::write_registers_now(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    interrupt();  // the windows that ended before the write are published as they were measured
    const auto n = static_cast<std::uint16_t>(values.size());
    const Block* b = acurev::find_block(address, n);
    if (!b || b->access == acurev::Access::read_only) return Exception::illegal_data_address;
    if (b->start == blocks::clock.start) return write_clock(address, values);
    if (b->start == blocks::commands.start) {
        if (acurev::check_command_write(address, values)) return Exception::illegal_data_value;
        for (std::uint16_t i = 0; i < n; ++i) run_command(static_cast<std::uint16_t>(address + i), values[i]);
        return std::nullopt;
    }
    for (std::uint16_t i = 0; i < n; ++i)
        if (!acurev::find_setting(static_cast<std::uint16_t>(address + i))) return Exception::illegal_data_address;
    if (acurev::check_settings_write(address, values, [this](std::uint16_t a) { return setting(a); }))
        return Exception::illegal_data_value;
    if (b->start == blocks::event_window.start) {
        if (events_.write_control(address - b->start, values)) return Exception::illegal_data_value;
        const auto control = events_.control_image();
        std::copy(control.begin(), control.end(), block_image(*b).begin());
        events_.render_window(block_image(blocks::event_log));
        return std::nullopt;
    }
    const hal::SerialConfig before = serial_config();
    auto& img = block_image(*b);
    for (std::uint16_t i = 0; i < n; ++i) {
        auto& reg = img[address - b->start + i];
        if (reg == values[i]) continue;
        reg = values[i];
        note(EventType::setting_changed, static_cast<std::uint16_t>(address + i), values[i]);
    }
    apply_settings();
    const hal::SerialConfig after = serial_config();
    if (rtu_ && (after.baud != before.baud || after.parity != before.parity || after.stop_bits != before.stop_bits)) {
        // The reply still goes out at the old settings; switch once it has left.
        const auto reply_done = config_.turnaround + before.char_time() * 16;
        scheduler_.after(reply_done, [this, after] { rtu_->reconfigure(after); });
    }
    return std::nullopt;
}

std::optional<Exception> VirtualBoard::write_clock(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    publish_clock();  // a write of some fields merges with the time as it is now
    auto regs = block_image(blocks::clock);
    std::copy(values.begin(), values.end(), regs.begin() + (address - blocks::clock.start));
    std::tm tm{};
    tm.tm_year = regs[0] - 1900;
    tm.tm_mon = regs[1] - 1;
    tm.tm_mday = regs[2];
    tm.tm_hour = regs[3];
    tm.tm_min = regs[4];
    tm.tm_sec = regs[5];
    std::tm check = tm;
    const std::time_t t = timegm(&check);
    if (regs[0] < 2000 || regs[0] > 2099 || check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon || regs[3] > 23 ||
        regs[4] > 59 || regs[5] > 59)
        return Exception::illegal_data_value;
    const hal::Time before = board_time();
    clock_offset_ = std::chrono::seconds(t) - std::chrono::duration_cast<std::chrono::seconds>(scheduler_.now());
    events_.record_clock_set(before, board_time());
    events_.render_window(block_image(blocks::event_log));
    publish_clock();
    return std::nullopt;
}

// Management page resets (web manual 8.1), each recorded in the event log.
void VirtualBoard::run_command(std::uint16_t address, std::uint16_t value) {
    namespace s = acurev::settings;
    if (address == s::demand_reset) {
        demand_.reset_peaks();
        note(EventType::demand_reset);
    } else if (address == s::energy_reset) {
        energy_.clear();
        tou_energy_.clear();
        note(EventType::energy_reset);
    } else if (address == s::alarm_record_reset) {
        alarms_.clear_log();
        note(EventType::alarm_record_reset);
    } else if (address == s::run_time_reset) {
        run_time_before_ = hal::Duration{0};
        powered_since_ = scheduler_.now();
        note(EventType::run_time_reset);
    } else if (address == s::di_counter_reset) {
        di_.reset_counter(value == 255 ? -1 : value - 1);
        note(EventType::di_counter_reset, value == 255 ? 0 : value);
    } else if (address == s::soft_reboot) {
        // Web manual 8.2: after the answer has left (its frame takes a few ms), off for 2 s.
        scheduler_.after(std::chrono::milliseconds(50), [this] {
            power_off();
            scheduler_.after(std::chrono::seconds(2), [this] { power_on(); });
        });
    }
    publish_counts();
}

void VirtualBoard::note(EventType type, std::uint16_t detail, std::uint16_t value) {
    events_.record(board_time(), type, detail, value);
    events_.render_window(block_image(blocks::event_log));
}

}  // namespace sim::meter
