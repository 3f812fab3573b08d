#include "services/datalog/log_format.hpp"

#include <zlib.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace fw::log_format {

namespace {

constexpr std::int64_t day = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

struct Civil {
    int y;
    unsigned m, d;
    std::int64_t in_day;
};

Civil civil(std::int64_t local) {
    using namespace std::chrono;
    const std::int64_t days_since = floor_div(local, day);
    const year_month_day ymd{sys_days{days{days_since}}};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), local - days_since * day};
}

std::int64_t days_of(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / std::chrono::day{d}}.time_since_epoch().count();
}

std::string text(std::int64_t utc_s, std::int64_t offset, const char* date_time_sep, char time_sep, bool zone, bool zone_colon) {
    const Civil c = civil(utc_s + offset);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%s%02lld%c%02lld%c%02lld", c.y, c.m, c.d, date_time_sep,
                          static_cast<long long>(c.in_day / 3600), time_sep, static_cast<long long>(c.in_day / 60 % 60), time_sep,
                          static_cast<long long>(c.in_day % 60));
    if (zone) {
        const long long oh = std::llabs(offset) / 3600, om = std::llabs(offset) / 60 % 60;
        std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%c%02lld%s%02lld", offset < 0 ? '-' : '+', oh, zone_colon ? ":" : "", om);
    }
    return buf;
}

}  // namespace

std::string local_text(std::int64_t utc_s, std::int64_t offset) { return text(utc_s, offset, " ", ':', false, false); }
std::string iso8601(std::int64_t utc_s, std::int64_t offset) { return text(utc_s, offset, "T", ':', true, true); }
std::string file_time(std::int64_t utc_s, std::int64_t offset) { return text(utc_s, offset, "T", '-', true, false); }

std::int64_t period_start(std::int64_t utc_s, std::int64_t length, std::int64_t offset) {
    const std::int64_t local = utc_s + offset;
    if (length == month_code) {
        const Civil c = civil(local);
        return days_of(c.y, c.m, 1) * day - offset;
    }
    if (length == 7 * day) return (floor_div(floor_div(local, day) + 3, 7) * 7 - 3) * day - offset;  // 1970-01-01 was a Thursday
    if (length >= 3600 && day % length == 0) return floor_div(local, length) * length - offset;
    return floor_div(utc_s, length) * length;
}

std::int64_t period_end(std::int64_t start, std::int64_t length, std::int64_t offset) {
    if (length != month_code) return start + length;
    const Civil c = civil(start + offset);
    return days_of(c.m == 12 ? c.y + 1 : c.y, c.m == 12 ? 1 : c.m + 1, 1) * day - offset;
}

std::string gzip(const std::string& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("gzip: cannot start");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("gzip: cannot compress");
    return out;
}

namespace {
// Inflates the members of `data` into `out` until the end or a damaged member; returns where the
// whole members end.
std::size_t inflate_members(const std::string& data, std::string& out) {
    std::size_t at = 0;
    char buf[16384];
    while (at < data.size()) {
        z_stream z{};
        if (inflateInit2(&z, 15 + 16) != Z_OK) return at;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + at));
        z.avail_in = static_cast<uInt>(data.size() - at);
        int rc = Z_OK;
        while (rc == Z_OK) {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            rc = inflate(&z, Z_NO_FLUSH);
            out.append(buf, sizeof buf - z.avail_out);
            if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
        }
        const auto used = z.total_in;
        inflateEnd(&z);
        if (rc != Z_STREAM_END) return at;
        at += used;
    }
    return at;
}
}  // namespace

std::string gunzip(const std::string& data) {
    std::string out;
    const auto whole = inflate_members(data, out);
    if (whole != data.size()) throw std::runtime_error("gunzip: damaged or truncated member at byte " + std::to_string(whole));
    return out;
}

std::size_t whole_members(const std::string& data) {
    std::string out;
    return inflate_members(data, out);
}

std::string number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
    return std::string(buf, r.ptr);
}

}  // namespace fw::log_format
