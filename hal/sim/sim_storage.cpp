#include "sim/sim_storage.hpp"

#include <fstream>

namespace hal::sim {

void SimStorage::refuse_when_full(const std::string& name) const {
    if (full_) throw StorageError("cannot write " + (data_dir() / name).string() + ": No space left on device (simulated full disk)", true);
}

std::optional<std::size_t> SimStorage::take_cut() {
    std::lock_guard lock(mutex_);
    auto cut = cut_after_;
    cut_after_.reset();
    return cut;
}

void SimStorage::write_atomic(const std::string& name, const std::string& content) {
    refuse_when_full(name);
    if (const auto cut = take_cut()) {
        const auto n = std::min(*cut, content.size());
        const auto p = data_dir() / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream tmp(p.parent_path() / ("." + p.filename().string() + ".tmp"), std::ios::binary | std::ios::trunc);
        tmp.write(content.data(), static_cast<std::streamsize>(n));
        throw PowerCut("power cut while writing " + name + " (" + std::to_string(n) + " of " + std::to_string(content.size()) + " bytes)");
    }
    files_.write_atomic(name, content);
}

void SimStorage::append(const std::string& name, const std::string& content) {
    refuse_when_full(name);
    if (const auto cut = take_cut()) {
        const auto n = std::min(*cut, content.size());
        files_.append(name, content.substr(0, n));
        throw PowerCut("power cut while appending to " + name + " (" + std::to_string(n) + " of " + std::to_string(content.size()) + " bytes)");
    }
    files_.append(name, content);
}

}  // namespace hal::sim
