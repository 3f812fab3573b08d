#include "hal/time_zone.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <fstream>
#include <sstream>

namespace hal {

namespace {

// Big-endian reads over the file with the bound checked once per field.
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    void need(std::size_t n, const char* what) const {
        if (bytes_.size() - pos_ < n)
            throw TzifError("TZif file truncated in " + std::string(what) + ": " + std::to_string(n) + " bytes needed at offset " +
                            std::to_string(pos_) + ", " + std::to_string(bytes_.size() - pos_) + " left");
    }
    std::uint64_t be(int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_++]);
        return v;
    }
    std::string_view take(std::size_t n) {
        auto s = bytes_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    void skip(std::size_t n) { pos_ += n; }
    std::string_view rest() const { return bytes_.substr(pos_); }

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

struct Counts {
    std::uint32_t isut, isstd, leap, time, type, chars;
};

Counts header(Reader& r, char& version) {
    r.need(44, "the header");
    if (r.take(4) != "TZif") throw TzifError("not a TZif file (no 'TZif' magic)");
    version = r.take(1)[0];
    r.skip(15);
    Counts c{};
    for (auto* f : {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars}) *f = static_cast<std::uint32_t>(r.be(4));
    // RFC 8536 3.1: typecnt must not be zero; sane files have at most 256 types (one byte indexes them).
    if (c.type == 0 || c.type > 256) throw TzifError("TZif typecnt " + std::to_string(c.type) + " out of range 1-256");
    if ((c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type))
        throw TzifError("TZif isutcnt/isstdcnt must be 0 or typecnt");
    return c;
}

constexpr std::int64_t day_s = 86400;

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::int64_t days_of(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

int year_of(std::int64_t utc_s) {
    using namespace std::chrono;
    const sys_days d{days{utc_s >= 0 ? utc_s / day_s : (utc_s - day_s + 1) / day_s}};
    return static_cast<int>(year_month_day{d}.year());
}

// POSIX TZ string parsing (the TZif footer, RFC 8536 3.3), as strict as the form allows.
class PosixParser {
public:
    explicit PosixParser(std::string_view s) : s_(s) {}
    bool done() const { return i_ >= s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }
    void expect(char c) {
        if (peek() != c) fail(std::string("'") + c + "' expected");
        ++i_;
    }
    std::string name() {
        std::string out;
        if (peek() == '<') {
            ++i_;
            while (!done() && peek() != '>') out += s_[i_++];
            expect('>');
        } else {
            while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) out += s_[i_++];
        }
        if (out.size() < 3) fail("a zone abbreviation of at least 3 characters expected");
        return out;
    }
    // [+-]hh[:mm[:ss]] in seconds; hours up to `max_hours` (167 for rule times, RFC 8536 3.3.1).
    std::int32_t hms(int max_hours) {
        int sign = 1;
        if (peek() == '+' || peek() == '-') sign = s_[i_++] == '-' ? -1 : 1;
        const int h = number(0, max_hours);
        int m = 0, sec = 0;
        if (peek() == ':') {
            ++i_;
            m = number(0, 59);
            if (peek() == ':') {
                ++i_;
                sec = number(0, 59);
            }
        }
        return sign * (h * 3600 + m * 60 + sec);
    }
    int number(int min, int max) {
        if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("a number expected");
        long v = 0;
        while (std::isdigit(static_cast<unsigned char>(peek()))) {
            v = v * 10 + (s_[i_++] - '0');
            if (v > max) fail("a number out of range " + std::to_string(min) + "-" + std::to_string(max));
        }
        if (v < min) fail("a number out of range " + std::to_string(min) + "-" + std::to_string(max));
        return static_cast<int>(v);
    }
    ZoneRules::Rule::Date date() {
        using Kind = ZoneRules::Rule::Date::Kind;
        ZoneRules::Rule::Date d;
        if (peek() == 'M') {
            ++i_;
            d.month = number(1, 12);
            expect('.');
            d.week = number(1, 5);
            expect('.');
            d.weekday = number(0, 6);
        } else if (peek() == 'J') {
            ++i_;
            d.kind = Kind::julian_no_leap;
            d.day = number(1, 365);
        } else {
            d.kind = Kind::julian;
            d.day = number(0, 365);
        }
        if (peek() == '/') {
            ++i_;
            d.time_s = hms(167);
        }
        return d;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw TzifError("TZ rule '" + std::string(s_.substr(0, 60)) + "': " + what + " at character " + std::to_string(i_ + 1));
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

ZoneRules::Rule ZoneRules::parse_posix_rule(std::string_view text) {
    PosixParser p(text);
    Rule r;
    r.standard.abbreviation = p.name();
    r.standard.utc_offset_s = -p.hms(24);  // POSIX counts west of UTC as positive
    if (p.done()) return r;
    r.has_dst = true;
    r.daylight.dst = true;
    r.daylight.abbreviation = p.name();
    r.daylight.utc_offset_s = r.standard.utc_offset_s + 3600;
    if (p.peek() != ',' && !p.done()) r.daylight.utc_offset_s = -p.hms(24);
    // Without a rule POSIX leaves the dates to the implementation; TZif footers always give one.
    if (p.done()) p.fail("a DST rule (,start,end) expected");
    p.expect(',');
    r.start = p.date();
    p.expect(',');
    r.end = p.date();
    if (!p.done()) p.fail("unexpected text");
    return r;
}

std::pair<std::int64_t, std::int64_t> ZoneRules::rule_changes(const Rule& r, int y) {
    using Kind = Rule::Date::Kind;
    auto day = [y](const Rule::Date& d) -> std::int64_t {
        switch (d.kind) {
            case Kind::julian_no_leap:  // 1-365, February 29 never counted
                return days_of(y, 1, 1) + d.day - 1 + (leap(y) && d.day >= 60 ? 1 : 0);
            case Kind::julian: return days_of(y, 1, 1) + d.day;
            case Kind::month_week_day: break;
        }
        const std::int64_t first = days_of(y, static_cast<unsigned>(d.month), 1);
        const int first_weekday = static_cast<int>(((first % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
        std::int64_t dd = first + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
        const std::int64_t next_month = d.month == 12 ? days_of(y + 1, 1, 1) : days_of(y, static_cast<unsigned>(d.month + 1), 1);
        while (dd >= next_month) dd -= 7;  // week 5: the last such weekday of the month
        return dd;
    };
    return {day(r.start) * day_s + r.start.time_s - r.standard.utc_offset_s, day(r.end) * day_s + r.end.time_s - r.daylight.utc_offset_s};
}

ZoneOffset ZoneRules::rule_at(std::int64_t t) const {
    const Rule& r = *rule_;
    if (!r.has_dst) return r.standard;
    const auto [start, end] = rule_changes(r, year_of(t));
    const bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);  // southern zones: DST over new year
    return in_dst ? r.daylight : r.standard;
}

ZoneOffset ZoneRules::at(std::int64_t t) const {
    if (!transitions_.empty() && t >= transitions_.back() && rule_) return rule_at(t);
    if (transitions_.empty()) return rule_ ? rule_at(t) : (types_.empty() ? ZoneOffset{0, false, "UTC"} : types_[0]);
    const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
    if (it == transitions_.begin()) return types_[0];  // RFC 8536 3.2: before the first transition, type 0
    return types_[transition_type_[static_cast<std::size_t>(it - transitions_.begin() - 1)]];
}

std::optional<std::int64_t> ZoneRules::next_change(std::int64_t t) const {
    const ZoneOffset now = at(t);
    for (auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t); it != transitions_.end(); ++it)
        if (at(*it) != now) return *it;
    if (!rule_ || !rule_->has_dst) return std::nullopt;
    const std::int64_t from = std::max(t, transitions_.empty() ? t : transitions_.back());
    std::optional<std::int64_t> best;
    for (int y = year_of(from) - 1; y <= year_of(from) + 1; ++y) {
        const auto [start, end] = rule_changes(*rule_, y);
        for (auto c : {start, end})
            if (c > t && (!best || c < *best)) best = c;
    }
    return best;
}

ZoneRules ZoneRules::parse_tzif(std::string_view bytes) {
    Reader r(bytes);
    char version = 0;
    const Counts v1 = header(r, version);
    if (version != '2' && version != '3' && version != '4')
        throw TzifError(version == '\0' ? "TZif version 1 only (no 64-bit data); version 2 or later needed"
                                        : "TZif version byte '" + std::string(1, version) + "' unknown");
    // Skip the 32-bit block: version 2+ repeats everything with 64-bit times after it.
    const std::uint64_t v1_size = std::uint64_t{v1.time} * 5 + std::uint64_t{v1.type} * 6 + v1.chars + std::uint64_t{v1.leap} * 8 + v1.isstd + v1.isut;
    r.need(v1_size, "the version 1 data");
    r.skip(v1_size);
    char version2 = 0;
    const Counts c = header(r, version2);
    r.need(std::uint64_t{c.time} * 9 + std::uint64_t{c.type} * 6 + c.chars + std::uint64_t{c.leap} * 12 + c.isstd + c.isut, "the data");
    ZoneRules z;
    z.transitions_.reserve(c.time);
    for (std::uint32_t i = 0; i < c.time; ++i) {
        const auto t = static_cast<std::int64_t>(r.be(8));
        if (!z.transitions_.empty() && t <= z.transitions_.back()) throw TzifError("TZif transition times not in increasing order");
        z.transitions_.push_back(t);
    }
    for (std::uint32_t i = 0; i < c.time; ++i) {
        const auto idx = static_cast<std::uint8_t>(r.be(1));
        if (idx >= c.type) throw TzifError("TZif transition type " + std::to_string(idx) + " out of range 0-" + std::to_string(c.type - 1));
        z.transition_type_.push_back(idx);
    }
    std::vector<std::pair<std::int32_t, std::pair<bool, std::uint8_t>>> types;
    for (std::uint32_t i = 0; i < c.type; ++i) {
        const auto off = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.be(4)));
        const auto dst = r.be(1);
        const auto desig = static_cast<std::uint8_t>(r.be(1));
        // RFC 8536 3.2: utoff must not be -2^31 and should be within -25:59:59 .. +25:59:59.
        if (off < -93599 || off > 93599) throw TzifError("TZif UT offset " + std::to_string(off) + " s out of range");
        if (dst > 1) throw TzifError("TZif isdst " + std::to_string(dst) + " is not 0 or 1");
        if (desig >= c.chars) throw TzifError("TZif abbreviation index " + std::to_string(desig) + " past the " + std::to_string(c.chars) + " characters");
        types.push_back({off, {dst == 1, desig}});
    }
    const std::string_view chars = r.take(c.chars);
    for (const auto& [off, rest] : types) {
        const auto abbr = chars.substr(rest.second);
        z.types_.push_back({off, rest.first, std::string(abbr.substr(0, abbr.find('\0')))});
    }
    r.skip(std::uint64_t{c.leap} * 12 + c.isstd + c.isut);  // leap seconds: tzdata's "right/" zones only; UTC has none
    const auto footer = r.rest();
    if (footer.size() < 2 || footer.front() != '\n') throw TzifError("TZif footer missing (a newline-enclosed TZ string)");
    const auto end = footer.find('\n', 1);
    if (end == std::string_view::npos) throw TzifError("TZif footer not closed by a newline");
    if (const auto tz = footer.substr(1, end - 1); !tz.empty()) z.rule_ = parse_posix_rule(tz);
    return z;
}

TimeZoneDatabase::TimeZoneDatabase(std::string directory) : directory_(std::move(directory)) {
    // tzdata.zi lists each canonical zone once ("Z Area/City ..."); its links are old aliases.
    std::ifstream in(directory_ + "/tzdata.zi");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Z ", 0) == 0) {
            std::istringstream fields(line.substr(2));
            std::string name;
            fields >> name;
            if (!name.empty()) names_.push_back(name);
        }
    if (!names_.empty() && std::ifstream(directory_ + "/UTC")) names_.push_back("UTC");
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
}

const TimeZoneDatabase& TimeZoneDatabase::installed() {
    static const TimeZoneDatabase db("/usr/share/zoneinfo");
    return db;
}

bool TimeZoneDatabase::contains(const std::string& name) const { return std::binary_search(names_.begin(), names_.end(), name); }

ZoneRules TimeZoneDatabase::load(const std::string& name) const {
    if (!contains(name))
        throw std::invalid_argument(names_.empty() ? "no zone database at " + directory_ + " (tzdata.zi missing)"
                                                   : "time zone '" + name.substr(0, 64) + "' is not in the IANA zone database");
    std::ifstream in(directory_ + "/" + name, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw TzifError("cannot read " + directory_ + "/" + name);
    try {
        return ZoneRules::parse_tzif(bytes.str());
    } catch (const TzifError& e) {
        throw TzifError(name + ": " + e.what());
    }
}

}  // namespace hal
