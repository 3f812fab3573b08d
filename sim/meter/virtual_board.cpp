#include "meter/virtual_board.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "meter/board_time.hpp"
#include "meter/dsp/measurement_engine.hpp"
#include "meter/power_values.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

using acurev::Block;
namespace blocks = acurev::blocks;
namespace rt = acurev::rt;
using modbus::Exception;

struct VirtualBoard::Registers {
    std::vector<std::pair<const Block*, std::vector<std::uint16_t>>> images;
    Registers() {
        for (const auto& b : acurev::register_blocks()) images.emplace_back(&b, std::vector<std::uint16_t>(b.count, 0));
    }
};

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

void VirtualBoard::publish(const WindowMeasurement& w, hal::Time from, bool steady_run) {
    // A window like the last one (analytic fidelity, a steady world, settings unchanged) changes
    // nothing the real-time registers hold but the frequency: what it adds is derived once.
    const bool same = engine_->content_version() == derived_content_ && settings_version_ == derived_settings_;
    if (same)
        modbus::put_float(block_image(blocks::system_realtime), rt::frequency - blocks::system_realtime.start, static_cast<float>(w.frequency));
    else
        derive(w);
    derived_content_ = engine_->content_version();
    derived_settings_ = settings_version_;
    demand_.feed(from + clock_offset_, w.end + clock_offset_, demand_values_);
    const auto wh = energy_.add(energy_rates_, hal::to_seconds(w.end - from) / 3600.0);
    tou_energy_.accumulate(tou_calendar_, from + clock_offset_, w.end + clock_offset_, wh);
    // In a steady run every window measures what the last one did, which the alarms have seen:
    // with no delay running, evaluating them again changes nothing.
    if (!steady_run) evaluate_alarms(w.end + clock_offset_);
    // Registers that hold counts, calendars and spectra are published once a second of the board
    // clock (the web pages refresh them every 5-15 s, web manual 6.3); values above every window.
    const auto second = std::chrono::floor<std::chrono::seconds>(w.end + clock_offset_).count();
    if (second != published_second_) {
        published_second_ = second;
        counts_due_ = true;  // rendered when next read (read_registers), at most once a second
        if (!same || !pq_published_) {
            pq_ = sim::meter::power_quality(w, wiring_, presence_);
            render_power_quality(pq_, block_image(blocks::power_quality), block_image(blocks::phase_angles));
            pq_published_ = true;
        }
    }
}

// The real-time registers of a window, and what it adds to demand and energy per unit of time.
void VirtualBoard::derive(const WindowMeasurement& w) {
    namespace s = acurev::settings;
    const PowerConventions conv{setting(s::var_method) == 1, setting(s::pf_convention) == 1};
    auto& sys = block_image(blocks::system_realtime);
    auto& chan = block_image(blocks::channel_realtime);
    auto& user = block_image(blocks::user_realtime);
    auto put = [](std::vector<std::uint16_t>& img, const Block& b, std::uint16_t address, double v) {
        modbus::put_float(img, address - b.start, static_cast<float>(v));
    };

    put(sys, blocks::system_realtime, rt::frequency, w.frequency);
    double vln_sum = 0, vll_sum = 0;
    for (int p = 0; p < 3; ++p) {
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::v_ln + 2 * p), w.voltage[static_cast<std::size_t>(p)].rms);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::v_ll + 2 * p), w.v_ll[static_cast<std::size_t>(p)]);
        vln_sum += w.voltage[static_cast<std::size_t>(p)].rms;
        vll_sum += w.v_ll[static_cast<std::size_t>(p)];
    }
    put(sys, blocks::system_realtime, rt::v_ln_avg, vln_sum / 3);
    put(sys, blocks::system_realtime, rt::v_ll_avg, vll_sum / 3);

    std::array<PowerValues, current_inputs> channel_values{};
    std::array<ChannelWindow, current_inputs> energy_in{};
    std::array<PowerSum, 3> phase{};
    std::array<PowerSum, user_channels> users{};
    PowerSum system;
    std::array<double, 3> phase_current{};
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto c = static_cast<std::size_t>(ch);
        const PowerValues v = power_values(w.element[c], conv);
        channel_values[c] = v;
        const std::uint16_t base = static_cast<std::uint16_t>(rt::channel_base + rt::channel_stride * ch);
        put(chan, blocks::channel_realtime, base, w.current[c].rms);
        put(chan, blocks::channel_realtime, static_cast<std::uint16_t>(base + 2), v.p / 1000);
        put(chan, blocks::channel_realtime, static_cast<std::uint16_t>(base + 4), v.q / 1000);
        put(chan, blocks::channel_realtime, static_cast<std::uint16_t>(base + 6), v.s / 1000);
        put(chan, blocks::channel_realtime, static_cast<std::uint16_t>(base + 8), v.pf);
        put(chan, blocks::channel_realtime, static_cast<std::uint16_t>(base + 10), static_cast<double>(v.nature));
        const auto ph = static_cast<std::size_t>(wiring_.phase[c]);
        phase[ph].add(w.element[c], v);
        phase_current[ph] += w.current[c].rms;
        system.add(w.element[c], v);
        if (wiring_.user[c] >= 0) users[static_cast<std::size_t>(wiring_.user[c])].add(w.element[c], v);
        // 0x0A10 in 0.01 % of the CT primary.
        const double start_current = 1e-4 * setting(s::creep_threshold) * setting(static_cast<std::uint16_t>(s::ct_primary_first + ch));
        energy_in[c] = {v, w.current[c].rms, start_current};
    }
    double i_sum = 0;
    for (int p = 0; p < 3; ++p) {
        const auto pp = static_cast<std::size_t>(p);
        const PowerValues v = phase[pp].values(conv);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::i_phase + 2 * p), phase_current[pp]);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::p_phase + 2 * p), v.p / 1000);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::q_phase + 2 * p), v.q / 1000);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::s_phase + 2 * p), v.s / 1000);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::pf_phase + 2 * p), v.pf);
        put(sys, blocks::system_realtime, static_cast<std::uint16_t>(rt::load_phase + 2 * p), static_cast<double>(v.nature));
        i_sum += phase_current[pp];
    }
    put(sys, blocks::system_realtime, rt::i_avg, i_sum / 3);
    const PowerValues total = system.values(conv);
    put(sys, blocks::system_realtime, rt::p_sys, total.p / 1000);
    put(sys, blocks::system_realtime, rt::q_sys, total.q / 1000);
    put(sys, blocks::system_realtime, rt::s_sys, total.s / 1000);
    put(sys, blocks::system_realtime, rt::pf_sys, total.pf);
    put(sys, blocks::system_realtime, rt::load_sys, static_cast<double>(total.nature));
    for (int u = 0; u < user_channels; ++u) {
        const PowerValues v = u < wiring_.users ? users[static_cast<std::size_t>(u)].values(conv) : PowerValues{};
        const std::uint16_t base = static_cast<std::uint16_t>(rt::user_base + rt::user_stride * u);
        put(user, blocks::user_realtime, base, v.p / 1000);
        put(user, blocks::user_realtime, static_cast<std::uint16_t>(base + 2), v.q / 1000);
        put(user, blocks::user_realtime, static_cast<std::uint16_t>(base + 4), v.s / 1000);
        put(user, blocks::user_realtime, static_cast<std::uint16_t>(base + 6), u < wiring_.users ? v.pf : 0.0);
        put(user, blocks::user_realtime, static_cast<std::uint16_t>(base + 8), static_cast<double>(v.nature));
    }

    // Demand items in register order (register map 1.5), in kW, kvar, kVA and A.
    auto& dv = demand_values_;
    dv.clear();
    dv.reserve(DemandCalculator::items);
    dv.insert(dv.end(), {total.p / 1000, total.q / 1000, total.s / 1000});
    for (std::size_t p = 0; p < 3; ++p) {
        const PowerValues v = phase[p].values(conv);
        dv.insert(dv.end(), {phase_current[p], v.p / 1000, v.q / 1000, v.s / 1000});
    }
    for (std::size_t c = 0; c < current_inputs; ++c)
        dv.insert(dv.end(), {w.current[c].rms, channel_values[c].p / 1000, channel_values[c].q / 1000, channel_values[c].s / 1000});
    for (int u = 0; u < user_channels; ++u) {
        const PowerValues v = u < wiring_.users ? users[static_cast<std::size_t>(u)].values(conv) : PowerValues{};
        dv.insert(dv.end(), {v.p / 1000, v.q / 1000, v.s / 1000});
    }
    energy_rates_ = energy_rates(energy_in, wiring_);
}

void VirtualBoard::publish_counts() {
    render_demand();
    energy_.render(block_image(blocks::energy_kwh), block_image(blocks::energy_kvarh_kvah));
    tou_energy_.render_phases(block_image(blocks::tou_energy));
    tou_energy_.render_channels(block_image(blocks::tou_channel_month), block_image(blocks::tou_channel_prior));
    tou_energy_.render_users(block_image(blocks::tou_user_month), block_image(blocks::tou_user_prior));
    const TouStatus st = tou_calendar_.status_at(board_time());
    auto& img = block_image(blocks::tou_status);
    img[0] = static_cast<std::uint16_t>(st.error);
    img[1] = st.enabled ? 1 : 0;
    img[2] = st.tariff ? static_cast<std::uint16_t>(*st.tariff) : 0xFFFF;
    img[3] = static_cast<std::uint16_t>(st.season);
    img[4] = static_cast<std::uint16_t>(st.schedule);
    img[5] = static_cast<std::uint16_t>(st.day_type);
    di_.render(block_image(blocks::di_counters), block_image(blocks::di_values));
    alarms_.render_log(block_image(blocks::alarm_log));
    publish_clock();
}

void VirtualBoard::render_demand() {
    auto& img = block_image(blocks::demand);
    if (packed_peak_times_.size() != DemandCalculator::items) packed_peak_times_.assign(DemandCalculator::items, -1);
    for (int i = 0; i < DemandCalculator::items; ++i) {
        const auto& it = demand_.item(i);
        const auto at = static_cast<std::size_t>(9 * i);
        modbus::put_float(img, at, static_cast<float>(it.present));
        modbus::put_float(img, at + 2, static_cast<float>(it.predicted));
        modbus::put_float(img, at + 4, static_cast<float>(it.peak));
        auto& packed = packed_peak_times_[static_cast<std::size_t>(i)];
        if (packed == it.peak_time) continue;  // packing takes a calendar breakdown: only when the peak moved
        packed = it.peak_time;
        std::uint16_t t[3];
        pack_board_time(it.peak_time, t);
        std::copy(t, t + 3, img.begin() + static_cast<std::ptrdiff_t>(at + 6));
    }
}

void VirtualBoard::publish_clock() {
    auto& clk = block_image(blocks::clock);
    const std::time_t t = static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(board_time()).count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    clk = {static_cast<std::uint16_t>(tm.tm_year + 1900), static_cast<std::uint16_t>(tm.tm_mon + 1),
           static_cast<std::uint16_t>(tm.tm_mday),        static_cast<std::uint16_t>(tm.tm_hour),
           static_cast<std::uint16_t>(tm.tm_min),         static_cast<std::uint16_t>(tm.tm_sec),
           static_cast<std::uint16_t>(tm.tm_wday)};
}

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
    }
    publish_counts();
}

void VirtualBoard::note(EventType type, std::uint16_t detail, std::uint16_t value) {
    events_.record(board_time(), type, detail, value);
    events_.render_window(block_image(blocks::event_log));
}

// Alarm parameters are numbered by position from 0x2000 (AcuRev 2000 labels): label k is the
// float32 at 0x2000 + 2k of the real-time blocks just published.
void VirtualBoard::evaluate_alarms(hal::Time window_end) {
    const auto& sys = block_image(blocks::system_realtime);
    const auto& chan = block_image(blocks::channel_realtime);
    const auto& user = block_image(blocks::user_realtime);
    alarms_.evaluate(window_end, [&](std::uint16_t label) -> std::optional<double> {
        const auto address = static_cast<std::uint16_t>(0x2000 + 2 * label);
        for (const auto& [b, img] : {std::pair{&blocks::system_realtime, &sys}, std::pair{&blocks::channel_realtime, &chan},
                                     std::pair{&blocks::user_realtime, &user}})
            if (b->contains(address, 2)) return modbus::get_float(*img, address - b->start);
        return std::nullopt;
    });
    for (int r = 0; r < RelayOutputs::count; ++r) relays_.alarm_state(r, alarms_.relay_demand(r));
}

}  // namespace sim::meter
