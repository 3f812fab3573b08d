#include "common/file_storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hal {

namespace {
std::runtime_error io_error(const std::string& what, const std::filesystem::path& p) {
    return std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

void check_name(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name.starts_with("."))
        throw std::invalid_argument("storage name '" + name + "' must be a plain file name");
}
}  // namespace

FileStorage::FileStorage(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
}

std::optional<std::string> FileStorage::read(const std::string& name) const {
    check_name(name);
    std::ifstream in(dir_ / name, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void FileStorage::write_atomic(const std::string& name, const std::string& content) {
    check_name(name);
    const auto final_path = dir_ / name;
    const auto tmp_path = dir_ / ("." + name + ".tmp");
    const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw io_error("cannot create", tmp_path);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            throw io_error("cannot write", tmp_path);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        throw io_error("cannot fsync", tmp_path);
    }
    ::close(fd);
    if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) throw io_error("cannot rename onto", final_path);
    // The rename itself must reach the disk before the write counts as acknowledged.
    const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace hal
