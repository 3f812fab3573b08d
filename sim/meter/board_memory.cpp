// The board's non-volatile memory across a restart of the process (ARCHITECTURE "Storage and
// configuration": a restart with the same data directory is a power cycle).
#include "meter/board_registers.hpp"
#include "meter/nvm.hpp"

#include <map>
#include "meter/virtual_board.hpp"

namespace sim::meter {

namespace {
constexpr std::uint64_t magic = 0x314D564E56525541ULL;  // "AURVNVM1"
constexpr std::uint32_t layout = 1;  // bump when what is written changes; an old file is refused, not misread
}  // namespace

std::string VirtualBoard::save_memory() const {
    NvmWriter w;
    w.put(magic);
    w.put(layout);
    for (const auto& [block, image] : regs_->images)
        if (acurev::is_settings_block(*block)) w.put_all(image);
    energy_.save(w);
    tou_energy_.save(w);
    demand_.save_peaks(w);
    di_.save(w);
    alarms_.save_log(w);
    events_.save(w);
    w.put(run_time().count());
    w.put(board_time().count());
    std::string bytes = w.bytes();
    NvmWriter sum;
    sum.put(nvm_checksum(bytes));
    return bytes + sum.bytes();
}

void VirtualBoard::restore_memory(std::string_view bytes, hal::Duration off_for) {
    if (bytes.size() < 2 * sizeof(std::uint64_t)) throw NvmError("board memory is truncated: " + std::to_string(bytes.size()) + " bytes");
    const auto body = bytes.substr(0, bytes.size() - sizeof(std::uint64_t));
    NvmReader tail(bytes.substr(body.size()));
    if (tail.get<std::uint64_t>() != nvm_checksum(body)) throw NvmError("board memory is damaged (its checksum does not match)");
    // Read twice: once into copies, so a bad memory changes nothing; then into the board, after
    // its settings are in force (they configure demand and alarms, which keep their peaks and log).
    hal::Duration run_time{0};
    hal::Time saved_at{0};
    auto read = [&](bool into_board) {
        NvmReader r(body);
        if (r.get<std::uint64_t>() != magic) throw NvmError("board memory is not an AcuRev board memory");
        if (const auto v = r.get<std::uint32_t>(); v != layout)
            throw NvmError("board memory has layout " + std::to_string(v) + "; this board reads layout " + std::to_string(layout));
        std::map<std::uint16_t, std::uint16_t> saved;  // every settings register as the memory holds it
        std::vector<std::pair<const acurev::Block*, std::vector<std::uint16_t>>> images;
        for (auto& [block, image] : regs_->images)
            if (acurev::is_settings_block(*block)) {
                auto values = r.get_all<std::uint16_t>(image.size());
                for (std::size_t i = 0; i < values.size(); ++i) saved[static_cast<std::uint16_t>(block->start + i)] = values[i];
                images.emplace_back(block, std::move(values));
            }
        if (!into_board) {
            // Every setting must be one the board map accepts, with the rest of the memory around it.
            const acurev::SettingLookup lookup = [&saved](std::uint16_t a) { return saved.count(a) ? saved.at(a) : std::uint16_t{0}; };
            for (const auto& [block, values] : images) {
                if (block->start == acurev::blocks::event_window.start) continue;  // a reader's control, not a setting
                for (std::size_t i = 0; i < values.size(); ++i) {
                    const auto a = static_cast<std::uint16_t>(block->start + i);
                    const auto* def = acurev::find_setting(a);
                    if (!def) continue;
                    const std::uint16_t one[] = {values[i]};
                    if (auto e = acurev::check_settings_write(a, one, lookup)) throw NvmError("board memory holds a setting the board refuses: " + *e);
                }
            }
        } else {
            for (auto& [block, image] : regs_->images)
                for (auto& [b, values] : images)
                    if (b == block) image = values;
        }
        if (into_board) apply_settings();
        EnergyMeters energy;
        TouEnergy tou;
        DemandCalculator demand;
        AlarmChannels alarms;
        EventLog events;
        auto& e = into_board ? energy_ : energy;
        auto& t = into_board ? tou_energy_ : tou;
        auto& d = into_board ? demand_ : demand;
        auto& a = into_board ? alarms_ : alarms;
        auto& ev = into_board ? events_ : events;
        e.load(r);
        t.load(r);
        d.load_peaks(r);
        const auto counters = DigitalInputs::load(r);
        if (into_board) di_.restore(counters);
        a.load_log(r);
        ev.load(r);
        run_time = hal::Duration{r.get<std::int64_t>()};
        saved_at = hal::Time{r.get<std::int64_t>()};
        if (!r.done()) throw NvmError("board memory is longer than its layout");
    };
    read(false);
    interrupt();
    const auto before = regs_->images;
    try {
        read(true);
    } catch (...) {
        regs_->images = before;  // cannot happen after the trial read; if it did, the settings stay as they were
        apply_settings();
        throw;
    }
    run_time_before_ = run_time;
    powered_since_ = scheduler_.now();
    clock_offset_ = saved_at + off_for - scheduler_.now();
    // The power cycle in the event log: down when the memory was last saved, up now.
    events_.record(saved_at, EventType::power_off, 0, 0);
    note(EventType::power_on);
    derived_content_ = ~0ULL;
    publish_counts();
    publish_clock();
}

}  // namespace sim::meter
