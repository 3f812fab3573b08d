#pragma once
// Lowercase hexadecimal text of octets and back: API tokens, package hashes and keys, sealed secrets.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fw {

inline std::string to_hex(std::span<const std::uint8_t> octets) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(octets.size() * 2);
    for (const auto b : octets) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// The octets of `text` (upper or lower case); none when it is not an even number of hex digits.
inline std::optional<std::vector<std::uint8_t>> from_hex(const std::string& text) {
    if (text.size() % 2) return std::nullopt;
    auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = digit(text[i]), lo = digit(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

}  // namespace fw
