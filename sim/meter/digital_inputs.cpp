#include "meter/digital_inputs.hpp"

#include <stdexcept>
#include <string>

#include "modbus/pdu.hpp"

namespace sim::meter {

namespace {
std::size_t at(int index) {
    if (index < 0 || index >= DigitalInputs::count)
        throw std::out_of_range("digital input " + std::to_string(index + 1) + " is out of range: 1-18");
    return static_cast<std::size_t>(index);
}
}  // namespace

DigitalInputs::DigitalInputs(hal::Scheduler& scheduler, hal::sim::SimDigitalIo& io,
                             std::function<void(int, bool, hal::Time)> on_status_change)
    : scheduler_(scheduler), io_(io), on_status_change_(std::move(on_status_change)) {}

DigitalInputs::~DigitalInputs() {
    for (auto& p : pending_)
        if (p) scheduler_.cancel(*p);
}

void DigitalInputs::configure(const std::array<DiConfig, count>& config, hal::Duration debounce) {
    for (std::size_t i = 0; i < config_.size(); ++i)
        if (config_[i].pulse_constant != config[i].pulse_constant) persistent_.pulses[i] = 0;
    config_ = config;
    debounce_ = debounce;
}

void DigitalInputs::drive(int index, bool level) {
    const auto i = at(index);
    terminal_[i] = level;
    if (!powered_) return;
    if (pending_[i]) scheduler_.cancel(*pending_[i]);
    pending_[i].reset();
    if (level == io_.input(i)) return;  // a bounce back to the settled level
    pending_[i] = scheduler_.after(debounce_, [this, index] { settle(index); });
}

void DigitalInputs::settle(int index) {
    const auto i = static_cast<std::size_t>(index);
    pending_[i].reset();
    const bool level = terminal_[i];
    if (level == io_.input(i)) return;
    const hal::Time now = scheduler_.now();
    io_.drive_input(i, level, now);
    if (!config_[i].pulse_counter) {
        if (on_status_change_) on_status_change_(index, level, now);
        return;
    }
    if (!level) return;
    if (++persistent_.pulses[i] >= config_[i].pulse_constant) {
        persistent_.pulses[i] = 0;
        ++persistent_.counters[i];
    }
}

void DigitalInputs::reset_counter(int index) {
    if (index < 0) {
        persistent_ = {};
        return;
    }
    const auto i = at(index);
    persistent_.counters[i] = 0;
    persistent_.pulses[i] = 0;
}

void DigitalInputs::power_off() {
    powered_ = false;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (pending_[i]) scheduler_.cancel(*pending_[i]);
        pending_[i].reset();
        if (io_.input(i)) io_.drive_input(i, false, scheduler_.now());
    }
}

void DigitalInputs::power_on() {
    powered_ = true;
    // The board reads its terminals afresh: the level found at power-up is taken as it is, with
    // no count and no event (pulses it did not see while off are not made up).
    for (std::size_t i = 0; i < terminal_.size(); ++i)
        if (terminal_[i]) io_.drive_input(i, true, scheduler_.now());
}

double DigitalInputs::value(int index) const {
    const auto i = at(index);
    return static_cast<double>(persistent_.counters[i]) * static_cast<double>(config_[i].value_per_count);
}

void DigitalInputs::render(std::vector<std::uint16_t>& counters, std::vector<std::uint16_t>& values) const {
    for (std::size_t i = 0; i < persistent_.counters.size(); ++i) {
        modbus::put_u32(counters, 2 * i, persistent_.counters[i]);
        modbus::put_float(values, 2 * i, static_cast<float>(value(static_cast<int>(i))));
    }
}

void DigitalInputs::save(NvmWriter& w) const {
    for (auto c : persistent_.counters) w.put(c);
    for (auto p : persistent_.pulses) w.put(p);
}

DigitalInputs::Persistent DigitalInputs::load(NvmReader& r) {
    Persistent p;
    for (auto& c : p.counters) c = r.get<std::uint32_t>();
    for (auto& n : p.pulses) n = r.get<std::uint16_t>();
    return p;
}

}  // namespace sim::meter
