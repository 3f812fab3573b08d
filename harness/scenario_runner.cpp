// Runs a scenario's steps on a rig: the step runner (one function per step kind), the table of
// step kinds that parsing and running share, and run_scenario.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <sstream>

#include "acurev/board_map.hpp"
#include "catalogue/catalogue.hpp"
#include "meter/wiring.hpp"
#include "modbus/pdu.hpp"
#include "modbus_client.hpp"
#include "rtu_transports.hpp"
#include "scenario.hpp"
#include "scenario_steps.hpp"

namespace harness {

using nlohmann::json;

namespace {

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

}  // namespace

class StepRunner {
public:
    StepRunner(const Scenario& s, Rig& rig, ScenarioResult& result, ClientEndpoint endpoint, RtuTransport* rtu)
        : s_(s), rig_(rig), result_(result), endpoint_(std::move(endpoint)), rtu_(rtu) {}

    void run() {
        start_board_s_ = hal::to_seconds(rig_.board().board_time());
        for (const auto& step : s_.steps) {
            step_ = &step;
            (this->*find_step_kind(step.kind)->run)(step.args);
        }
    }

    // The steps (the table in step_kinds() names them).
    void step_advance(const json& a) {
        rig_.advance(hal::from_seconds(a["seconds"].get<double>()));
    }

    void step_set_load(const json& a) {
        rig_.set_load(a);
    }

    void step_set_voltage(const json& a) {
        for (int v = 0; v < 3; ++v) {
            if (a.contains("phase") && a["phase"].get<int>() != v + 1) continue;
            auto w = rig_.world().wave(v);
            w.rms = a["rms"].get<double>();
            rig_.world().set_voltage(v, w);
        }
    }

    void step_frequency(const json& a) {
        rig_.world().set_frequency(a["hz"].get<double>(), rig_.now());
    }

    void step_frequency_ramp(const json& a) {
        rig_.world().ramp_frequency(a["to"].get<double>(), a["rate"].get<double>(), rig_.now());
    }

    void step_di(const json& a) {
        rig_.board().set_digital_input(a["index"].get<int>() - 1, a["level"].get<bool>());
    }

    void step_di_pulses(const json& a) {
        const auto half = hal::from_seconds(a["period"].get<double>() / 2);
        for (int i = 0; i < a["count"].get<int>(); ++i) {
            rig_.board().set_digital_input(a["index"].get<int>() - 1, true);
            rig_.advance(half);
            rig_.board().set_digital_input(a["index"].get<int>() - 1, false);
            rig_.advance(half);
        }
    }

    void step_relay(const json& a) {
        const int code = exchange({modbus::Function::write_single_coil, static_cast<std::uint16_t>(a["index"].get<int>() - 1), 1, {},
                                   {a["on"].get<bool>()}})
                             .code;
        const int want = a.value("expect_exception", 0);
        if (code != want)
            fail("FC05 on RO" + std::to_string(a["index"].get<int>()) + ": expected exception " + std::to_string(want) + ", got " +
                 std::to_string(code));
    }

    void step_fault(const json& a) {
        auto& f = rig_.bus().faults();
        if (a.value("clear", false)) rig_.bus().reset_faults();
        f.corrupt_byte_rate = a.value("corrupt_byte_rate", f.corrupt_byte_rate);
        f.drop_frame_rate = a.value("drop_frame_rate", f.drop_frame_rate);
        f.dribble_rate = a.value("dribble_rate", f.dribble_rate);
        f.disconnected = a.value("disconnected", f.disconnected);
        if (a.contains("added_delay_ms")) f.added_delay = hal::from_seconds(a["added_delay_ms"].get<double>() / 1000);
    }

    void step_power(const json& a) {
        a["on"].get<bool>() ? rig_.board().power_on() : rig_.board().power_off();
    }

    void step_module_reboot(const json&) {
        rig_.reboot_module();
    }

    void step_link(const json& a) {
        rig_.network().set_link(a["interface"].get<std::string>(), a["up"].get<bool>());
    }

    void step_connect(const json& a) {
        connect(a);
    }

    void step_disk(const json& a) {
        if (a.contains("full")) rig_.storage().set_disk_full(a["full"].get<bool>());
        if (a.contains("cut_next_write_after")) rig_.storage().cut_power_in_next_write(a["cut_next_write_after"].get<std::size_t>());
    }

    void step_settings(const json& a) {
        const auto errors = rig_.firmware().change_settings(a["change"]);
        const std::string want = a.value("expect_error", "");
        if (want.empty() && !errors.empty()) fail("the settings change was refused: " + errors.front());
        if (!want.empty() && (errors.empty() || errors.front().find(want) == std::string::npos))
            fail("expected the settings change to be refused with '" + want + "', got " + (errors.empty() ? "success" : errors.front()));
    }

    void step_setting(const json& a) {
        const auto& got = rig_.firmware().settings().value(a["key"].get<std::string>());
        if (got != a["expect"]) fail("setting " + a["key"].get<std::string>() + " is " + got.dump() + ", expected " + a["expect"].dump());
    }

    void step_clock_set(const json& a) {
        std::vector<std::uint16_t> regs;
        for (const char* f : {"year", "month", "day", "hour", "minute", "second"}) regs.push_back(a[f].get<std::uint16_t>());
        const int rc = exchange({modbus::Function::write_multiple_registers, 0x0180, 6, regs, {}}).code;
        if (rc != 0) fail("FC16 to the clock registers failed: code " + std::to_string(rc));
    }

    void step_read(const json& a) {
        read(a);
    }

    void step_read_key(const json& a) {
        read_key(a);
    }

    void step_alarm_record(const json& a) {
        alarm_record(a);
    }

    void step_event(const json& a) {
        event(a);
    }

    void step_write(const json& a) {
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
    }

    void step_reading(const json& a) {
        const auto* p = fw::Catalogue::instance().by_key(a["key"].get<std::string>());
        if (!p) fail("no catalogue key '" + a["key"].get<std::string>() + "'");
        const auto r = rig_.firmware().model().reading(*p, rig_.now());
        if (a.contains("quality") && a["quality"] != fw::to_string(r.quality))
            fail(p->key + " quality: expected " + a["quality"].get<std::string>() + ", measured " + fw::to_string(r.quality));
        if (a.contains("expect")) check_value(r.value, a, p->key);
    }

    void step_wait_until(const json& a) {
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
    }

    void step_accuracy(const json& a) {
        accuracy(a);
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

namespace {
const StepProblem tolerance_required{"tolerance", "is required with a numeric expect (say where it comes from in tolerance_source)"};
bool is_register_type(const json& t) { return t == "float32" || t == "uint32" || t == "uint16"; }
}  // namespace

const std::vector<StepKind>& step_kinds() {
    static const std::vector<StepKind> kinds = {
        {"advance", {"!seconds"}, {}, &StepRunner::step_advance},
        {"set_load", {"!channel", "!current", "pf", "lead", "harmonics"}, {}, &StepRunner::step_set_load},
        {"set_voltage", {"!rms", "phase"}, {}, &StepRunner::step_set_voltage},
        {"frequency", {"!hz"}, {}, &StepRunner::step_frequency},
        {"frequency_ramp", {"!to", "!rate"}, {}, &StepRunner::step_frequency_ramp},
        {"di", {"!index", "!level"}, {}, &StepRunner::step_di},
        {"di_pulses", {"!index", "!count", "!period"}, {}, &StepRunner::step_di_pulses},
        {"relay", {"!index", "!on", "expect_exception"}, {}, &StepRunner::step_relay},
        {"fault", {"corrupt_byte_rate", "drop_frame_rate", "added_delay_ms", "dribble_rate", "disconnected", "clear"}, {}, &StepRunner::step_fault},
        {"power", {"!on"}, {}, &StepRunner::step_power},
        {"module_reboot", {}, {}, &StepRunner::step_module_reboot},
        {"link", {"!interface", "!up"}, {}, &StepRunner::step_link},
        {"connect", {"!interface", "!expect"}, [](const json& a) -> std::optional<StepProblem> {
             if (a["expect"] != "served" && a["expect"] != "refused") return StepProblem{"expect", "must be served or refused"};
             return std::nullopt;
         }, &StepRunner::step_connect},
        {"disk", {"full", "cut_next_write_after"}, {}, &StepRunner::step_disk},
        {"settings", {"!change", "expect_error"}, [](const json& a) -> std::optional<StepProblem> {
             if (!a["change"].is_object()) return StepProblem{"change", "must be an object of setting key: value"};
             return std::nullopt;
         }, &StepRunner::step_settings},
        {"setting", {"!key", "!expect"}, {}, &StepRunner::step_setting},
        {"clock_set", {"!year", "!month", "!day", "!hour", "!minute", "!second"}, {}, &StepRunner::step_clock_set},
        {"read", {"!address", "count", "type", "function", "expect", "tolerance", "tolerance_source", "expect_exception"}, [](const json& a) -> std::optional<StepProblem> {
             if (a.contains("expect") && !a.contains("tolerance") && !a["expect"].is_boolean()) return tolerance_required;
             if (a.contains("type") && !is_register_type(a["type"])) return StepProblem{"type", "must be float32, uint32 or uint16"};
             return std::nullopt;
         }, &StepRunner::step_read},
        {"write", {"!address", "!values", "type", "expect_exception"}, [](const json& a) -> std::optional<StepProblem> {
             if (a.contains("type") && !is_register_type(a["type"])) return StepProblem{"type", "must be float32, uint32 or uint16"};
             return std::nullopt;
         }, &StepRunner::step_write},
        {"read_key", {"!key", "expect", "tolerance", "tolerance_source", "expect_exception"}, [](const json& a) -> std::optional<StepProblem> {
             if (a.contains("expect") && !a.contains("tolerance"))
                 return StepProblem{"tolerance", "is required with an expect (say where it comes from in tolerance_source)"};
             if (!a["key"].is_string() || !fw::Catalogue::instance().by_key(a["key"].get<std::string>()))
                 return StepProblem{"key", "is not a catalogue key: " + a["key"].dump()};
             return std::nullopt;
         }, &StepRunner::step_read_key},
        {"alarm_record", {"!slot", "channel", "status", "after", "before", "value", "tolerance", "tolerance_source"}, [](const json& a) -> std::optional<StepProblem> {
             if (a.contains("status") && a["status"] != "alarm" && a["status"] != "reset") return StepProblem{"status", "must be alarm or reset"};
             return std::nullopt;
         }, &StepRunner::step_alarm_record},
        {"event", {"!type", "detail", "value", "after", "before"}, {}, &StepRunner::step_event},
        {"reading", {"!key", "expect", "tolerance", "tolerance_source", "quality"}, [](const json& a) -> std::optional<StepProblem> {
             if (a.contains("expect") && !a.contains("tolerance") && !a["expect"].is_boolean()) return tolerance_required;
             return std::nullopt;
         }, &StepRunner::step_reading},
        {"wait_until", {"!key", "!quality", "!timeout", "within"}, [](const json& a) -> std::optional<StepProblem> {
             if (a["quality"] != "fresh" && a["quality"] != "stale") return StepProblem{"quality", "must be fresh or stale"};
             return std::nullopt;
         }, &StepRunner::step_wait_until},
        {"accuracy", {"!channel", "!quantity", "!limit_pct", "!class"}, [](const json& a) -> std::optional<StepProblem> {
             const auto q = a["quantity"];
             if (q != "P" && q != "I" && q != "V") return StepProblem{"quantity", "must be P, I or V"};
             return std::nullopt;
         }, &StepRunner::step_accuracy},
    };
    return kinds;
}

const StepKind* find_step_kind(const std::string& name) {
    for (const auto& k : step_kinds())
        if (k.name == name) return &k;
    return nullptr;
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
            StepRunner(s, rig, result, endpoint, rtu.get()).run();
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
