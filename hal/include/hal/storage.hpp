#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hal {

// A write that did not reach the disk; nothing of it counts (an atomic replace left the old file).
class StorageError : public std::runtime_error {
public:
    StorageError(const std::string& what, bool no_space) : std::runtime_error(what), no_space_(no_space) {}
    bool no_space() const { return no_space_; }

private:
    bool no_space_;
};

// The device's one data directory (ARCHITECTURE "Storage"): nothing is written elsewhere.
// Names are plain file names inside it, or `folder/file` one level down (the folder is made on
// the first write): the data logs' folder is what SFTP download serves.
class Storage {
public:
    virtual ~Storage() = default;
    virtual std::filesystem::path data_dir() const = 0;
    virtual std::optional<std::string> read(const std::string& name) const = 0;
    // Atomic: write a temporary file, fsync, rename over the old one, fsync the directory.
    virtual void write_atomic(const std::string& name, const std::string& content) = 0;
    // Appends and fsyncs (logs, queues): after a power cut the file may end in a torn record.
    virtual void append(const std::string& name, const std::string& content) = 0;
    virtual std::vector<std::string> list() const = 0;  // sorted, temporaries left out
    virtual std::vector<std::string> list(const std::string& folder) const = 0;  // the plain names in a folder
    virtual std::optional<std::uint64_t> size(const std::string& name) const = 0;
    // Atomic within the data directory (a closed log file moved into a post queue); fsyncs the folders.
    virtual void rename(const std::string& from, const std::string& to) = 0;
    virtual void remove(const std::string& name) = 0;   // no error when it is not there
    virtual std::uint64_t free_space() const = 0;       // bytes
};

}  // namespace hal
