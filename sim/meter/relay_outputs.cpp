#include "meter/relay_outputs.hpp"

#include <stdexcept>
#include <string>

namespace sim::meter {

RelayOutputs::RelayOutputs(hal::Scheduler& scheduler, hal::sim::SimDigitalIo& io, std::function<void(int, bool, hal::Time)> on_change)
    : scheduler_(scheduler), io_(io), on_change_(std::move(on_change)) {}

RelayOutputs::~RelayOutputs() {
    for (auto& p : pulse_)
        if (p) scheduler_.cancel(*p);
}

void RelayOutputs::configure(const std::array<RoConfig, count>& config) {
    for (int i = 0; i < count; ++i) {
        const auto u = static_cast<std::size_t>(i);
        if (config[u].alarm_output != config_[u].alarm_output) {
            // A change of mode hands the relay over open; an alarm output then follows its alarms.
            config_[u] = config[u];
            set(i, false);
            if (config_[u].alarm_output && alarm_active_[u]) set(i, true);
        }
        config_[u] = config[u];
    }
}

std::optional<modbus::Exception> RelayOutputs::command(int index, bool on) {
    if (index < 0 || index >= count) return modbus::Exception::illegal_data_address;
    if (config_[static_cast<std::size_t>(index)].alarm_output) return modbus::Exception::illegal_data_value;
    set(index, on);
    return std::nullopt;
}

void RelayOutputs::alarm_state(int index, bool active) {
    const auto u = static_cast<std::size_t>(index);
    const bool was = alarm_active_.at(u);
    alarm_active_[u] = active;
    if (!config_[u].alarm_output || active == was) return;
    set(index, active);  // latch: closed while in alarm; momentary: one pulse at the alarm's onset
}

void RelayOutputs::set(int index, bool on) {
    const auto u = static_cast<std::size_t>(index);
    if (pulse_[u]) scheduler_.cancel(*pulse_[u]);
    pulse_[u].reset();
    if (on && config_[u].momentary)
        pulse_[u] = scheduler_.after(config_[u].pulse_width, [this, index, u] {
            pulse_[u].reset();
            if (io_.relay(u)) {
                io_.set_relay(u, false);
                if (on_change_) on_change_(index, false, scheduler_.now());
            }
        });
    if (io_.relay(u) == on) return;
    io_.set_relay(u, on);
    if (on_change_) on_change_(index, on, scheduler_.now());
}

void RelayOutputs::power_off() {
    for (int i = 0; i < count; ++i) {
        const auto u = static_cast<std::size_t>(i);
        if (pulse_[u]) scheduler_.cancel(*pulse_[u]);
        pulse_[u].reset();
        if (io_.relay(u)) io_.set_relay(u, false);  // no event: the event log records the power down
    }
    alarm_active_ = {};
}

}  // namespace sim::meter
