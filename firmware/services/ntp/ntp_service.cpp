#include "services/ntp/ntp_service.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <boost/asio/io_context.hpp>

#include "core/board_link.hpp"
#include "model/data_model.hpp"
#include "acurev/board_map.hpp"
#include "services/datalog/log_format.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace ns = ntp_settings;
using boost::asio::ip::udp;
using nlohmann::json;

namespace {

std::int64_t seconds_of(hal::Time t) { return std::chrono::floor<std::chrono::seconds>(t).count(); }

std::string signed_seconds(double s) {
    char b[40];
    std::snprintf(b, sizeof b, "%+.3f s", s);
    return b;
}

std::string utc_offset_text(std::int32_t s) {
    char b[16];
    const int a = std::abs(s);
    std::snprintf(b, sizeof b, "UTC%c%02d:%02d", s < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
    return b;
}

// The board clock's registers (docs/register-map.md "Clock 0x0180"): local wall time and weekday.
std::vector<std::uint16_t> board_registers(hal::Time local) {
    using namespace std::chrono;
    const auto day = floor<days>(sys_time<nanoseconds>(local));
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(local - day.time_since_epoch())};
    return {static_cast<std::uint16_t>(static_cast<int>(ymd.year())),
            static_cast<std::uint16_t>(static_cast<unsigned>(ymd.month())),
            static_cast<std::uint16_t>(static_cast<unsigned>(ymd.day())),
            static_cast<std::uint16_t>(hms.hours().count()),
            static_cast<std::uint16_t>(hms.minutes().count()),
            static_cast<std::uint16_t>(hms.seconds().count()),
            static_cast<std::uint16_t>(weekday{day}.c_encoding())};
}

std::optional<hal::Time> board_time_of(const std::vector<std::uint16_t>& r) {
    using namespace std::chrono;
    if (r.size() < 6) return std::nullopt;
    const year_month_day ymd{year{r[0]}, month{r[1]}, day{r[2]}};
    if (!ymd.ok() || r[3] > 23 || r[4] > 59 || r[5] > 59) return std::nullopt;
    return sys_days{ymd}.time_since_epoch() + hours(r[3]) + minutes(r[4]) + seconds(r[5]);
}

}  // namespace

NtpService::NtpService(ServiceContext& context) : context_(context), socket_(context.hal.io) {}

NtpService::~NtpService() { stop(); }

void NtpService::start() {
    const auto& s = context_.settings;
    alive_ = std::make_shared<bool>(true);
    auto& clock = context_.hal.clock;
    // The zone first: the board's clock and every log use local time.
    const auto zone = s.running(ns::zone).get<std::string>();
    try {
        clock.set_zone(zone);
        zone_error_.clear();
    } catch (const std::exception& e) {
        zone_error_ = e.what();
        context_.events.add("ntp", "time zone " + zone + " not applied: " + zone_error_);
    }
    zone_seen_ = clock.zone_now();
    watch_zone();
    // The board clock once the poller has read it, then every hour (a board's RTC drifts apart).
    board_timer_ = context_.hal.scheduler.after(std::chrono::seconds(10), [this] { check_board_clock(); });

    enabled_ = s.running(ns::enable).get<bool>();
    if (!enabled_) return;
    poll_ = std::chrono::seconds(s.running(ns::poll_interval).get<std::int64_t>());
    servers_.clear();
    const std::pair<const char*, const char*> keys[] = {{ns::server_1, "NTP Server 1"}, {ns::server_2, "NTP Server 2"}, {ns::server_3, "NTP Server 3"}};
    for (const auto& [key, label] : keys) {
        Server srv{label, s.running(key).get<std::string>(), {}, "not tried"};
        if (srv.text.empty()) continue;
        if (const auto error = ns::parse_server(label, srv.text, srv.address)) throw std::runtime_error(*error);
        servers_.push_back(std::move(srv));
    }
    begin_cycle();
}

void NtpService::stop() {
    if (!alive_) return;
    *alive_ = false;
    alive_.reset();
    auto& sched = context_.hal.scheduler;
    for (auto* t : {&poll_timer_, &reply_timer_, &zone_timer_, &board_timer_, &board_write_timer_})
        if (*t) sched.cancel(**t), t->reset();
    if (in_exchange_) sched.end_exchange(), in_exchange_ = false;
    boost::system::error_code ec;
    socket_.close(ec);
    current_.reset();
    auto waiting = std::move(waiting_);
    for (auto& w : waiting) w({false, "the NTP service stopped"});
}

void NtpService::begin_cycle() {
    if (current_ || servers_.empty()) return;
    if (poll_timer_) context_.hal.scheduler.cancel(*poll_timer_), poll_timer_.reset();
    ++cycle_;
    cycle_errors_.clear();
    try_server(0);
}

void NtpService::try_server(std::size_t i) {
    if (i >= servers_.size()) {
        std::string detail = "no NTP server answered";
        for (std::size_t k = 0; k < cycle_errors_.size(); ++k) detail += (k ? "; " : ": ") + cycle_errors_[k];
        return finish(false, detail);
    }
    current_ = i;
    auto& srv = servers_[i];
    if (const auto refusal = context_.hal.network.refused_destination(srv.address.host); !refusal.empty())
        return server_failed(refusal);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(srv.address.host, ec);
    if (!ec) return send_to(i, udp::endpoint(address, static_cast<std::uint16_t>(srv.address.port)));
    // A name: resolved off the loop (getaddrinfo blocks), the answer brought back to it.
    auto found = std::make_shared<std::optional<udp::endpoint>>();
    auto error = std::make_shared<std::string>();
    srv.state = "resolving";
    context_.hal.workers.submit(
        [found, error, host = srv.address.host, port = srv.address.port] {
            boost::asio::io_context io;
            udp::resolver resolver(io);
            boost::system::error_code rec;
            const auto results = resolver.resolve(host, std::to_string(port), rec);
            if (rec || results.empty()) *error = "cannot resolve " + host + ": " + (rec ? rec.message() : "no address");
            else *found = results.begin()->endpoint();
        },
        [this, weak = std::weak_ptr<bool>(alive_), cycle = cycle_, i, found, error] {
            if (weak.expired() || cycle != cycle_ || current_ != i) return;
            if (!*found) return server_failed(*error);
            send_to(i, **found);
        });
}

void NtpService::send_to(std::size_t i, const udp::endpoint& to) {
    boost::system::error_code ec;
    if (!socket_.is_open() || socket_.local_endpoint(ec).protocol() != to.protocol()) {
        socket_.close(ec);
        socket_.open(to.protocol(), ec);
        if (ec) return server_failed("cannot open a UDP socket: " + ec.message());
    }
    expected_ = to;
    t1_ = context_.hal.clock.utc();
    sent_transmit_ = sntp::to_ntp(t1_);
    t1_ = sntp::from_ntp(sent_transmit_);  // the instant the server will echo, to the nanosecond
    const auto packet = sntp::request(sent_transmit_);
    socket_.send_to(boost::asio::buffer(packet), to, 0, ec);
    if (ec) return server_failed("cannot send: " + ec.message());
    servers_[i].state = "asked";
    auto& sched = context_.hal.scheduler;
    // While a request is out, a paused rig lets its background loop serve the answer.
    if (!in_exchange_) sched.begin_exchange(), in_exchange_ = true;
    reply_timer_ = sched.after(sched.peer_time(reply_timeout), [this] {
        reply_timer_.reset();
        server_failed("no answer within " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(reply_timeout).count()) + " s");
    });
    arm_receive();
}

void NtpService::arm_receive() {
    socket_.async_receive_from(boost::asio::buffer(buffer_), from_,
                               [this, weak = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec, std::size_t n) {
                                   if (weak.expired() || ec == boost::asio::error::operation_aborted) return;
                                   if (ec) {
                                       // An ICMP port unreachable from the last send lands here: that server is not serving.
                                       if (current_) return server_failed("no NTP server at " + expected_.address().to_string() + ":" +
                                                                          std::to_string(expected_.port()) + " (" + ec.message() + ")");
                                       return;
                                   }
                                   on_datagram(n);
                               });
}

void NtpService::on_datagram(std::size_t n) {
    if (!current_ || from_ != expected_) return arm_receive();  // not the server asked: ignored
    // A datagram larger than the buffer arrives cut to it: report it as oversized, not truncated.
    const std::size_t size = n == buffer_.size() ? buffer_.size() + 1 : n;
    const hal::Time t4 = context_.hal.clock.utc();
    const auto decoded = sntp::decode_reply(std::span(buffer_.data(), std::min(n, buffer_.size())), sent_transmit_);
    if (size > buffer_.size())
        return server_failed("reply oversized: more than " + std::to_string(buffer_.size()) + " bytes");
    if (const auto* why = std::get_if<std::string>(&decoded)) {
        // RFC 4330 5: a reply to another request is discarded, and the answer still awaited.
        if (why->find("not to our request") != std::string::npos) return arm_receive();
        return server_failed(*why);
    }
    const auto& reply = std::get<sntp::Reply>(decoded);
    if (reply_timer_) context_.hal.scheduler.cancel(*reply_timer_), reply_timer_.reset();
    const auto sample = sntp::sample(t1_, reply.receive, reply.transmit, t4);
    apply(sample, reply);
    finish(true, servers_[*current_].text + " (" + signed_seconds(last_offset_s_) + ")");
}

void NtpService::server_failed(const std::string& why) {
    if (!current_) return;
    if (reply_timer_) context_.hal.scheduler.cancel(*reply_timer_), reply_timer_.reset();
    // Each server's attempt is an exchange of its own, so a rig gives each its own wall cap.
    if (in_exchange_) context_.hal.scheduler.end_exchange(), in_exchange_ = false;
    auto& srv = servers_[*current_];
    srv.state = why;
    cycle_errors_.push_back(srv.label + " " + srv.text + ": " + why);
    const std::size_t next = *current_ + 1;
    current_.reset();
    try_server(next);
}

void NtpService::apply(const sntp::Sample& s, const sntp::Reply& reply) {
    auto& clock = context_.hal.clock;
    const auto& srv = servers_[*current_];
    const hal::Time before = clock.utc();
    clock.set_utc(before + s.offset);
    last_offset_s_ = hal::to_seconds(s.offset);
    last_delay_s_ = hal::to_seconds(s.delay);
    stratum_ = reply.stratum;
    if (synced_server_ != srv.text && !synced_server_.empty())
        context_.events.add("ntp", "NTP: " + srv.label + " " + srv.text + " takes over from " + synced_server_);
    synced_server_ = srv.text;
    synchronised_ = true;
    last_sync_ = clock.utc();
    servers_[*current_].state = "synchronised";
    if (s.offset >= step_threshold || s.offset <= -step_threshold)
        stepped(before, "stepped by " + signed_seconds(last_offset_s_) + " from NTP " + srv.label + " " + srv.text);
}

void NtpService::stepped(hal::Time before, const std::string& why) {
    auto& clock = context_.hal.clock;
    const auto offset_then = zone_seen_.utc_offset_s;
    zone_seen_ = clock.zone_now();
    context_.events.add("ntp", "device clock " + why + ": " + log_format::iso8601(seconds_of(before), offset_then) + " -> " +
                                   log_format::iso8601(seconds_of(clock.utc()), zone_seen_.utc_offset_s));
    watch_zone();
    write_board_clock();
}

void NtpService::finish(bool ok, const std::string& detail) {
    current_.reset();
    auto& sched = context_.hal.scheduler;
    if (in_exchange_) sched.end_exchange(), in_exchange_ = false;
    if (ok) {
        last_error_.clear();
        backoff_ = std::chrono::seconds(16);
    } else {
        last_error_ = detail;
        synchronised_ = false;
    }
    // The next poll: the interval after a success; after a failure sooner, doubling from 16 s
    // (RFC 4330 10: never more often than every 15 s) up to the interval.
    const hal::Duration wait = ok ? poll_ : std::min(backoff_, poll_);
    if (!ok) backoff_ = std::min(backoff_ * 2, poll_);
    poll_timer_ = sched.after(sched.peer_time(wait), [this] {
        poll_timer_.reset();
        begin_cycle();
    });
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& w : waiting) w({ok, detail});
}

void NtpService::force_update(std::function<void(Outcome)> done) {
    if (!enabled_) return done({false, "NTP is not enabled (time.ntp_enable)"});
    if (servers_.empty()) return done({false, "no NTP server is set (NTP Server 1, 2 or 3)"});
    waiting_.push_back(std::move(done));
    begin_cycle();  // one already under way answers every caller
}

void NtpService::set_clock(hal::Time utc) {
    const hal::Time before = context_.hal.clock.utc();
    context_.hal.clock.set_utc(utc);
    stepped(before, "set by hand");
}

void NtpService::watch_zone() {
    auto& sched = context_.hal.scheduler;
    if (zone_timer_) sched.cancel(*zone_timer_), zone_timer_.reset();
    auto& clock = context_.hal.clock;
    const auto next = clock.next_zone_change();
    if (!next) return;
    // At most an hour ahead: the device clock may be stepped meanwhile by anyone (the rig's knob too).
    const hal::Duration wait = std::clamp<hal::Duration>(*next - clock.utc(), hal::Duration{0}, std::chrono::hours(1));
    zone_timer_ = sched.after(wait, [this] {
        zone_timer_.reset();
        const auto now = context_.hal.clock.zone_now();
        if (now != zone_seen_) {
            const char* what = now.dst && !zone_seen_.dst ? "DST starts" : !now.dst && zone_seen_.dst ? "DST ends" : "zone offset changes";
            context_.events.add("ntp", std::string(what) + ": local time is now " + now.abbreviation + " (" + utc_offset_text(now.utc_offset_s) +
                                           ", " + context_.hal.clock.zone_name() + ")");
            // The board keeps wall time: it jumps with the module's if it was following it.
            if (synchronised_ || board_shows(zone_seen_.utc_offset_s).value_or(false)) write_board_clock();
            else board_state_ = "not following the module's clock: left as it is at the zone change";
            zone_seen_ = now;
        }
        watch_zone();
    });
}

void NtpService::write_board_clock() {
    auto& sched = context_.hal.scheduler;
    if (board_write_timer_) sched.cancel(*board_write_timer_), board_write_timer_.reset();
    // At the next whole second of the device clock, so the board's seconds start with the module's.
    const hal::Time utc = context_.hal.clock.utc();
    const hal::Duration to_second = std::chrono::seconds(1) - (utc - std::chrono::floor<std::chrono::seconds>(utc));
    board_write_timer_ = sched.after(to_second % std::chrono::seconds(1), [this] {
        board_write_timer_.reset();
        const hal::Time local = context_.hal.clock.local();
        const auto regs = board_registers(local);
        if (regs[0] < 2000 || regs[0] > 2099) {
            board_state_ = "not written: the board keeps 2000-2099, the device clock shows " + std::to_string(regs[0]);
            return;
        }
        board_writing_ = true;
        context_.board.write_registers(acurev::blocks::clock.start, regs, [this, weak = std::weak_ptr<bool>(alive_), local](const TransactionResult& r) {
            if (weak.expired()) return;
            board_writing_ = false;
            if (r.response && !r.response->exception) {
                board_state_ = "set to " + log_format::local_text(seconds_of(local), 0);
            } else {
                board_state_ = std::string("not set: ") + (r.response ? "the board refused the write" : "the board did not answer");
                context_.events.add("ntp", "board clock " + board_state_);
            }
        });
    });
}

std::optional<bool> NtpService::board_shows(std::int32_t utc_offset_s) const {
    const auto& b = acurev::blocks::clock;
    const auto read_at = context_.model.oldest_read(b);
    if (!read_at) return std::nullopt;
    const auto board = board_time_of(context_.model.registers(b.start, b.count));
    if (!board) return false;
    // The mirror is as old as the poll that read it: the board's clock has run on since.
    const hal::Time expected = std::chrono::floor<std::chrono::seconds>(context_.hal.clock.utc()) + std::chrono::seconds(utc_offset_s);
    return std::chrono::abs(*board + (context_.hal.scheduler.now() - *read_at) - expected) < board_tolerance;
}

void NtpService::check_board_clock() {
    board_timer_ = context_.hal.scheduler.after(board_check_every, [this] { check_board_clock(); });
    // Only a synchronised module is the better clock: otherwise the board's (battery-backed, or set
    // over Modbus by a SCADA master) is left as it is, and written only at the module's own steps.
    if (!synchronised_ || board_writing_) return;
    if (board_shows(context_.hal.clock.zone_now().utc_offset_s) == false) write_board_clock();
}

std::string NtpService::zone_text() const {
    const auto& clock = context_.hal.clock;
    const auto z = clock.zone_now();
    const auto name = clock.zone_name();
    return (name.empty() ? std::string("fixed offset") : name) + " (" + (z.abbreviation.empty() ? "" : z.abbreviation + ", ") +
           utc_offset_text(z.utc_offset_s) + ")";
}

Health NtpService::health() const {
    if (!zone_error_.empty()) return {true, "time zone not applied: " + zone_error_};
    if (!enabled_) return {true, "NTP disabled; " + zone_text()};
    if (synchronised_) {
        return {true, synced_server_ + " (synchronised, offset " + signed_seconds(last_offset_s_) + ")"};
    }
    return {false, last_error_};
}

json NtpService::status() const {
    const auto& clock = context_.hal.clock;
    const auto z = clock.zone_now();
    json servers = json::array();
    for (const auto& s : servers_) servers.push_back({{"label", s.label}, {"server", s.text}, {"state", s.state}});
    json out{{"utc", seconds_of(clock.utc())},
             {"local", log_format::iso8601(seconds_of(clock.utc()), z.utc_offset_s)},
             {"zone", clock.zone_name()},
             {"abbreviation", z.abbreviation},
             {"utc_offset_s", z.utc_offset_s},
             {"dst", z.dst},
             {"ntp_enabled", enabled_},
             {"synchronised", synchronised_},
             {"server", synced_server_},
             {"servers", servers},
             {"board_clock", board_state_}};
    if (enabled_) {
        out["offset_s"] = last_offset_s_;
        out["delay_s"] = last_delay_s_;
        out["stratum"] = stratum_;
        out["error"] = last_error_;
        out["last_sync"] = last_sync_ ? json(seconds_of(*last_sync_)) : json(nullptr);
        out["busy"] = current_.has_value();
    }
    if (const auto next = clock.next_zone_change()) out["next_zone_change"] = seconds_of(*next);
    if (!zone_error_.empty()) out["zone_error"] = zone_error_;
    return out;
}

}  // namespace fw
