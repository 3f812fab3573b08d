// What the virtual board publishes from its measuring windows: the real-time registers every
// window, demand, energy, TOU, DI counters, the alarm log and the clock once a second of the board
// clock, power quality when it changes; and the alarm channels' evaluation at each window's end.
#include <algorithm>
#include <ctime>

#include "meter/board_time.hpp"
#include "meter/dsp/measurement_engine.hpp"
#include "meter/power_values.hpp"
#include "meter/virtual_board.hpp"

namespace sim::meter {

using acurev::Block;
namespace blocks = acurev::blocks;
namespace rt = acurev::rt;
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
