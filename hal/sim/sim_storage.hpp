#pragma once
// The data directory of a simulated unit: a FileStorage with two fault knobs on its control face,
// a full disk and a power cut in the middle of the next write.
#include <atomic>
#include <mutex>
#include <optional>

#include "common/file_storage.hpp"

namespace hal::sim {

class PowerCut : public StorageError {
public:
    explicit PowerCut(const std::string& what) : StorageError(what, false) {}
};

class SimStorage final : public Storage {
public:
    explicit SimStorage(std::filesystem::path dir) : files_(std::move(dir)) {}
    std::filesystem::path data_dir() const override { return files_.data_dir(); }
    std::optional<std::string> read(const std::string& name) const override { return files_.read(name); }
    void write_atomic(const std::string& name, const std::string& content) override;
    void append(const std::string& name, const std::string& content) override;
    std::vector<std::string> list() const override { return files_.list(); }
    std::vector<std::string> list(const std::string& folder) const override { return files_.list(folder); }
    std::optional<std::uint64_t> size(const std::string& name) const override { return files_.size(name); }
    void rename(const std::string& from, const std::string& to) override { files_.rename(from, to); }
    void remove(const std::string& name) override { files_.remove(name); }
    std::uint64_t free_space() const override { return full_ ? 0 : files_.free_space(); }

    // Control face.
    // Knobs are set between steps; worker jobs (a post file built off the loop) write too, so the
    // power cut goes to whichever write, the loop's or a worker's, comes first.
    void set_disk_full(bool full) { full_ = full; }
    bool disk_full() const { return full_; }
    // The next write stops after `bytes` of its content have reached the disk, as the supply goes:
    // an atomic replace leaves its partial temporary file and the old file; an append, a torn tail.
    void cut_power_in_next_write(std::size_t bytes) {
        std::lock_guard lock(mutex_);
        cut_after_ = bytes;
    }
    bool power_cut_pending() const {
        std::lock_guard lock(mutex_);
        return cut_after_.has_value();
    }

private:
    void refuse_when_full(const std::string& name) const;
    std::optional<std::size_t> take_cut();
    FileStorage files_;
    std::atomic<bool> full_{false};
    mutable std::mutex mutex_;
    std::optional<std::size_t> cut_after_;
};

}  // namespace hal::sim
