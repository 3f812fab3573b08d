#pragma once
// The board's non-volatile memory as bytes (ARCHITECTURE "Storage and configuration"): each model
// writes what a power cycle keeps and reads it back in the same order. A file that is short,
// corrupt or of another layout is refused whole (NvmError) before anything is changed.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sim::meter {

class NvmError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class NvmWriter {
public:
    template <typename T>
    void put(T v) {
        static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        bytes_.append(b, sizeof(T));
    }
    template <typename T>
    void put_all(const std::vector<T>& v) {
        put<std::uint32_t>(static_cast<std::uint32_t>(v.size()));
        for (const auto& x : v) put(x);
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

class NvmReader {
public:
    explicit NvmReader(std::string_view bytes) : bytes_(bytes) {}
    template <typename T>
    T get() {
        if (at_ + sizeof(T) > bytes_.size()) throw NvmError("board memory is truncated at byte " + std::to_string(at_));
        T v;
        std::memcpy(&v, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return v;
    }
    template <typename T>
    std::vector<T> get_all(std::size_t expected) {
        const auto n = get<std::uint32_t>();
        if (n != expected) throw NvmError("board memory holds " + std::to_string(n) + " values where " + std::to_string(expected) + " belong");
        std::vector<T> v(n);
        for (auto& x : v) x = get<T>();
        return v;
    }
    bool done() const { return at_ == bytes_.size(); }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

// FNV-1a 64: enough to tell a torn or damaged file from a whole one.
inline std::uint64_t nvm_checksum(std::string_view bytes) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    return h;
}

}  // namespace sim::meter
