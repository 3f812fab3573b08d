#include "common/file_storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hal {

namespace {
StorageError io_error(const std::string& what, const std::filesystem::path& p) {
    const int e = errno;
    return StorageError(what + " " + p.string() + ": " + std::strerror(e), e == ENOSPC || e == EDQUOT);
}

// Writes all of `content` to `fd`, then fsyncs it.
void write_fd(int fd, const std::string& content, const std::filesystem::path& p) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw io_error("cannot write", p);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) throw io_error("cannot fsync", p);
}

// Opens `p` with `flags`, writes `content` and fsyncs it; on an error the file is closed and the
// error thrown.
void write_file(const std::filesystem::path& p, int flags, const std::string& content) {
    // 0600: the data directory holds secrets (password hashes, the API token, the TLS key); the device alone reads it.
    const int fd = ::open(p.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw io_error("cannot open", p);
    try {
        write_fd(fd, content, p);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

bool plain(const std::string& part) { return !part.empty() && part.find('/') == std::string::npos && !part.starts_with("."); }

void check_folder(const std::string& folder) {
    if (!plain(folder)) throw std::invalid_argument("storage folder '" + folder + "' must be a plain name");
}

// A plain file name, or `folder/file`.
void check_name(const std::string& name) {
    const auto slash = name.find('/');
    const bool ok = slash == std::string::npos ? plain(name) : plain(name.substr(0, slash)) && plain(name.substr(slash + 1));
    if (!ok) throw std::invalid_argument("storage name '" + name + "' must be a plain file name or folder/file");
}

// The folder of `name` exists (made on the first write into it).
void make_folder(const std::filesystem::path& dir, const std::string& name) {
    const auto slash = name.find('/');
    if (slash == std::string::npos) return;
    std::error_code ec;
    std::filesystem::create_directory(dir / name.substr(0, slash), ec);
    if (ec) throw StorageError("cannot make " + (dir / name.substr(0, slash)).string() + ": " + ec.message(), ec == std::errc::no_space_on_device);
}

void fsync_dir(const std::filesystem::path& dir) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

// The temporary beside `name`: `.file.tmp` in the same folder.
std::filesystem::path temporary(const std::filesystem::path& dir, const std::string& name) {
    const auto p = dir / name;
    return p.parent_path() / ("." + p.filename().string() + ".tmp");
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
    make_folder(dir_, name);
    const auto final_path = dir_ / name;
    const auto tmp_path = temporary(dir_, name);
    try {
        write_file(tmp_path, O_TRUNC, content);
    } catch (...) {
        ::unlink(tmp_path.c_str());  // the old file stays whole
        throw;
    }
    if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) throw io_error("cannot rename onto", final_path);
    // The rename itself must reach the disk before the write counts as acknowledged.
    fsync_dir(final_path.parent_path());
}

void FileStorage::append(const std::string& name, const std::string& content) {
    check_name(name);
    make_folder(dir_, name);
    write_file(dir_ / name, O_APPEND, content);
}

std::vector<std::string> FileStorage::list() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
        const auto n = e.path().filename().string();
        if (e.is_regular_file() && !n.starts_with(".")) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> FileStorage::list(const std::string& folder) const {
    check_folder(folder);
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / folder, ec)) {
        const auto n = e.path().filename().string();
        if (e.is_regular_file() && !n.starts_with(".")) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::uint64_t> FileStorage::size(const std::string& name) const {
    check_name(name);
    std::error_code ec;
    const auto n = std::filesystem::file_size(dir_ / name, ec);
    if (ec) return std::nullopt;
    return n;
}

void FileStorage::rename(const std::string& from, const std::string& to) {
    check_name(from);
    check_name(to);
    make_folder(dir_, to);
    const auto a = dir_ / from, b = dir_ / to;
    if (::rename(a.c_str(), b.c_str()) != 0) throw io_error("cannot rename " + a.string() + " to", b);
    fsync_dir(b.parent_path());
    if (a.parent_path() != b.parent_path()) fsync_dir(a.parent_path());
}

void FileStorage::remove(const std::string& name) {
    check_name(name);
    std::error_code ec;
    std::filesystem::remove(dir_ / name, ec);
    if (ec) throw StorageError("cannot remove " + (dir_ / name).string() + ": " + ec.message(), false);
}

std::uint64_t FileStorage::free_space() const { return std::filesystem::space(dir_).available; }

}  // namespace hal
