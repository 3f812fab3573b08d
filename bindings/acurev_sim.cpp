// acurev_sim: the rig for Python (pytest). One process, one virtual clock; advance() releases the
// GIL and runs as fast as the CPU allows; between advances time is paused and a background thread
// keeps serving the module's sockets, so pymodbus in the same test gets its answers
// (ARCHITECTURE "Time is virtual"). Firmware state is only ever touched by one thread at a time.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "catalogue/catalogue.hpp"
#include "rig.hpp"
#include "services/web/web_service.hpp"

namespace py = pybind11;

namespace {

nlohmann::json to_json(const py::handle& obj) {
    const py::module_ json = py::module_::import("json");
    return nlohmann::json::parse(json.attr("dumps")(obj).cast<std::string>());
}

// A TCP port in [lo, hi] that nothing on 127.0.0.1 listens on now, tried from a point that
// differs per process (tests run side by side).
int free_port(int lo, int hi) {
    const int span = hi - lo + 1;
    for (int i = 0; i < span; ++i) {
        const int port = lo + (static_cast<int>(::getpid()) * 13 + i) % span;
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return port;
    }
    throw std::runtime_error("no free TCP port in " + std::to_string(lo) + "-" + std::to_string(hi));
}

class PyRig {
public:
    PyRig(const py::object& config, std::optional<int> modbus_port) {
        harness::RigConfig c = config.is_none() ? harness::default_config() : harness::parse_config(to_json(config));
        // The web interface on a free port of the manual's range (6000-9999), unless the config sets one.
        if (!c.settings.contains("network.https_port")) c.settings["network.https_port"] = free_port(6000, 9999);
        // A free device port in the manual's range when none is given (tests run side by side).
        const int first = modbus_port ? *modbus_port : 2000 + static_cast<int>(::getpid() % 3000);
        for (int attempt = 0; attempt < (modbus_port ? 1 : 200); ++attempt) {
            c.modbus_port = static_cast<std::uint16_t>(modbus_port ? first : 2000 + (first - 2000 + attempt * 7) % 4000);
            rig_ = std::make_unique<harness::Rig>(c);
            try {
                rig_->start();
                break;
            } catch (const std::runtime_error&) {
                rig_.reset();
                if (modbus_port) throw;
            }
        }
        if (!rig_) throw std::runtime_error("no free Modbus TCP port in 2000-5999");
        resume();
    }
    ~PyRig() { close(); }

    void close() {
        pause();
        rig_.reset();
    }

    void advance(double seconds) {
        check_open();
        if (!(seconds >= 0)) throw py::value_error("advance: seconds must be >= 0, got " + std::to_string(seconds));
        Paused p(*this);
        py::gil_scoped_release release;
        rig_->advance(hal::from_seconds(seconds));
    }

    bool run_until(const std::function<bool()>& done, double timeout, double step) {
        check_open();
        if (!(step > 0)) throw py::value_error("run_until: step must be > 0");
        Paused p(*this);
        const hal::Time limit = rig_->now() + hal::from_seconds(timeout);
        while (!done()) {
            if (rig_->now() >= limit) return false;
            py::gil_scoped_release release;
            rig_->advance(std::min(hal::from_seconds(step), limit - rig_->now()));
        }
        return true;
    }

    py::dict readings() {
        check_open();
        Paused p(*this);
        py::dict out;
        const auto now = rig_->now();
        for (const auto& param : fw::Catalogue::instance().all()) {
            const auto r = rig_->firmware().model().reading(param, now);
            py::dict d;
            d["value"] = r.value;
            d["quality"] = fw::to_string(r.quality);
            d["time"] = static_cast<double>(r.time.count()) * 1e-9;
            d["unit"] = param.unit;
            out[py::str(param.key)] = d;
        }
        return out;
    }

    void set_current(int channel, double rms, double pf, bool lead, const py::object& harmonics) {
        check_open();
        if (channel < 1 || channel > 18) throw py::value_error("channel " + std::to_string(channel) + " is out of range: 1-18");
        Paused p(*this);
        nlohmann::json load = {{"channel", channel}, {"current", rms}, {"pf", pf}, {"lead", lead}};
        if (!harmonics.is_none()) load["harmonics"] = to_json(harmonics);
        rig_->set_load(load);
    }

    void set_voltage(double rms) {
        check_open();
        if (!(rms >= 0 && rms <= 1000)) throw py::value_error("voltage " + std::to_string(rms) + " is out of range: 0-1000 V");
        Paused p(*this);
        for (int v = 0; v < 3; ++v) {
            auto w = rig_->world().wave(v);
            w.rms = rms;
            rig_->world().set_voltage(v, w);
        }
    }

    void set_digital_input(int index, bool level) {
        check_open();
        if (index < 1 || index > 18) throw py::value_error("DI " + std::to_string(index) + " is out of range: 1-18");
        Paused p(*this);
        rig_->board().set_digital_input(index - 1, level);
    }

    void power(bool on) {
        check_open();
        Paused p(*this);
        on ? rig_->board().power_on() : rig_->board().power_off();
    }

    void set_link(const std::string& interface, bool up) {
        check_open();
        Paused p(*this);
        try {
            rig_->network().set_link(interface, up);
        } catch (const std::invalid_argument& e) {
            throw py::value_error(e.what());
        }
    }

    // The device's date and time as the clock page or NTP would set them: a step to `utc` (seconds),
    // a time zone (minutes east of UTC) and DST on or off; what is not given stays.
    void set_clock(std::optional<double> utc, std::optional<int> zone_minutes, std::optional<bool> dst) {
        check_open();
        Paused p(*this);
        auto& clock = rig_->device_clock();
        if (utc) clock.set_utc(std::chrono::duration_cast<hal::Time>(std::chrono::duration<double>(*utc)));
        if (zone_minutes || dst) {
            if (zone_minutes && (*zone_minutes < -12 * 60 || *zone_minutes > 14 * 60))
                throw py::value_error("zone_minutes must be -720 to 840, got " + std::to_string(*zone_minutes));
            clock.set_zone(zone_minutes ? std::chrono::minutes(*zone_minutes) : clock.zone_offset(), dst.value_or(clock.dst()));
        }
    }

    double clock_utc() {
        check_open();
        Paused p(*this);
        return std::chrono::duration<double>(rig_->device_clock().utc()).count();
    }

    void set_disk_full(bool full) {
        check_open();
        Paused p(*this);
        rig_->storage().set_disk_full(full);
    }

    void cut_power_in_next_write(std::size_t bytes) {
        check_open();
        Paused p(*this);
        rig_->storage().cut_power_in_next_write(bytes);
    }

    py::object change_settings(const py::dict& changes) {
        check_open();
        Paused p(*this);
        const auto errors = rig_->firmware().change_settings(to_json(changes));
        py::list out;
        for (const auto& e : errors) out.append(e);
        return std::move(out);
    }

    py::object settings() {
        check_open();
        Paused p(*this);
        const py::module_ json = py::module_::import("json");
        return json.attr("loads")(rig_->firmware().settings().to_json().dump());
    }

    void set_faults(double corrupt_byte_rate, double drop_frame_rate, double added_delay_ms, double dribble_rate, bool disconnected) {
        check_open();
        auto check = [](const char* name, double v) {
            if (!(v >= 0 && v <= 1)) throw py::value_error(std::string(name) + " " + std::to_string(v) + " is out of range: 0-1");
        };
        check("corrupt_byte_rate", corrupt_byte_rate);
        check("drop_frame_rate", drop_frame_rate);
        check("dribble_rate", dribble_rate);
        if (!(added_delay_ms >= 0 && added_delay_ms <= 10000)) throw py::value_error("added_delay_ms is out of range: 0-10000");
        Paused p(*this);
        auto& f = rig_->bus().faults();
        f.corrupt_byte_rate = corrupt_byte_rate;
        f.drop_frame_rate = drop_frame_rate;
        f.added_delay = hal::from_seconds(added_delay_ms / 1000.0);
        f.dribble_rate = dribble_rate;
        f.disconnected = disconnected;
    }

    harness::Rig::Snapshot snapshot() {
        check_open();
        Paused p(*this);
        return rig_->snapshot();
    }

    void restore(const harness::Rig::Snapshot& s) {
        check_open();
        Paused p(*this);
        rig_->restore(s);
    }

    double now() const { return static_cast<double>(rig_->now().count()) * 1e-9; }
    int modbus_port() const { return rig_->modbus_tcp_port(); }

    std::string data_dir() {
        check_open();
        return rig_->data_dir().string();
    }

    std::string web_url() {
        check_open();
        Paused p(*this);
        auto* web = dynamic_cast<fw::WebService*>(rig_->firmware().services().find("https"));
        if (!web || web->urls().empty()) {
            const auto s = rig_->firmware().services().state("https");
            throw std::runtime_error("the web interface is not listening" + (s ? ": " + s->detail : std::string()));
        }
        return web->urls().front();
    }
    int unit_id() const { return rig_->config().rs485_address; }
    std::uint64_t seed() const { return rig_->config().seed; }

private:
    // Holds the background server off the firmware while the caller works on it.
    // Re-entrant: run_until's predicate may call the rig (clock_utc, readings) while run_until holds
    // it paused; only the outermost one resumes the background loop.
    struct Paused {
        PyRig& r;
        explicit Paused(PyRig& rig) : r(rig) {
            if (r.paused_depth_++ == 0) r.pause();
        }
        ~Paused() {
            if (--r.paused_depth_ == 0) r.resume();
        }
    };
    int paused_depth_ = 0;  // Paused scopes open (on the Python thread, under the GIL)

    void check_open() const {
        if (!rig_) throw std::runtime_error("the rig is closed");
    }


    void pause() {
        if (!server_.joinable()) return;
        stop_ = true;
        py::gil_scoped_release release;
        server_.join();
    }

    void resume() {
        if (!rig_ || server_.joinable()) return;
        stop_ = false;
        server_ = std::thread([this] {
            // Time stays paused, except while a client's write waits on the board or an exchange with a peer is in flight.
            rig_->serve_until([this] { return stop_.load(); });
        });
    }

    std::unique_ptr<harness::Rig> rig_;
    std::thread server_;
    std::atomic<bool> stop_{false};
};

}  // namespace

PYBIND11_MODULE(acurev_sim, m) {
    m.doc() = "The AcuRev 2100 rig: virtual board, RS-485 bus and WEB2 firmware under one virtual clock.";
    py::register_exception<harness::ConfigError>(m, "ConfigError", PyExc_ValueError);
    py::class_<harness::Rig::Snapshot>(m, "Snapshot", "The rig's control faces at one instant (Rig.snapshot()).");
    py::class_<PyRig>(m, "Rig", "A virtual AcuRev 2100 (board + bus + firmware). Use it as a context manager.")
        .def(py::init<const py::object&, std::optional<int>>(), py::arg("config") = py::none(), py::arg("modbus_port") = py::none(),
             "Builds the rig from a config dict (the acurev-sim --config schema; None = the built-in load) and starts "
             "the firmware's Modbus TCP server on 127.0.0.1 (a free port in 2000-5999 unless given).")
        .def("advance", &PyRig::advance, py::arg("seconds"), "Runs `seconds` of simulated time as fast as possible (GIL released).")
        .def("run_until", &PyRig::run_until, py::arg("fn"), py::arg("timeout"), py::arg("step") = 0.1,
             "Advances in `step`-second slices until fn() is true; False when `timeout` simulated seconds pass first.")
        .def("readings", &PyRig::readings, "Every catalogue parameter the module holds: {key: {value, quality, time, unit}}.")
        .def("set_current", &PyRig::set_current, py::arg("channel"), py::arg("rms"), py::arg("pf") = 1.0, py::arg("lead") = false,
             py::arg("harmonics") = py::none(), "Sets the load on input channel 1-18 (A RMS, PF, lagging unless lead).")
        .def("set_voltage", &PyRig::set_voltage, py::arg("rms"), "Sets the RMS of all three phase voltages.")
        .def("set_digital_input", &PyRig::set_digital_input, py::arg("index"), py::arg("level"), "Drives DI1-DI18.")
        .def("power_off", [](PyRig& r) { r.power(false); }, "Powers the metering board down (it stops answering).")
        .def("power_on", [](PyRig& r) { r.power(true); }, "Powers the metering board up.")
        .def("set_faults", &PyRig::set_faults, py::arg("corrupt_byte_rate") = 0.0, py::arg("drop_frame_rate") = 0.0,
             py::arg("added_delay_ms") = 0.0, py::arg("dribble_rate") = 0.0, py::arg("disconnected") = false,
             "Sets the RS-485 bus fault knobs; call with no arguments to clear them.")
        .def("set_link", &PyRig::set_link, py::arg("interface"), py::arg("up"),
             "Pulls (False) or puts back (True) the cable of eth1, eth2 or wlan: its listeners and connections close.")
        .def("set_clock", &PyRig::set_clock, py::arg("utc") = py::none(), py::arg("zone_minutes") = py::none(), py::arg("dst") = py::none(),
             "Steps the device clock to utc (seconds), sets its time zone (minutes east of UTC) and DST.")
        .def("clock_utc", &PyRig::clock_utc, "The device clock's UTC seconds.")
        .def("set_disk_full", &PyRig::set_disk_full, py::arg("full"), "The data directory's disk is full (writes fail) or not.")
        .def("cut_power_in_next_write", &PyRig::cut_power_in_next_write, py::arg("bytes"),
             "The next write to the data directory stops after `bytes` bytes, as if the supply went.")
        .def("change_settings", &PyRig::change_settings, py::arg("changes"),
             "Changes settings as the web API will ({key: value}, docs/settings.md): [] or the errors; nothing changes on an error.")
        .def("settings", &PyRig::settings, "The module's saved settings: {key: value}.")
        .def("snapshot", &PyRig::snapshot, "Takes the control faces: loads and waveforms, bus faults, DI, relays, power, clock.")
        .def("restore", &PyRig::restore, py::arg("snapshot"), "Puts the control faces back as they were at snapshot().")
        .def_property_readonly("now", &PyRig::now, "Simulated time, seconds since the Unix epoch.")
        .def_property_readonly("modbus_port", &PyRig::modbus_port, "The Modbus TCP port on 127.0.0.1.")
        .def_property_readonly("data_dir", [](PyRig& r) { return r.data_dir(); }, "The device's data directory.")
        .def_property_readonly("web_url", &PyRig::web_url, "The web interface's HTTPS URL (https://127.0.0.1:<free port in 6000-9999>).")
        .def_property_readonly("unit_id", &PyRig::unit_id, "The Modbus unit id (the meter's RS-485 address).")
        .def_property_readonly("seed", &PyRig::seed)
        .def("close", &PyRig::close, "Stops the firmware and frees the rig.")
        .def("__enter__", [](PyRig& r) -> PyRig& { return r; }, py::return_value_policy::reference)
        .def("__exit__", [](PyRig& r, const py::args&) { r.close(); });
}
