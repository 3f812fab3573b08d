#pragma once
#include "hal/storage.hpp"

namespace hal {

// Storage on a directory of the host file system; used by both backends.
class FileStorage final : public Storage {
public:
    explicit FileStorage(std::filesystem::path dir);  // creates the directory
    std::filesystem::path data_dir() const override { return dir_; }
    std::optional<std::string> read(const std::string& name) const override;
    void write_atomic(const std::string& name, const std::string& content) override;
    void append(const std::string& name, const std::string& content) override;
    std::vector<std::string> list() const override;
    std::vector<std::string> list(const std::string& folder) const override;
    std::optional<std::uint64_t> size(const std::string& name) const override;
    void rename(const std::string& from, const std::string& to) override;
    void remove(const std::string& name) override;
    std::uint64_t free_space() const override;

private:
    std::filesystem::path dir_;
};

}  // namespace hal
