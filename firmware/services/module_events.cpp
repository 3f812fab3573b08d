#include "services/module_events.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fw {

namespace {

std::string line_of(const ModuleEvent& e) {
    return nlohmann::json{{"n", e.number}, {"t", e.time}, {"s", e.source}, {"m", e.text}}.dump() + "\n";
}

}  // namespace

ModuleEvents::ModuleEvents(hal::Storage& storage, hal::DeviceClock& clock) : storage_(storage), clock_(clock) { load(); }

void ModuleEvents::load() {
    const auto content = storage_.read(file);
    if (!content) return;
    std::istringstream in(*content);
    std::string line;
    bool torn = false;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("n") || !j["n"].is_number_unsigned() || !j.contains("t") ||
            !j["t"].is_number_integer() || !j.contains("s") || !j["s"].is_string() || !j.contains("m") || !j["m"].is_string()) {
            torn = true;  // a power cut mid-append; what follows it is not trusted either
            break;
        }
        ModuleEvent e{j["n"].get<std::uint64_t>(), j["t"].get<std::int64_t>(), j["s"].get<std::string>(), j["m"].get<std::string>()};
        if (e.number < next_) {
            torn = true;
            break;
        }
        next_ = e.number + 1;
        events_.push_back(std::move(e));
        if (events_.size() > kept) events_.pop_front();
        ++lines_in_file_;
    }
    if (torn || lines_in_file_ > kept) {
        std::string rewritten;
        for (const auto& e : events_) rewritten += line_of(e);
        try {
            storage_.write_atomic(file, rewritten);
            lines_in_file_ = events_.size();
        } catch (const hal::StorageError&) {
            // read again at the next boot; nothing new is appended after a torn line until then
        }
    }
}

void ModuleEvents::add(const std::string& source, const std::string& text) {
    const auto utc = std::chrono::duration_cast<std::chrono::seconds>(clock_.utc()).count();
    ModuleEvent e{next_++, utc, source, text};
    events_.push_back(e);
    if (events_.size() > kept) events_.pop_front();
    try {
        if (lines_in_file_ + 1 > 2 * kept) {
            std::string rewritten;
            for (const auto& x : events_) rewritten += line_of(x);
            storage_.write_atomic(file, rewritten);
            lines_in_file_ = events_.size();
        } else {
            storage_.append(file, line_of(e));
            ++lines_in_file_;
        }
    } catch (const hal::StorageError&) {
        ++unsaved_;  // kept in memory; the page says how many could not be saved
    }
}

std::vector<ModuleEvent> ModuleEvents::page(std::uint64_t first, std::size_t count) const {
    std::vector<ModuleEvent> out;
    if (events_.empty() || count == 0) return out;
    std::uint64_t last = events_.back().number;
    if (first != 0) last = std::min(last, first + count - 1);
    for (auto it = events_.rbegin(); it != events_.rend() && out.size() < count; ++it)
        if (it->number <= last && (first == 0 || it->number >= first)) out.push_back(*it);
    return out;
}

}  // namespace fw
