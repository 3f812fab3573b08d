#include "scenario.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "acurev/board_map.hpp"
#include "catalogue/catalogue.hpp"
#include "meter/wiring.hpp"
#include "modbus/pdu.hpp"
#include "modbus_client.hpp"
#include "rtu_transports.hpp"

namespace harness {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& what) {
    throw ScenarioError(file + ": " + path + " " + what);
}

// Each step kind and the fields it takes (required ones first, marked with '!').
const std::vector<std::pair<std::string, std::vector<std::string>>>& step_schema() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> s = {
        {"advance", {"!seconds"}},
        {"set_load", {"!channel", "!current", "pf", "lead", "harmonics"}},
        {"set_voltage", {"!rms", "phase"}},
        {"frequency", {"!hz"}},
        {"frequency_ramp", {"!to", "!rate"}},
        {"di", {"!index", "!level"}},
        {"di_pulses", {"!index", "!count", "!period"}},
        {"relay", {"!index", "!on", "expect_exception"}},
        {"fault", {"corrupt_byte_rate", "drop_frame_rate", "added_delay_ms", "dribble_rate", "disconnected", "clear"}},
        {"power", {"!on"}},
        {"module_reboot", {}},
        {"link", {"!interface", "!up"}},
        {"connect", {"!interface", "!expect"}},
        {"disk", {"full", "cut_next_write_after"}},
        {"settings", {"!change", "expect_error"}},
        {"setting", {"!key", "!expect"}},
        {"clock_set", {"!year", "!month", "!day", "!hour", "!minute", "!second"}},
        {"read", {"!address", "count", "type", "function", "expect", "tolerance", "tolerance_source", "expect_exception"}},
        {"write", {"!address", "!values", "type", "expect_exception"}},
        {"read_key", {"!key", "expect", "tolerance", "tolerance_source", "expect_exception"}},
        {"alarm_record", {"!slot", "channel", "status", "after", "before", "value", "tolerance", "tolerance_source"}},
        {"event", {"!type", "detail", "value", "after", "before"}},
        {"reading", {"!key", "expect", "tolerance", "tolerance_source", "quality"}},
        {"wait_until", {"!key", "!quality", "!timeout", "within"}},
        {"accuracy", {"!channel", "!quantity", "!limit_pct", "!class"}},
    };
    return s;
}

Step parse_step(const json& j, const std::string& path, const std::string& file) {
    if (!j.is_object() || j.size() != 1) bad(file, path, "must be an object with one step kind, e.g. {\"advance\": {\"seconds\": 5}}");
    const auto& [kind, args] = *j.items().begin();
    const auto& schema = step_schema();
    auto it = std::find_if(schema.begin(), schema.end(), [&](const auto& e) { return e.first == kind; });
    if (it == schema.end()) {
        std::string kinds;
        for (const auto& e : schema) kinds += (kinds.empty() ? "" : ", ") + e.first;
        bad(file, path + "." + kind, "is not a step kind: " + kinds);
    }
    if (!args.is_object()) bad(file, path + "." + kind, "must be an object");
    std::set<std::string> allowed;
    for (const auto& f : it->second) {
        const bool required = f[0] == '!';
        const std::string name = required ? f.substr(1) : f;
        allowed.insert(name);
        if (required && !args.contains(name)) bad(file, path + "." + kind + "." + name, "is required");
    }
    for (const auto& [k, v] : args.items())
        if (!allowed.count(k)) bad(file, path + "." + kind + "." + k, "is not a field of '" + kind + "'");
    auto number = [&](const char* f) {
        if (args.contains(f) && !args[f].is_number()) bad(file, path + "." + kind + "." + f, "must be a number, got " + args[f].dump());
    };
    for (const char* f : {"seconds", "channel", "current", "pf", "rms", "hz", "to", "rate", "index", "count", "period", "address",
                          "timeout", "within", "limit_pct", "expect_exception", "function"})
        number(f);
    if (args.contains("tolerance") && !args["tolerance"].is_number() &&
        !(args["tolerance"].is_string() && args["tolerance"].get<std::string>().ends_with("%")))
        bad(file, path + "." + kind + ".tolerance", "must be a number or a percentage such as \"0.05%\"");
    if ((kind == "read" || kind == "reading") && args.contains("expect") && !args.contains("tolerance") && !args["expect"].is_boolean())
        bad(file, path + "." + kind + ".tolerance", "is required with a numeric expect (say where it comes from in tolerance_source)");
    if (kind == "read_key" && args.contains("expect") && !args.contains("tolerance"))
        bad(file, path + ".read_key.tolerance", "is required with an expect (say where it comes from in tolerance_source)");
    if (kind == "read_key" && !fw::Catalogue::instance().by_key(args["key"].get<std::string>()))
        bad(file, path + ".read_key.key", "is not a catalogue key: " + args["key"].dump());
    if (kind == "alarm_record" && args.contains("status") && args["status"] != "alarm" && args["status"] != "reset")
        bad(file, path + ".alarm_record.status", "must be alarm or reset");
    if (kind == "write" && args.contains("type")) {
        const auto t = args["type"];
        if (t != "float32" && t != "uint32" && t != "uint16") bad(file, path + ".write.type", "must be float32, uint32 or uint16");
    }
    if (kind == "read" && args.contains("type")) {
        const auto t = args["type"];
        if (t != "float32" && t != "uint32" && t != "uint16") bad(file, path + ".read.type", "must be float32, uint32 or uint16");
    }
    if (kind == "wait_until" && args["quality"] != "fresh" && args["quality"] != "stale")
        bad(file, path + ".wait_until.quality", "must be fresh or stale");
    if (kind == "connect" && args["expect"] != "served" && args["expect"] != "refused")
        bad(file, path + ".connect.expect", "must be served or refused");
    if (kind == "settings" && !args["change"].is_object()) bad(file, path + ".settings.change", "must be an object of setting key: value");
    if (kind == "accuracy") {
        const auto q = args["quantity"];
        if (q != "P" && q != "I" && q != "V") bad(file, path + ".accuracy.quantity", "must be P, I or V");
    }
    return Step{kind, args, path};
}

double tolerance_of(const json& args, double expect) {
    const auto& t = args.at("tolerance");
    if (t.is_number()) return t.get<double>();
    const auto s = t.get<std::string>();
    return std::abs(expect) * std::stod(s.substr(0, s.size() - 1)) / 100.0;
}

std::string fmt(double v) {
    std::ostringstream o;
    o.precision(7);
    o << v;
    return o.str();
}

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Runner {
public:
    Runner(const Scenario& s, Rig& rig, ScenarioResult& result, ClientEndpoint endpoint, RtuTransport* rtu)
        : s_(s), rig_(rig), result_(result), endpoint_(std::move(endpoint)), rtu_(rtu) {}

    void run() {
        start_board_s_ = hal::to_seconds(rig_.board().board_time());
        for (const auto& step : s_.steps) {
            step_ = &step;
            execute(step);
        }
    }

private:
    [[noreturn]] void fail(const std::string& what) {
        throw Failure(s_.id + " " + step_->path + " (" + step_->kind + "): " + what);
    }

    void check_value(double measured, const json& a, const std::string& what) {
        const double expect = a["expect"].is_boolean() ? (a["expect"].get<bool>() ? 1.0 : 0.0) : a["expect"].get<double>();
        const double tol = a.contains("tolerance") ? tolerance_of(a, expect) : 0.0;
        // Scaled registers (23 x 0.1) are not exact in binary: "exact" means within rounding.
        const double rounding = 1e-9 * std::max(1.0, std::abs(expect));
        if (!(std::abs(measured - expect) <= tol + rounding))
            fail(what + ": expected " + fmt(expect) + " +/- " + fmt(tol) +
                 (a.contains("tolerance_source") ? " (" + a["tolerance_source"].get<std::string>() + ")" : std::string()) +
                 ", measured " + fmt(measured));
    }

    void execute(const Step& st) {
        const auto& a = st.args;
        const auto& k = st.kind;
        if (k == "advance") {
            rig_.advance(hal::from_seconds(a["seconds"].get<double>()));
        } else if (k == "set_load") {
            rig_.set_load(a);
        } else if (k == "set_voltage") {
            for (int v = 0; v < 3; ++v) {
                if (a.contains("phase") && a["phase"].get<int>() != v + 1) continue;
                auto w = rig_.world().wave(v);
                w.rms = a["rms"].get<double>();
                rig_.world().set_voltage(v, w);
            }
        } else if (k == "frequency") {
            rig_.world().set_frequency(a["hz"].get<double>(), rig_.now());
        } else if (k == "frequency_ramp") {
            rig_.world().ramp_frequency(a["to"].get<double>(), a["rate"].get<double>(), rig_.now());
        } else if (k == "di") {
            rig_.board().set_digital_input(a["index"].get<int>() - 1, a["level"].get<bool>());
        } else if (k == "di_pulses") {
            const auto half = hal::from_seconds(a["period"].get<double>() / 2);
            for (int i = 0; i < a["count"].get<int>(); ++i) {
                rig_.board().set_digital_input(a["index"].get<int>() - 1, true);
                rig_.advance(half);
                rig_.board().set_digital_input(a["index"].get<int>() - 1, false);
                rig_.advance(half);
            }
        } else if (k == "relay") {
            const int code = exchange({modbus::Function::write_single_coil, static_cast<std::uint16_t>(a["index"].get<int>() - 1), 1, {},
                                       {a["on"].get<bool>()}})
                                 .code;
            const int want = a.value("expect_exception", 0);
            if (code != want)
                fail("FC05 on RO" + std::to_string(a["index"].get<int>()) + ": expected exception " + std::to_string(want) + ", got " +
                     std::to_string(code));
        } else if (k == "fault") {
            auto& f = rig_.bus().faults();
            if (a.value("clear", false)) rig_.bus().reset_faults();
            f.corrupt_byte_rate = a.value("corrupt_byte_rate", f.corrupt_byte_rate);
            f.drop_frame_rate = a.value("drop_frame_rate", f.drop_frame_rate);
            f.dribble_rate = a.value("dribble_rate", f.dribble_rate);
            f.disconnected = a.value("disconnected", f.disconnected);
            if (a.contains("added_delay_ms")) f.added_delay = hal::from_seconds(a["added_delay_ms"].get<double>() / 1000);
        } else if (k == "power") {
            a["on"].get<bool>() ? rig_.board().power_on() : rig_.board().power_off();
        } else if (k == "module_reboot") {
            rig_.reboot_module();
        } else if (k == "link") {
            rig_.network().set_link(a["interface"].get<std::string>(), a["up"].get<bool>());
        } else if (k == "connect") {
            connect(a);
        } else if (k == "disk") {
            if (a.contains("full")) rig_.storage().set_disk_full(a["full"].get<bool>());
            if (a.contains("cut_next_write_after")) rig_.storage().cut_power_in_next_write(a["cut_next_write_after"].get<std::size_t>());
        } else if (k == "settings") {
            const auto errors = rig_.firmware().change_settings(a["change"]);
            const std::string want = a.value("expect_error", "");
            if (want.empty() && !errors.empty()) fail("the settings change was refused: " + errors.front());
            if (!want.empty() && (errors.empty() || errors.front().find(want) == std::string::npos))
                fail("expected the settings change to be refused with '" + want + "', got " + (errors.empty() ? "success" : errors.front()));
        } else if (k == "setting") {
            const auto& got = rig_.firmware().settings().value(a["key"].get<std::string>());
            if (got != a["expect"]) fail("setting " + a["key"].get<std::string>() + " is " + got.dump() + ", expected " + a["expect"].dump());
        } else if (k == "clock_set") {
            std::vector<std::uint16_t> regs;
            for (const char* f : {"year", "month", "day", "hour", "minute", "second"}) regs.push_back(a[f].get<std::uint16_t>());
            const int rc = exchange({modbus::Function::write_multiple_registers, 0x0180, 6, regs, {}}).code;
            if (rc != 0) fail("FC16 to the clock registers failed: code " + std::to_string(rc));
        } else if (k == "read") {
            read(a);
        } else if (k == "read_key") {
            read_key(a);
        } else if (k == "alarm_record") {
            alarm_record(a);
        } else if (k == "event") {
            event(a);
        } else if (k == "write") {
            std::vector<std::uint16_t> values;
            const std::string type = a.value("type", "uint16");
            for (const auto& v : a["values"]) {
                if (type == "float32") {
                    std::vector<std::uint16_t> two(2);
                    modbus::put_float(two, 0, v.get<float>());
                    values.insert(values.end(), two.begin(), two.end());
                } else if (type == "uint32") {
                    std::vector<std::uint16_t> two(2);
                    modbus::put_u32(two, 0, v.get<std::uint32_t>());
                    values.insert(values.end(), two.begin(), two.end());
                } else {
                    values.push_back(v.get<std::uint16_t>());
                }
            }
            const int code = exchange({modbus::Function::write_multiple_registers, a["address"].get<std::uint16_t>(),
                                       static_cast<std::uint16_t>(values.size()), values, {}})
                                 .code;
            const int want = a.value("expect_exception", 0);
            if (code != want) fail("FC16 at " + std::to_string(a["address"].get<int>()) + ": expected exception " + std::to_string(want) + ", got " + std::to_string(code));
        } else if (k == "reading") {
            const auto* p = fw::Catalogue::instance().by_key(a["key"].get<std::string>());
            if (!p) fail("no catalogue key '" + a["key"].get<std::string>() + "'");
            const auto r = rig_.firmware().model().reading(*p, rig_.now());
            if (a.contains("quality") && a["quality"] != fw::to_string(r.quality))
                fail(p->key + " quality: expected " + a["quality"].get<std::string>() + ", measured " + fw::to_string(r.quality));
            if (a.contains("expect")) check_value(r.value, a, p->key);
        } else if (k == "wait_until") {
            const auto* p = fw::Catalogue::instance().by_key(a["key"].get<std::string>());
            if (!p) fail("no catalogue key '" + a["key"].get<std::string>() + "'");
            const auto start = rig_.now();
            const std::string want = a["quality"].get<std::string>();
            const bool ok = rig_.run_until([&] { return fw::to_string(rig_.firmware().model().reading(*p, rig_.now()).quality) == want; },
                                           hal::from_seconds(a["timeout"].get<double>()));
            const double took = hal::to_seconds(rig_.now() - start);
            if (!ok) fail(p->key + " did not become " + want + " within " + fmt(a["timeout"].get<double>()) + " s");
            if (a.contains("within") && took > a["within"].get<double>())
                fail(p->key + " became " + want + " after " + fmt(took) + " s, expected within " + fmt(a["within"].get<double>()) + " s");
        } else if (k == "accuracy") {
            accuracy(a);
        }
    }

    void read(const json& a) {
        const int fn = a.value("function", 3);
        const int address = a["address"].get<int>();
        const std::string type = a.value("type", "float32");
        const int count = a.value("count", type == "uint16" ? 1 : 2);
        std::vector<std::uint16_t> regs(static_cast<std::size_t>(std::max(count, 1)));
        std::vector<std::uint8_t> bits(static_cast<std::size_t>(std::max(count, 1)));
        const auto r = exchange({static_cast<modbus::Function>(fn), static_cast<std::uint16_t>(address), static_cast<std::uint16_t>(count), {}, {}});
        const int code = r.code;
        for (std::size_t i = 0; i < r.registers.size() && i < regs.size(); ++i) regs[i] = r.registers[i];
        for (std::size_t i = 0; i < r.bits.size() && i < bits.size(); ++i) bits[i] = r.bits[i];
        const int want = a.value("expect_exception", 0);
        if (code != want)
            fail("FC" + std::to_string(fn) + " at " + std::to_string(address) + " x" + std::to_string(count) + ": expected exception " +
                 std::to_string(want) + ", got " + std::to_string(code));
        if (!a.contains("expect")) return;
        double v = 0;
        if (fn == 1 || fn == 2) v = bits[0];
        else if (type == "float32") v = modbus::get_float(regs, 0);
        else if (type == "uint32") v = modbus::get_u32(regs, 0);
        else v = regs[0];
        check_value(v, a, "register " + std::to_string(address));
    }

    // One request through the step's client: in-process on the virtual bus (rtu-bus), or libmodbus
    // over TCP or the pty. FC03 goes raw, so counts libmodbus itself refuses (over 125) still reach the server.
    ClientReply exchange(const modbus::Request& q) {
        if (rtu_ && rtu_->kind() == RtuTransport::Kind::bus) return rtu_->exchange(q);
        return with_client(rig_, endpoint_, [&](modbus_t* m) {
            ClientReply out;
            std::vector<std::uint8_t> bits(std::max<std::size_t>(q.count, 1));
            out.registers.assign(std::max<std::size_t>(q.count, 1), 0);
            int rc = 0;
            switch (q.function) {
                case modbus::Function::read_coils: rc = modbus_read_bits(m, q.address, q.count, bits.data()); break;
                case modbus::Function::read_discrete_inputs: rc = modbus_read_input_bits(m, q.address, q.count, bits.data()); break;
                case modbus::Function::read_input_registers: rc = modbus_read_input_registers(m, q.address, q.count, out.registers.data()); break;
                case modbus::Function::write_single_coil: rc = modbus_write_bit(m, q.address, q.bits.at(0) ? 1 : 0); break;
                case modbus::Function::write_multiple_registers:
                    rc = modbus_write_registers(m, q.address, static_cast<int>(q.registers.size()), q.registers.data());
                    break;
                case modbus::Function::read_holding_registers: {
                    const std::uint8_t req[] = {static_cast<std::uint8_t>(rig_.config().rs485_address), 0x03,
                                                static_cast<std::uint8_t>(q.address >> 8), static_cast<std::uint8_t>(q.address & 0xFF),
                                                static_cast<std::uint8_t>(q.count >> 8), static_cast<std::uint8_t>(q.count & 0xFF)};
                    std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
                    if (modbus_send_raw_request(m, req, sizeof req) < 0 || (rc = modbus_receive_confirmation(m, rsp)) <= 0) {
                        out.code = exception_of(-1);
                        return out;
                    }
                    const int h = modbus_get_header_length(m);  // 7 over TCP (MBAP), 1 over RTU (address)
                    if (rsp[h] & 0x80) {
                        out.code = rsp[h + 1];
                        return out;
                    }
                    for (int i = 0; i < q.count && h + 3 + 2 * i < rc; ++i)
                        out.registers[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>((rsp[h + 2 + 2 * i] << 8) | rsp[h + 3 + 2 * i]);
                    return out;
                }
                default: throw std::logic_error("scenario client: function " + std::to_string(static_cast<int>(q.function)) + " not used");
            }
            out.code = exception_of(rc);
            out.bits.assign(bits.begin(), bits.begin() + q.count);
            return out;
        });
    }

    // FC03 of `count` registers at `address` through the step's client; the exception code (0 = none).
    int read_registers(int address, int count, std::vector<std::uint16_t>& regs) {
        const auto r = exchange({modbus::Function::read_holding_registers, static_cast<std::uint16_t>(address), static_cast<std::uint16_t>(count), {}, {}});
        regs = r.registers;
        regs.resize(static_cast<std::size_t>(count), 0);
        return r.code;
    }

    // A catalogue parameter read through Modbus TCP at its register, with its type and scale.
    void read_key(const json& a) {
        const auto& p = *fw::Catalogue::instance().by_key(a["key"].get<std::string>());
        std::vector<std::uint16_t> regs;
        const int code = read_registers(p.module_register, p.registers(), regs);
        const int want = a.value("expect_exception", 0);
        if (code != want) fail(p.key + " at " + std::to_string(p.module_register) + ": expected exception " + std::to_string(want) + ", got " + std::to_string(code));
        if (!a.contains("expect")) return;
        double raw = p.type == fw::DataType::float32 ? modbus::get_float(regs, 0)
                     : p.type == fw::DataType::uint32 ? static_cast<double>(modbus::get_u32(regs, 0))
                                                      : static_cast<double>(regs[0]);
        check_value(raw * p.scale, a, p.key);
    }

    static double unpack_time(const std::uint16_t* t, std::uint16_t ms) {
        std::tm tm{};
        tm.tm_year = (t[0] >> 8) + 100;
        tm.tm_mon = (t[0] & 0xFF) - 1;
        tm.tm_mday = t[1] >> 8;
        tm.tm_hour = t[1] & 0xFF;
        tm.tm_min = t[2] >> 8;
        tm.tm_sec = t[2] & 0xFF;
        return static_cast<double>(timegm(&tm)) + ms / 1000.0;
    }
    // Seconds since the scenario started, on the board clock as it ran at the start.
    double since_start(double board_seconds) const { return board_seconds - start_board_s_; }
    void check_window(double t, const json& a, const std::string& what) {
        if (a.contains("after") && t < a["after"].get<double>())
            fail(what + " at " + fmt(t) + " s, expected not before " + fmt(a["after"].get<double>()) + " s");
        if (a.contains("before") && t > a["before"].get<double>())
            fail(what + " at " + fmt(t) + " s, expected by " + fmt(a["before"].get<double>()) + " s");
    }

    // One slot of the alarm log (0x4500) read through Modbus TCP.
    void alarm_record(const json& a) {
        const int slot = a["slot"].get<int>();
        if (slot < 1 || slot > 16) fail("slot " + std::to_string(slot) + " is out of range: 1-16");
        namespace al = acurev::alarm_log;
        std::vector<std::uint16_t> r;
        const auto at = acurev::blocks::alarm_log.start + al::first_slot + al::slot_registers * static_cast<std::size_t>(slot - 1);
        if (int code = read_registers(static_cast<int>(at), static_cast<int>(al::slot_registers), r))
            fail("alarm log read: exception " + std::to_string(code));
        const std::string what = "alarm log slot " + std::to_string(slot);
        if (a.contains("channel") && r[al::id] != a["channel"].get<int>())
            fail(what + ": expected alarm " + std::to_string(a["channel"].get<int>()) + ", measured " + std::to_string(r[al::id]));
        const std::string status = r[al::status] == 1 ? "alarm" : "reset";
        if (a.contains("status") && status != a["status"].get<std::string>())
            fail(what + ": expected status " + a["status"].get<std::string>() + ", measured " + status);
        check_window(since_start(unpack_time(r.data() + al::time, r[al::millisecond])), a, what);
        if (a.contains("value")) {
            json v = a;
            v["expect"] = a["value"];
            if (!v.contains("tolerance")) v["tolerance"] = 0;
            check_value(modbus::get_float(r, al::value), v, what + " value");
        }
    }

    // Finds an event log record of a type (and detail, value) through the window registers.
    void event(const json& a) {
        namespace ev = acurev::event_log;
        const int block = acurev::blocks::event_log.start, count = acurev::blocks::event_log.count;
        std::vector<std::uint16_t> head;
        if (int code = read_registers(block, 4, head)) fail("event log read: exception " + std::to_string(code));
        const std::uint32_t newest = modbus::get_u32(head, ev::written), oldest = modbus::get_u32(head, ev::oldest);
        std::string seen;
        for (std::uint32_t first = oldest; newest && first <= newest; first += ev::max_window) {
            std::vector<std::uint16_t> ctl(acurev::blocks::event_window.count);
            modbus::put_u32(ctl, 0, first);
            ctl[2] = static_cast<std::uint16_t>(ev::max_window);
            const int wc = exchange({modbus::Function::write_multiple_registers, acurev::blocks::event_window.start,
                                     static_cast<std::uint16_t>(ctl.size()), ctl, {}})
                               .code;
            if (wc) fail("event window write: exception " + std::to_string(wc));
            rig_.advance(std::chrono::seconds(2));  // the module reads a new window at once
            std::vector<std::uint16_t> w;
            if (int code = read_registers(block, count, w)) fail("event window read: exception " + std::to_string(code));
            if (modbus::get_u32(w, ev::window_first) != first)
                fail("event window asked from record " + std::to_string(first) + ", the module holds it from " +
                     std::to_string(modbus::get_u32(w, ev::window_first)));
            for (std::size_t i = 0; i < w[ev::in_window]; ++i) {
                const std::uint16_t* rec = w.data() + ev::first_record + ev::record_registers * i;
                const std::uint16_t type = rec[ev::type], detail = rec[ev::detail], value = rec[ev::value];
                const double t = since_start(unpack_time(rec + ev::time, rec[ev::millisecond]));
                seen += " " + std::to_string(type) + "/" + std::to_string(detail) + "/" + std::to_string(value) + "@" + fmt(t);
                if (type != a["type"].get<int>()) continue;
                if (a.contains("detail") && detail != a["detail"].get<int>()) continue;
                if (a.contains("value") && value != a["value"].get<int>()) continue;
                if (a.contains("after") && t < a["after"].get<double>()) continue;
                if (a.contains("before") && t > a["before"].get<double>()) continue;
                return;
            }
        }
        fail("no event of type " + std::to_string(a["type"].get<int>()) + (a.contains("detail") ? " detail " + std::to_string(a["detail"].get<int>()) : "") +
             (a.contains("value") ? " value " + std::to_string(a["value"].get<int>()) : "") +
             (a.contains("after") || a.contains("before") ? " in [" + fmt(a.value("after", -1e300)) + ", " + fmt(a.value("before", 1e300)) + "] s" : "") +
             " in the log (type/detail/value@s:" + seen + ")");
    }

    void accuracy(const json& a) {
        // Measured over Modbus TCP, truth from the generator: the class test point's error.
        const int ch = a["channel"].get<int>();
        const std::string q = a["quantity"].get<std::string>();
        const int address = q == "V" ? 0x2002 : 0x2100 + 12 * (ch - 1) + (q == "P" ? 2 : 0);
        std::vector<std::uint16_t> regs;
        if (const int rc = read_registers(address, 2, regs)) fail("reading register " + std::to_string(address) + " failed: code " + std::to_string(rc));
        double measured = modbus::get_float(regs, 0);
        double truth = 0;
        const auto ev = sim::meter::wiring_layout(rig_.config().wiring).element[static_cast<std::size_t>(ch - 1)];
        if (q == "V") truth = rig_.world().truth(0).rms;
        else if (q == "I") truth = rig_.world().truth(2 + ch).rms;
        else {
            truth = rig_.world().element_truth(ev.plus, ev.minus, ch - 1).p / 1000.0;
        }
        AccuracyRow row;
        row.scenario = s_.id;
        row.quantity = q;
        row.channel = ch;
        const auto& wave = rig_.world().wave(2 + ch);
        row.percent_of_rated = 100.0 * wave.rms / rig_.config().channels[static_cast<std::size_t>(ch - 1)].ct_primary;
        const auto et = rig_.world().element_truth(ev.plus, ev.minus, ch - 1);
        row.pf = et.s1 > 0 ? std::abs(et.p1) / et.s1 : 1.0;
        row.lead = et.q1 < 0;
        row.truth = truth;
        row.measured = measured;
        row.error_pct = truth != 0 ? 100.0 * (measured - truth) / truth : 0;
        row.limit_pct = a["limit_pct"].get<double>();
        row.accuracy_class = a["class"].get<std::string>();
        result_.accuracy.push_back(row);
        if (!(std::abs(row.error_pct) <= row.limit_pct))
            fail(q + " of channel " + std::to_string(ch) + ": expected " + fmt(truth) + " +/- " + fmt(row.limit_pct) + " % (class " +
                 row.accuracy_class + "), measured " + fmt(measured) + " (" + fmt(row.error_pct) + " %)");
    }


    const Scenario& s_;
    Rig& rig_;
    ScenarioResult& result_;
    const Step* step_ = nullptr;
    double start_board_s_ = 0;  // the board clock when the scenario started
    ClientEndpoint endpoint_;
    RtuTransport* rtu_;

    // A Modbus TCP client on one interface's address: served (a read of the frequency answers) or refused.
    void connect(const json& a) {
        const auto name = a["interface"].get<std::string>();
        const auto address = rig_.network().interface(name).listen_address;
        if (address.empty()) fail("interface " + name + " has no listen address in this rig (rig.network." + name + ")");
        ClientEndpoint on{"", address};
        bool served = false;
        try {
            served = with_client(rig_, on, [](modbus_t* m) {
                std::uint16_t r[2];
                return modbus_read_registers(m, 0x2000, 2, r) == 2;
            });
        } catch (const std::runtime_error&) {
            served = false;  // the connection was refused
        }
        const bool want = a["expect"] == "served";
        if (served != want) fail("Modbus TCP on " + name + " (" + address + ") was " + (served ? "served" : "refused") + ", expected " +
                                 a["expect"].get<std::string>());
    }
};

}  // namespace

Scenario parse_scenario(const json& doc, const std::string& file) {
    if (!doc.is_object()) bad(file, "(top)", "must be an object");
    for (const auto& [k, v] : doc.items())
        if (k != "id" && k != "intent" && k != "tags" && k != "rig" && k != "steps" && k != "transports" && k != "fidelities")
            bad(file, k, "is not a scenario field: id, intent, tags, rig, transports, fidelities, steps");
    Scenario s;
    s.file = file;
    if (!doc.contains("id") || !doc["id"].is_string()) bad(file, "id", "is required: a dotted id such as conformance.modbus_tcp.illegal_address");
    s.id = doc["id"];
    if (s.id.find('.') == std::string::npos || s.id.find(' ') != std::string::npos) bad(file, "id", "must be a dotted id without spaces");
    if (!doc.contains("intent") || !doc["intent"].is_string()) bad(file, "intent", "is required: one line saying what the scenario shows");
    s.intent = doc["intent"];
    if (doc.contains("tags")) {
        if (!doc["tags"].is_array()) bad(file, "tags", "must be an array of strings");
        for (std::size_t i = 0; i < doc["tags"].size(); ++i) {
            if (!doc["tags"][i].is_string()) bad(file, "tags[" + std::to_string(i) + "]", "must be a string");
            s.tags.push_back(doc["tags"][i]);
        }
    }
    s.rig = doc.value("rig", json::object());
    try {
        parse_config(s.rig);
    } catch (const ConfigError& e) {
        bad(file, "rig", std::string("is not a valid rig config: ") + e.what());
    }
    if (!doc.contains("steps") || !doc["steps"].is_array() || doc["steps"].empty()) bad(file, "steps", "is required: a non-empty array");
    for (std::size_t i = 0; i < doc["steps"].size(); ++i)
        s.steps.push_back(parse_step(doc["steps"][i], "steps[" + std::to_string(i) + "]", file));
    if (doc.contains("transports")) {
        const auto& t = doc["transports"];
        if (!t.is_array() || t.empty()) bad(file, "transports", "must be a non-empty array of tcp, rtu-bus, rtu-pty");
        s.transports.clear();
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] != "tcp" && t[i] != "rtu-bus" && t[i] != "rtu-pty")
                bad(file, "transports[" + std::to_string(i) + "]", "must be tcp, rtu-bus or rtu-pty");
            s.transports.push_back(t[i]);
        }
        // Over RTU the client talks to the board: there is no module data model to check.
        for (const auto& st : s.steps)
            if (s.transports != std::vector<std::string>{"tcp"} &&
                (st.kind == "reading" || st.kind == "wait_until" || st.kind == "module_reboot" || st.kind == "accuracy"))
                bad(file, st.path + "." + st.kind, "needs the module: use it in a tcp-only scenario");
    }
    if (doc.contains("fidelities")) {
        const auto& f = doc["fidelities"];
        if (!f.is_array() || f.empty()) bad(file, "fidelities", "must be a non-empty array of sample, analytic");
        if (s.rig.contains("fidelity")) bad(file, "fidelities", "cannot be given with rig.fidelity");
        for (std::size_t i = 0; i < f.size(); ++i) {
            if (f[i] != "sample" && f[i] != "analytic") bad(file, "fidelities[" + std::to_string(i) + "]", "must be sample or analytic");
            s.fidelities.push_back(f[i]);
        }
    }
    return s;
}

std::vector<Scenario> fidelity_variants(const Scenario& s) {
    if (s.fidelities.empty()) return {s};
    std::vector<Scenario> out;
    for (const auto& f : s.fidelities) {
        Scenario v = s;
        v.id = s.id + "[" + f + "]";
        v.rig["fidelity"] = f;
        v.fidelities.clear();
        out.push_back(std::move(v));
    }
    return out;
}

Scenario load_scenario(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw ScenarioError(file + ": cannot be read");
    json doc;
    try {
        doc = json::parse(in, nullptr, true, true);
    } catch (const json::parse_error& e) {
        throw ScenarioError(file + ": not valid JSON: " + e.what());
    }
    return parse_scenario(doc, file);
}

ScenarioResult run_scenario(const Scenario& s, const std::string& transport, std::optional<std::uint64_t> seed, std::uint16_t port) {
    ScenarioResult result;
    result.id = s.transports.size() > 1 || transport != "tcp" ? s.id + "[" + transport + "]" : s.id;
    result.file = s.file;
    RigConfig config = parse_config(s.rig);
    if (seed) config.seed = *seed;
    config.modbus_port = port;
    result.seed = config.seed;
    try {
        Rig rig(config);
        std::unique_ptr<RtuTransport> rtu;
        ClientEndpoint endpoint;
        if (transport == "tcp") {
            rig.start();
        } else {
            rtu = std::make_unique<RtuTransport>(rig, transport == "rtu-bus" ? RtuTransport::Kind::bus : RtuTransport::Kind::pty);
            if (transport == "rtu-pty") endpoint.rtu_path = rtu->path();
        }
        const auto start = rig.now();
        try {
            Runner(s, rig, result, endpoint, rtu.get()).run();
            result.passed = true;
        } catch (const Failure& f) {
            result.failure = f.what();
        }
        result.simulated_seconds = hal::to_seconds(rig.now() - start);
    } catch (const std::exception& e) {
        result.failure = s.id + ": the rig could not run: " + e.what();
    }
    return result;
}

}  // namespace harness
