#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace hal {

// The device's one data directory (ARCHITECTURE "Storage"): nothing is written elsewhere.
class Storage {
public:
    virtual ~Storage() = default;
    virtual std::filesystem::path data_dir() const = 0;
    virtual std::optional<std::string> read(const std::string& name) const = 0;
    // Atomic: write a temporary file, fsync, rename over the old one.
    virtual void write_atomic(const std::string& name, const std::string& content) = 0;
};

}  // namespace hal
