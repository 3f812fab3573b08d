#include "catalogue/catalogue.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "acurev/board_map.hpp"

namespace fw {

namespace {

std::string two(int n) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d", n);
    return b;
}
std::string three(int n) {
    char b[8];
    std::snprintf(b, sizeof b, "%03d", n);
    return b;
}
std::string hex(std::uint16_t a) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%04X", a);
    return b;
}

class Builder {
public:
    std::vector<Parameter> rows;
    void add(std::string id, std::string name, std::string unit, DataType type, double scale, std::uint16_t reg,
             std::string key, unsigned groups) {
        rows.push_back({std::move(id), std::move(name), std::move(unit), type, scale, reg, reg, std::move(key), groups});
    }
    void f(std::string id, std::string name, std::string unit, std::uint16_t reg, std::string key, unsigned groups = group_realtime) {
        add(std::move(id), std::move(name), std::move(unit), DataType::float32, 1.0, reg, std::move(key), groups);
    }
};

const char* const phase_letter[3] = {"a", "b", "c"};
const char* const phase_upper[3] = {"A", "B", "C"};
const char* const ll_pair[3] = {"ab", "bc", "ca"};

// The 31 energy meters in register-map order (phases, system, input channels, users), with the
// id suffix, the key tag (EPa_IMP_kWh, EP001_IMP_kWh, EPs1_IMP_kWh) and the name.
struct Meter {
    std::string id, tag, name;
};
std::vector<Meter> energy_meters() {
    std::vector<Meter> m;
    for (int p = 0; p < 3; ++p) m.push_back({std::string(".") + phase_letter[p], phase_letter[p], std::string("Phase ") + phase_upper[p]});
    m.push_back({"", "", "System"});
    for (int ch = 1; ch <= 18; ++ch) m.push_back({".ch" + two(ch), three(ch), "Input Channel " + std::to_string(ch)});
    for (int u = 1; u <= 9; ++u) m.push_back({".user" + std::to_string(u), "s" + std::to_string(u), "User Channel s" + std::to_string(u)});
    return m;
}

// kvarh and kVAh import (register map 1.4); keys by analogy with EP_IMP_kWh (4100W templates:
// EQ_IMP_kvarh, ES_kVAh).
void add_energy_depth(Builder& b) {
    namespace e = acurev::energy;
    const auto meters = energy_meters();
    for (int c = 0; c < 31; ++c) {
        const auto& m = meters[static_cast<std::size_t>(c)];
        b.add("energy.kvarh" + m.id, m.name + " Reactive Energy Import", "kvarh", DataType::uint32, 0.1, e::register_of(e::Kind::kvarh, c),
              "EQ" + m.tag + "_IMP_kvarh", group_energy);
        b.add("energy.kvah" + m.id, m.name + " Apparent Energy", "kVAh", DataType::uint32, 0.1, e::register_of(e::Kind::kvah, c),
              "ES" + m.tag + "_kVAh", group_energy);
    }
}

// Power quality 0x3200 and phase angles 0x3600 (register map 1.6, 1.7), uint16 with the published scales.
void add_power_quality(Builder& b) {
    const std::uint16_t q = acurev::blocks::power_quality.start;
    auto pq = [&](std::string id, std::string name, std::string unit, double scale, int offset, std::string key) {
        b.add(std::move(id), std::move(name), std::move(unit), DataType::uint16, scale, static_cast<std::uint16_t>(q + offset), std::move(key),
              group_power_quality);
    };
    namespace o = acurev::pq;
    auto at = [](std::size_t offset) { return static_cast<int>(offset); };
    pq("pq.unbalance.v", "Voltage Unbalance", "%", 0.1, at(o::voltage_unbalance), "Unbl_V");
    for (int p = 0; p < 3; ++p) {
        const std::string l = phase_letter[p], name = std::string("Phase ") + phase_upper[p];
        const auto up = static_cast<std::size_t>(p);
        pq("pq.thd.v." + l, name + " Voltage THD", "%", 0.01, at(o::thd_v + up), "THD_V" + l);
        for (int h = 2; h <= 31; ++h)
            pq("pq.harmonic.v." + l + "." + two(h), name + " Voltage Harmonic " + std::to_string(h), "%", 0.01,
               at(o::v_harmonic(up, static_cast<std::size_t>(h))), "Har" + std::to_string(h) + "_V" + l);
        const auto extra = o::v_extra + o::v_extra_stride * up;
        pq("pq.thd_odd.v." + l, name + " Voltage Odd THD", "%", 0.01, at(extra), "THDodd_V" + l);
        pq("pq.thd_even.v." + l, name + " Voltage Even THD", "%", 0.01, at(extra + 1), "THDeven_V" + l);
        pq("pq.crest.v." + l, name + " Voltage Crest Factor", "", 0.001, at(extra + 2), "CF_V" + l);
        pq("pq.thff.v." + l, name + " Voltage THFF", "%", 0.01, at(extra + 3), "THFF_V" + l);
    }
    pq("pq.thd.v.avg", "Average Voltage THD", "%", 0.01, at(o::thd_v_average), "THD_Vavg");
    pq("pq.unbalance.i", "Current Unbalance", "%", 0.01, at(o::current_unbalance), "Unbl_I");
    for (int ch = 1; ch <= 18; ++ch) {
        const std::string t = three(ch), id = "ch" + two(ch), name = "Input Channel " + std::to_string(ch);
        const auto c = static_cast<std::size_t>(ch - 1);
        const auto extra = o::i_extra + o::i_extra_stride * c;
        pq("pq.thd_odd.i." + id, name + " Current Odd THD", "%", 0.01, at(extra), "THDodd_I" + t);
        pq("pq.thd_even.i." + id, name + " Current Even THD", "%", 0.01, at(extra + 1), "THDeven_I" + t);
        pq("pq.k_factor.i." + id, name + " K-Factor", "", 0.1, at(extra + 2), "KF_I" + t);
        pq("pq.thd.i." + id, name + " Current THD", "%", 0.01, at(o::i_harmonic(c, 1)), "THD_I" + t);
        for (int h = 2; h <= 31; ++h)
            pq("pq.harmonic.i." + id + "." + two(h), name + " Current Harmonic " + std::to_string(h), "%", 0.01,
               at(o::i_harmonic(c, static_cast<std::size_t>(h))), "Har" + std::to_string(h) + "_I" + t);
    }
    for (int u = 1; u <= 9; ++u)
        pq("pq.unbalance.i.user" + std::to_string(u), "User Channel s" + std::to_string(u) + " Current Unbalance", "%", 0.01,
           at(o::user_unbalance + static_cast<std::size_t>(u - 1)), "Unbl_Is" + std::to_string(u));
    const std::uint16_t a = acurev::blocks::phase_angles.start;
    b.add("pq.angle.v.b", "Phase B Voltage Angle", "deg", DataType::uint16, 0.1, a, "Ang_Vb", group_power_quality);
    b.add("pq.angle.v.c", "Phase C Voltage Angle", "deg", DataType::uint16, 0.1, static_cast<std::uint16_t>(a + 1), "Ang_Vc", group_power_quality);
    for (int ch = 1; ch <= 18; ++ch)
        b.add("pq.angle.i.ch" + two(ch), "Input Channel " + std::to_string(ch) + " Current Angle", "deg", DataType::uint16, 0.1,
              static_cast<std::uint16_t>(a + 1 + ch), "Ang_I" + three(ch), group_power_quality);
}

// TOU energies (designed 0x4000-0x43D9) and status (0x4400).
void add_tou(Builder& b) {
    const char* const row_id[5] = {"total", "sharp", "peak", "valley", "normal"};
    const char* const row_name[5] = {"Total", "Rate Sharp", "Rate Peak", "Rate Valley", "Rate Normal"};
    const char* const row_key[5] = {"IMP", "SHARP", "PEAK", "VALLEY", "NORMAL"};
    const char* const month_id[2] = {"month", "prior"};
    const char* const month_name[2] = {"Current Month", "Prior Month"};
    const char* const month_key[2] = {"MONTH", "PRIOR"};
    const auto meters = energy_meters();
    for (int m = 0; m < 2; ++m)
        for (int c = 0; c < 31; ++c)
            for (int r = 0; r < 5; ++r) {
                std::uint16_t reg = 0;
                namespace te = acurev::tou_energy;
                const auto row = static_cast<std::size_t>(r), month = static_cast<std::size_t>(m);
                if (c < 4)
                    reg = static_cast<std::uint16_t>(acurev::blocks::tou_energy.start + te::prior_month * month +
                                                     te::phase_register(row, static_cast<std::size_t>(c)));
                else if (c < 22)
                    reg = static_cast<std::uint16_t>((m ? acurev::blocks::tou_channel_prior : acurev::blocks::tou_channel_month).start +
                                                     te::meter_register(static_cast<std::size_t>(c - 4), row));
                else
                    reg = static_cast<std::uint16_t>((m ? acurev::blocks::tou_user_prior : acurev::blocks::tou_user_month).start +
                                                     te::meter_register(static_cast<std::size_t>(c - 22), row));
                const auto& mt = meters[static_cast<std::size_t>(c)];
                b.add(std::string("tou.") + month_id[m] + "." + row_id[r] + (mt.id.empty() ? ".sys" : mt.id),
                      std::string(month_name[m]) + " Active Energy " + row_name[r] + ", " + mt.name, "kWh", DataType::uint32, 0.1, reg,
                      "EP" + mt.tag + "_" + row_key[r] + "_" + month_key[m] + "_kWh", group_energy);
            }
    const std::uint16_t st = acurev::blocks::tou_status.start;
    const struct {
        const char* id;
        const char* name;
        const char* key;
    } status[] = {{"tou.status.error", "TOU Error Status", "TOU_Error"}, {"tou.status.enabled", "TOU Active", "TOU_Active"},
                  {"tou.status.tariff", "TOU Present Tariff", "TOU_Tariff"}, {"tou.status.season", "TOU Present Season", "TOU_Season"},
                  {"tou.status.schedule", "TOU Present Schedule", "TOU_Schedule"}, {"tou.status.day_type", "TOU Day Type", "TOU_DayType"}};
    for (int i = 0; i < 6; ++i)
        b.add(status[i].id, status[i].name, "", DataType::uint16, 1.0, static_cast<std::uint16_t>(st + i), status[i].key, group_energy);
}

void add_io_and_alarms(Builder& b) {
    for (int d = 1; d <= 18; ++d) {
        b.add("io.di" + two(d) + ".count", "DI" + std::to_string(d) + " Pulse Count", "", DataType::uint32, 1.0,
              static_cast<std::uint16_t>(acurev::blocks::di_counters.start + 2 * (d - 1)), "DI" + two(d) + "_Count", group_io);
        b.add("io.di" + two(d) + ".value", "DI" + std::to_string(d) + " Value", "", DataType::float32, 1.0,
              static_cast<std::uint16_t>(acurev::blocks::di_values.start + 2 * (d - 1)), "DI" + two(d) + "_Value", group_io);
    }
    const std::uint16_t al = acurev::blocks::alarm_log.start;
    b.add("alarm.active", "Alarms in Force (bit k-1 = alarm k)", "", DataType::uint16, 1.0, al, "ALM_Active", group_io);
    b.add("alarm.records", "Alarm Records Written", "", DataType::uint32, 1.0, static_cast<std::uint16_t>(al + acurev::alarm_log::records),
          "ALM_Records", group_io);
    b.add("alarm.newest_slot", "Newest Alarm Record Slot", "", DataType::uint16, 1.0, static_cast<std::uint16_t>(al + acurev::alarm_log::newest),
          "ALM_Newest", group_io);
    b.add("device.run_time", "Device Run Time", "s", DataType::uint32, 1.0, acurev::blocks::run_time.start, "RunTime_s", group_io);
    const std::uint16_t ev = acurev::blocks::event_log.start;
    b.add("event.records", "Event Log Records Written", "", DataType::uint32, 1.0, ev, "SOE_Records", group_io);
}

// Keys: PF, PFa, PF001, PFs1, EP_IMP_kWh, EPa_IMP_kWh, EP001_IMP_kWh, EPs1_IMP_kWh are seen in a
// real 2100 capture (web2-formats.md §2); the other real-time keys follow the same scheme.
std::vector<Parameter> build() {
    namespace rt = acurev::rt;
    Builder b;
    b.f("rt.frequency", "Frequency", "Hz", rt::frequency, "Freq_Hz");
    for (int p = 0; p < 3; ++p)
        b.f(std::string("rt.v_ln.") + phase_letter[p], std::string("Phase ") + phase_upper[p] + " Line-to-Neutral Voltage", "V",
            static_cast<std::uint16_t>(rt::v_ln + 2 * p), std::string("V") + phase_letter[p] + "_V");
    b.f("rt.v_ln.avg", "Average Line-to-Neutral Voltage", "V", rt::v_ln_avg, "Vlnavg_V");
    for (int p = 0; p < 3; ++p)
        b.f(std::string("rt.v_ll.") + ll_pair[p], std::string("Line-to-Line Voltage ") + ll_pair[p], "V",
            static_cast<std::uint16_t>(rt::v_ll + 2 * p), std::string("V") + ll_pair[p] + "_V");
    b.f("rt.v_ll.avg", "Average Line-to-Line Voltage", "V", rt::v_ll_avg, "Vllavg_V");
    for (int p = 0; p < 3; ++p)
        b.f(std::string("rt.i.") + phase_letter[p], std::string("Phase ") + phase_upper[p] + " Current", "A",
            static_cast<std::uint16_t>(rt::i_phase + 2 * p), std::string("I") + phase_letter[p] + "_A");
    b.f("rt.i.avg", "Average Current", "A", rt::i_avg, "Iavg_A");
    b.f("rt.p", "System Active Power", "kW", rt::p_sys, "P_kW");
    b.f("rt.q", "System Reactive Power", "kvar", rt::q_sys, "Q_kvar");
    b.f("rt.s", "System Apparent Power", "kVA", rt::s_sys, "S_kVA");
    b.f("rt.pf", "System Power Factor", "", rt::pf_sys, "PF");
    b.f("rt.load", "System Load Nature", "", rt::load_sys, "LoadType");
    const struct {
        std::uint16_t base;
        const char* id;
        const char* name;
        const char* unit;
        const char* key;
    } per_phase[] = {{rt::p_phase, "p", "Active Power", "kW", "P%s_kW"},
                     {rt::q_phase, "q", "Reactive Power", "kvar", "Q%s_kvar"},
                     {rt::s_phase, "s", "Apparent Power", "kVA", "S%s_kVA"},
                     {rt::pf_phase, "pf", "Power Factor", "", "PF%s"},
                     {rt::load_phase, "load", "Load Nature", "", "LoadType%s"}};
    auto key_of = [](const char* pattern, const std::string& tag) {
        std::string k = pattern;
        k.replace(k.find("%s"), 2, tag);
        return k;
    };
    for (const auto& q : per_phase)
        for (int p = 0; p < 3; ++p)
            b.f(std::string("rt.") + q.id + "." + phase_letter[p], std::string("Phase ") + phase_upper[p] + " " + q.name, q.unit,
                static_cast<std::uint16_t>(q.base + 2 * p), key_of(q.key, phase_letter[p]));
    const struct {
        int offset;
        const char* id;
        const char* name;
        const char* unit;
        const char* key;
    } per_channel[] = {{0, "i", "Current", "A", "I%s_A"},       {2, "p", "Active Power", "kW", "P%s_kW"},
                       {4, "q", "Reactive Power", "kvar", "Q%s_kvar"}, {6, "s", "Apparent Power", "kVA", "S%s_kVA"},
                       {8, "pf", "Power Factor", "", "PF%s"},      {10, "load", "Load Nature", "", "LoadType%s"}};
    for (int ch = 1; ch <= 18; ++ch)
        for (const auto& q : per_channel)
            b.f("rt.ch" + two(ch) + "." + q.id, "Input Channel " + std::to_string(ch) + " " + q.name, q.unit,
                static_cast<std::uint16_t>(rt::channel_base + rt::channel_stride * (ch - 1) + q.offset), key_of(q.key, three(ch)));
    for (int u = 1; u <= 9; ++u)
        for (const auto& q : per_channel) {
            if (q.offset == 0) continue;  // the user block has no current (register map 1.3)
            b.f("rt.user" + std::to_string(u) + "." + q.id, "User Channel s" + std::to_string(u) + " " + q.name, q.unit,
                static_cast<std::uint16_t>(rt::user_base + rt::user_stride * (u - 1) + q.offset - 2),
                key_of(q.key, "s" + std::to_string(u)));
        }
    // Active energy import, uint32 in 0.1 kWh (register map 1.4).
    {
        const auto meters = energy_meters();
        for (int c = 0; c < 31; ++c) {
            const auto& m = meters[static_cast<std::size_t>(c)];
            b.add("energy.kwh" + m.id, m.name + " Active Energy Import", "kWh", DataType::uint32, 0.1,
                  acurev::energy::register_of(acurev::energy::Kind::kwh, c), "EP" + m.tag + "_IMP_kWh", group_energy);
        }
    }
    // Demand (register map 1.5): per item present, predicted and peak (float32); the peak time's
    // 3 registers follow each record (+6..+8). Keys as the WEB2 emits them: DMD_P_kW, DMD_Pa_kW,
    // DMD_Ia_A, DMD_P001_kW, DMD_I001_A, DMD_Ps1_kW (web2-formats.md §2); PRED_/MAX_ by analogy.
    {
        std::uint16_t reg = acurev::blocks::demand.start;
        auto item = [&](const std::string& id, const std::string& name, const std::string& unit, const std::string& key) {
            const char* const part_id[3] = {"", ".predicted", ".peak"};
            const char* const part_name[3] = {"", "Predicted ", "Peak "};
            const char* const part_key[3] = {"", "PRED_", "MAX_"};
            for (int k = 0; k < 3; ++k)
                b.add("demand." + id + part_id[k], std::string(part_name[k]) + name + " Demand", unit, DataType::float32, 1.0,
                      static_cast<std::uint16_t>(reg + 2 * k), part_key[k] + key, group_demand);
            reg = static_cast<std::uint16_t>(reg + 9);
        };
        const struct {
            const char* id;
            const char* name;
            const char* unit;
            const char* key;
        } pqs[] = {{"p", "Active Power", "kW", "P%s_kW"}, {"q", "Reactive Power", "kvar", "Q%s_kvar"}, {"s", "Apparent Power", "kVA", "S%s_kVA"}};
        const struct {
            const char* id;
            const char* name;
            const char* unit;
            const char* key;
        } current{"i", "Current", "A", "I%s_A"};
        for (const auto& q : pqs) item(std::string("sys.") + q.id, std::string("System ") + q.name, q.unit, "DMD_" + key_of(q.key, ""));
        for (int p = 0; p < 3; ++p) {
            const std::string tag = phase_letter[p];
            item("phase_" + tag + ".i", std::string("Phase ") + phase_upper[p] + " Current", "A", "DMD_" + key_of(current.key, tag));
            for (const auto& q : pqs)
                item("phase_" + tag + "." + q.id, std::string("Phase ") + phase_upper[p] + " " + q.name, q.unit, "DMD_" + key_of(q.key, tag));
        }
        for (int ch = 1; ch <= 18; ++ch) {
            item("ch" + two(ch) + ".i", "Input Channel " + std::to_string(ch) + " Current", "A", "DMD_" + key_of(current.key, three(ch)));
            for (const auto& q : pqs)
                item("ch" + two(ch) + "." + q.id, "Input Channel " + std::to_string(ch) + " " + q.name, q.unit, "DMD_" + key_of(q.key, three(ch)));
        }
        for (int u = 1; u <= 9; ++u)
            for (const auto& q : pqs)
                item("user" + std::to_string(u) + "." + q.id, "User Channel s" + std::to_string(u) + " " + q.name, q.unit,
                     "DMD_" + key_of(q.key, "s" + std::to_string(u)));
    }
    add_energy_depth(b);
    add_power_quality(b);
    add_tou(b);
    add_io_and_alarms(b);
    for (const auto& s : acurev::board_settings()) {
        if (s.word == acurev::Word::float_low) continue;  // the float32 row covers both words
        b.add(std::string("setting.") + s.key, s.label, s.unit, s.word == acurev::Word::float_high ? DataType::float32 : DataType::uint16, 1.0,
              s.address, s.key, group_settings);
    }
    return std::move(b.rows);
}
}  // namespace

const char* type_name(DataType t) {
    switch (t) {
        case DataType::float32: return "float32";
        case DataType::uint32: return "uint32";
        case DataType::uint16: return "uint16";
    }
    return "?";
}

namespace {

// BACnetEngineeringUnits (ASHRAE 135 Clause 21) of the catalogue's units, and a COV increment that
// ignores noise but follows a load change.
struct UnitCode {
    const char* unit;
    std::uint16_t code;
    double cov;
};
constexpr UnitCode unit_codes[] = {
    {"V", 5, 1.0},      {"A", 3, 0.1},        {"kW", 48, 0.1},     {"kvar", 12, 0.1},   {"kVA", 9, 0.1},  {"kWh", 19, 0.1},
    {"kvarh", 243, 0.1}, {"kVAh", 240, 0.1},  {"Hz", 27, 0.01},    {"%", 98, 0.1},      {"deg", 90, 1.0}, {"s", 73, 1.0},
    {"min", 72, 1.0},    {"ms", 159, 1.0},
};

}  // namespace

BacnetObject Parameter::bacnet() const {
    BacnetObject o;
    o.instance = module_register;
    o.name = "AcuRev2100-" + key;
    o.cov_increment = key.rfind("PF", 0) == 0 ? 0.01 : 1.0;  // a power factor has no unit and moves in hundredths
    for (const auto& u : unit_codes)
        if (unit == u.unit) {
            o.units = u.code;
            o.cov_increment = u.cov;
        }
    return o;
}

std::string Parameter::oid() const { return std::string(parameters_oid) + "." + std::to_string(module_register) + ".0"; }

std::string Catalogue::released_ids() const {
    std::ostringstream out;
    out << "# Released protocol identities (docs/register-map.md): once a line is here it never changes or goes.\n"
        << "# New parameters: `build/bin/acurev-catalogue --ids > firmware/catalogue/released-ids.tsv` (the test names them).\n"
        << "# id\tkey\tmodule register\tBACnet object\tSNMP OID\n";
    for (const auto& r : rows_) {
        if (!r.published()) continue;
        const auto b = r.bacnet();
        out << r.id << '\t' << r.key << '\t' << hex(r.module_register) << '\t' << "analog-input," << b.instance << '\t' << r.oid() << '\n';
    }
    for (const auto& b : binary_)
        out << b.id << '\t' << b.key << "\t-\t" << (b.object.type == BacnetObject::Type::binary_input ? "binary-input," : "binary-output,")
            << b.object.instance << "\t-\n";
    return out.str();
}

static std::vector<BinaryPoint> make_binary_points() {
    std::vector<BinaryPoint> out;
    auto add = [&](const char* prefix, unsigned n, BacnetObject::Type type) {
        for (unsigned i = 0; i < n; ++i) {
            BinaryPoint b;
            const std::string number = two(static_cast<int>(i + 1));
            b.id = std::string("io.") + (type == BacnetObject::Type::binary_input ? "di" : "ro") + number + ".state";
            b.key = prefix + number + "_Status";
            b.description = prefix + std::to_string(i + 1) + " Status";
            b.index = i;
            b.object.type = type;
            b.object.instance = i + 1;
            b.object.name = "AcuRev2100-" + b.key;
            out.push_back(b);
        }
    };
    add("DI", acurev::discrete_input_count, BacnetObject::Type::binary_input);
    add("RO", acurev::coil_count, BacnetObject::Type::binary_output);
    return out;
}

Catalogue::Catalogue() : rows_(build()), binary_(make_binary_points()) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const auto& r = rows_[i];
        if (!by_id_.emplace(r.id, i).second) throw std::logic_error("catalogue id twice: " + r.id);
        if (!by_key_.emplace(r.key, i).second) throw std::logic_error("catalogue key twice: " + r.key);
        by_register_.emplace(r.module_register, i);
        if (!acurev::find_block(r.board_register, static_cast<std::uint16_t>(r.registers())))
            throw std::logic_error("catalogue row " + r.id + " is outside every register block");
    }
}

const Catalogue& Catalogue::instance() {
    static const Catalogue c;
    return c;
}

const Parameter* Catalogue::find(const std::string& id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &rows_[it->second];
}

const Parameter* Catalogue::by_key(const std::string& key) const {
    const auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &rows_[it->second];
}

const Parameter* Catalogue::at_module_register(std::uint16_t address) const {
    const auto it = by_register_.find(address);
    return it == by_register_.end() ? nullptr : &rows_[it->second];
}

// The designed parts of issue 3 (metering depth): registers, encodings and the choices behind them.
static const char* designed_depth() {
    return "- Energy 0x2500 / 0x2B00 (published layout): import only (web manual 6.3.3). A channel adds a window's energy while\n"
           "  P > 0: kWh = P t, kvarh = |Q| t of the reactive definition 0x0835 (0 fundamental Q1, 1 generalized\n"
           "  sqrt(S^2 - P^2)), kVAh = S t with S = Vrms Irms. Phases, users and the system add their channels' import\n"
           "  energies (a reversed CT never subtracts). Nothing is added below the starting current 0x0A10 (0.01 % of the\n"
           "  CT primary, default 10 = 0.1 %). Accumulators are exact integers of micro-Wh; registers are truncated.\n"
           "- TOU settings 0x0C00-0x0DFF (designed; 481 registers do not fit 0x0A00-0x0BFF): +0 enable, +1 weekend mask\n"
           "  (bit0 Sunday .. bit6 Saturday), +2 weekend schedule, +3 seasons in use (1-14), +4 holidays in use (0-30);\n"
           "  seasons +0x10 + 3 (s - 1): start month, day, schedule; holidays +0x40 + 3 (h - 1): month, day, schedule;\n"
           "  schedules +0xA0 + 43 (d - 1): segments in use, then 14 x [start hour, minute, tariff 0 sharp 1 peak 2 valley\n"
           "  3 normal]. Holiday > weekend > season. A date before season 1 belongs to the last season; time before a\n"
           "  day's first segment to its last. Energy in a window that straddles a switch or midnight is split by time.\n"
           "  Month roll-over at local midnight of the 1st (a clock jump into another month rolls over once).\n"
           "- TOU status 0x4400: error (0 ok, 1 season order or date, 2 schedule segment order, 3 holiday date; any error\n"
           "  disables TOU and is an event log record), active, present tariff (65535 none), season, schedule, day type\n"
           "  (0 weekday, 1 weekend, 2 holiday).\n"
           "- Power quality 0x3200 (published layout and scales): harmonics 2-31 and THD are referred to the fundamental;\n"
           "  unbalance = |negative| / |positive| sequence of the fundamental phasors for 3 phases or channels, the NEMA\n"
           "  form (max deviation from the mean magnitude) for 2, 0 for 1; crest factor = peak / RMS; K-factor over orders\n"
           "  1-31; THFF per IEC 60034-1 with the ITU-T O.41 psophometric weights. A signal below 1 % of the rated voltage\n"
           "  or 0.1 % of its CT primary publishes 0 (K-factor too). Angles 0x3600: against the Va fundamental,\n"
           "  counter-clockwise, 0-359.9 deg (a positive sequence Vb reads 240.0).\n"
           "- DI settings 0x0A20 + 5 (n - 1): mode (0 status, 1 pulse counter), pulse constant (pulses per count), unit\n"
           "  (0 none, 1 kWh, 2 m3, 3 t, 4 kvarh, 5 kVAh, 6 gal, 7 $), value per count (float32); 0x0A7A debounce (ms, default\n"
           "  20): a level must hold that long. Counters 0x6400 (uint32) and values 0x6440 (float32, count x value per\n"
           "  count) survive power cycles. Status-mode changes are event log records.\n"
           "- RO settings 0x0A80 + 3 (n - 1): mode (0 manual, 1 alarm output), output (0 latch, 1 momentary), pulse width\n"
           "  (50-3000 ms). FC05 on an alarm output answers exception 03. Relays open on power loss. Changes are events.\n"
           "- Alarm settings 0x0B10 + 10 (k - 1): enable, parameter, comparison (0 >, 1 =, 2 <), setpoint (float32),\n"
           "  delay (x 10 ms, 0-3000), hysteresis (float32, >= 0), relay (0 none, 1 RO1, 2 RO2). Parameter = (board\n"
           "  register - 0x2000) / 2 of a float32 real-time value (AcuRev 2000 labels: F 0, Va 1 ..., 128-280 the channel\n"
           "  and user blocks); any other label answers exception 03. Checked every measuring window: fires once the\n"
           "  condition has held for the delay; resets at once past setpoint -/+ hysteresis ('=': outside the band\n"
           "  max(hysteresis, 1e-6 |setpoint|)). Write a float32 setpoint's two words in one FC16.\n"
           "- Alarm log 0x4500: +0 alarms in force (bit k - 1), +1 records since the last reset (uint32), +3 newest slot\n"
           "  (1-16); slot r at +16 + 10 (r - 1): packed time (3), millisecond, alarm id, status (1 alarm, 0 reset),\n"
           "  parameter, value (float32). The 17th record wraps to slot 1 (web manual 6.4.3).\n"
           "- Event log (SOE): write the window 0x0B08 (first record number, uint32; count 1-10), read 0x4600: +0 records\n"
           "  written (uint32), +2 oldest kept, +4 window first, +6 records in the window, +7 ready, +8 reserved, from +9\n"
           "  10 x [number"
           " (uint32), packed time (3), millisecond, type, detail, value]. Types: 1 power on, 2 power off, 3 setting\n"
           "  changed (register, new value), 4 clock set (after 12, the time before), 5 demand reset, 6 energy reset,\n"
           "  7 alarm record reset, 8 DI counter reset (DI, 0 all), 9 DI change (DI, level), 10 relay change (RO, state),\n"
           "  11 TOU error (code), 13 run time reset. The last 1024 are kept. The module reads a new window at once.\n"
           "- Power cycles keep what a board keeps in non-volatile memory: settings, energy, TOU registers, demand peaks,\n"
           "  DI counters, both logs and the clock. Real-time registers read 0 until the first window after power-up;\n"
           "  running demand averages, alarm states and relays start afresh.\n"
           "- Publication: real-time registers every measuring window; demand, energy, TOU, DI, alarm log and power quality\n"
           "  once a second of the board clock. The module reads energy, TOU totals, counters and the alarm status every\n"
           "  5 s, settings, demand and logs every 10 s, power quality every 15 s (web manual 6.3).\n";
}

std::string Catalogue::markdown() const {
    std::ostringstream md;
    md << "# AcuRev 2100 register map (generated)\n\n"
       << "Generated from the parameter catalogue (`firmware/catalogue/catalogue.cpp`) by\n"
       << "`acurev-catalogue --markdown`; a test fails when this file is out of date. Addresses are 0-based PDU\n"
       << "addresses; float32 and uint32 are high word first. The module's Modbus TCP map is the board's map.\n\n"
       << "## Register blocks\n\n| start | end | registers | block | access | origin |\n|---|---|---|---|---|---|\n";
    for (const auto& bl : acurev::register_blocks())
        md << "| " << hex(bl.start) << " | " << hex(static_cast<std::uint16_t>(bl.end() - 1)) << " | " << bl.count << " | " << bl.name << " | "
           << (bl.access == acurev::Access::read_only ? "R" : "R/W") << " | "
           << (bl.origin == acurev::Origin::published ? "published (vendor sheet v1.02)" : "designed") << " |\n";
    md << "\nA read must lie inside one block; anything else answers exception 02. Coils 0-1 are RO1-RO2\n"
       << "(FC01, FC05); discrete inputs 0-17 are DI1-DI18 (FC02).\n\n"
       << "## Designed encodings\n\n"
       << "- Load nature (float32): 0 = R (resistive), 1 = L (inductive), 2 = C (capacitive); resistive while |Q1| <= 1 % of S1.\n"
       << "- Device information 0x0100: model ASCII (16 regs), serial ASCII (8), hardware version x100, firmware version x100,\n"
       << "  release year, month, day, seal status.\n"
       << "- Clock 0x0180: year, month, day, hour, minute, second, weekday (0 = Sunday), the installation's local wall time\n"
       << "  (the board keeps no time zone; TOU, demand intervals and log time stamps use it); write with FC16.\n"
       << "- Demand 0x2D00 (published layout): 9 registers per item: present, predicted, peak (float32), peak time packed as\n"
       << "  (year - 2000, month), (day, hour), (minute, second) of the board clock at the update that set the peak. Sliding\n"
       << "  slides once a minute, at whole minutes of the board clock (the mean of the last interval), as the vendor's meter\n"
       << "  family does; rolling updates every sub-interval, fixed every clock-aligned interval, thermal every second\n"
       << "  (tau = interval / ln 10). Method, interval and sub-interval: 0x080A-0x080C.\n"
       << "- Predicted demand (designed, every second, the same for every method): (energy so far in the clock-aligned\n"
       << "  interval now running + the present rate (the last whole second's mean) x the time left in it) / interval.\n"
       << "  For fixed demand it is the value the interval will end with if the load stays as it is; for sliding, rolling\n"
       << "  and thermal it is the same clock-aligned projection (not their own next value), so the four methods predict alike.\n"
       << "- Phase current (0x2012-0x2017) is the arithmetic sum of the RMS currents of the channels on that phase; phase\n"
       << "  S (0x2030-0x2035) the arithmetic sum of their S = Vrms x Irms; phase P and Q the sums of their P and Q; phase PF\n"
       << "  = P / S of those sums. System S is the sum of every channel's S (arithmetic apparent power).\n"
       << "- CT type 0x080D: 120 (RCT) and 333 (333 mV) are published; 80, 100 and 200 (mA models) are designed, by analogy.\n"
       << "- RS-485 (designed, as on the AcuRev 1300): 0x0A00 address 1-247; 0x0A01 baud 1200, 2400, 4800, 9600, 19200,\n"
       << "  38400 (the value itself); 0x0A02 parity 0 even, 1 odd, 2 none + 2 stop bits, 3 none + 1 stop bit (default).\n"
       << "- The registers of 0x0800-0x089A that the vendor sheet does not list read 0 and are never written: a write that\n"
       << "  touches one answers exception 02 (the real board's use of them is unknown).\n"
       << "- For the first seconds after the module starts (about 3 s, until it has read the board's settings) and after the\n"
       << "  board comes back, a settings write through the module answers exception 0x0B: the cross-field rules need the\n"
       << "  board's settings as they are.\n"
       << "- Commands 0x0B00-0x0B05 (designed, web manual 8.1, 8.2): 0x0B00 demand peaks, 0x0B01 energy (kWh, kvarh, kVAh\n"
       << "  and TOU), 0x0B02 alarm record (the alarm log), 0x0B04 device run time, 0x0B05 soft reboot, each written 1;\n"
       << "  0x0B03 DI counter reset, written 1-18 (one DI) or 255 (all). Other values answer exception 03; the registers\n"
       << "  read 0. Each reset is an event log record. A soft reboot answers the write, then the board is off for 2 s\n"
       << "  (power off and power on events; what it keeps across a power cycle it keeps).\n"
       << "- Device run time 0x0120 (designed): uint32 seconds the board has been powered, kept across power cycles.\n"
       << "- Wiring 0x0888: users group consecutive input channels: 3LN and high-leg delta 3 channels (s1-s6), 2LN, 2LL and\n"
       << "  2LN/Network 2 channels (s1-s9), 1LN one channel (s1-s9 = channels 1-9). Channel n is on phase A, B, C in turn\n"
       << "  (1LN, 3LN, high-leg, Network); 2LN puts each user's legs on Va and Vb; 2LL measures the first channel with Vab\n"
       << "  (phase A) and the second with Vcb (phase C).\n"
       << "- 0x4000: current month [total, sharp, peak, valley, normal] x [A, B, C, system], uint32 0.1 kWh; 0x4028 prior\n"
       << "  month; input channels 0x4100 (current) and 0x4200 (prior) + 10 (ch - 1), users 0x4300 and 0x4380 + 10 (n - 1),\n"
       << "  each [total, sharp, peak, valley, normal]. Tariff rows accumulate only while TOU is on and valid.\n"
       << designed_depth() << "\n"
       << "## Parameters\n\nOrigin: published (the vendor's address sheet) or designed (this project's layout, §2 of the\n"
       << "reference register map). Settings list their range or codes, as the board map checks them.\n\n"
       << "Protocols (designed): every parameter but the settings is a BACnet Analog Input whose instance is its module\n"
       << "register, named `AcuRev2100-<key>`, its description the name, with the BACnet engineering-units code and default\n"
       << "COV increment shown; its SNMP OID is `" << parameters_oid << ".<register>.0` (shown as `.<register>.0`) under the\n"
       << "vendor's enterprise number; its MQTT key is its WEB2 key. Registers never move once released, so neither do these;\n"
       << "`firmware/catalogue/released-ids.tsv` locks the released ones.\n\n"
       << "| id | name | unit | type | scale | register | key | groups | origin | allowed | BACnet | SNMP OID | MQTT key |\n"
       << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows_) {
        std::string groups;
        const char* const gname[] = {"real-time", "energy", "demand", "power quality", "I/O", "settings"};
        for (int g = 0; g < 6; ++g)
            if (r.groups & (1U << g)) groups += (groups.empty() ? "" : ", ") + std::string(gname[g]);
        const auto* block = acurev::find_block(r.module_register, 1);
        const char* origin = block && block->origin == acurev::Origin::published ? "published" : "designed";
        std::string allowed;
        if (const auto* def = acurev::find_setting(r.module_register)) {
            const auto& d = def->word == acurev::Word::float_low ? *acurev::find_setting(static_cast<std::uint16_t>(r.module_register - 1)) : *def;
            std::ostringstream a;
            if (d.word == acurev::Word::float_high)
                a << d.min_float << " to " << d.max_float;
            else
                a << d.range_text();
            allowed = a.str() + (d.unit.empty() ? "" : " " + d.unit);
        }
        md << "| " << r.id << " | " << r.name << " | " << r.unit << " | " << type_name(r.type) << " | " << r.scale << " | "
           << hex(r.module_register) << " (" << r.module_register << ") | `" << r.key << "` | " << groups << " | " << origin << " | "
           << allowed << " | ";
        if (r.published()) {
            const auto b = r.bacnet();
            md << "AI " << b.instance << ", units " << b.units << ", COV " << b.cov_increment << " | `." << r.module_register << ".0` | `"
               << r.mqtt_key() << "` |\n";
        } else {
            md << " |  |  |\n";
        }
    }
    return md.str();
}

}  // namespace fw
