#include "catalogue/catalogue.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

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
    const std::uint16_t e = acurev::blocks::energy_kwh.start;
    for (int p = 0; p < 3; ++p)
        b.add(std::string("energy.kwh.") + phase_letter[p], std::string("Phase ") + phase_upper[p] + " Active Energy Import", "kWh",
              DataType::uint32, 0.1, static_cast<std::uint16_t>(e + 2 * p), std::string("EP") + phase_letter[p] + "_IMP_kWh", group_energy);
    b.add("energy.kwh", "System Active Energy Import", "kWh", DataType::uint32, 0.1, static_cast<std::uint16_t>(e + 6), "EP_IMP_kWh", group_energy);
    for (int ch = 1; ch <= 18; ++ch)
        b.add("energy.kwh.ch" + two(ch), "Input Channel " + std::to_string(ch) + " Active Energy Import", "kWh", DataType::uint32, 0.1,
              static_cast<std::uint16_t>(e + 8 + 2 * (ch - 1)), "EP" + three(ch) + "_IMP_kWh", group_energy);
    for (int u = 1; u <= 9; ++u)
        b.add("energy.kwh.user" + std::to_string(u), "User Channel s" + std::to_string(u) + " Active Energy Import", "kWh",
              DataType::uint32, 0.1, static_cast<std::uint16_t>(e + 0x2C + 2 * (u - 1)), "EPs" + std::to_string(u) + "_IMP_kWh",
              group_energy);
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
    // Current-month energy at 0x4000 (designed), row "total" per phase and system.
    const std::uint16_t t = acurev::blocks::tou_energy.start;
    const char* const col[4] = {"a", "b", "c", "sys"};
    for (int c = 0; c < 4; ++c)
        b.add(std::string("tou.month.total.") + col[c], std::string("Current Month Active Energy, ") + (c < 3 ? std::string("Phase ") + phase_upper[c] : std::string("System")),
              "kWh", DataType::uint32, 0.1, static_cast<std::uint16_t>(t + 2 * c),
              std::string("EP") + (c < 3 ? phase_letter[c] : "") + "_IMP_MONTH_kWh", group_energy);
    for (int d = 1; d <= 18; ++d)
        b.add("io.di" + two(d) + ".count", "DI" + std::to_string(d) + " Pulse Count", "", DataType::uint32, 1.0,
              static_cast<std::uint16_t>(acurev::blocks::di_counters.start + 2 * (d - 1)), "DI" + two(d) + "_Count", group_io);
    for (const auto& s : acurev::board_settings())
        b.add(std::string("setting.") + s.key, s.label, s.unit, DataType::uint16, 1.0, s.address, s.key, group_settings);
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

Catalogue::Catalogue() : rows_(build()) {
    std::unordered_set<std::string> ids, keys;
    for (const auto& r : rows_) {
        if (!ids.insert(r.id).second) throw std::logic_error("catalogue id twice: " + r.id);
        if (!keys.insert(r.key).second) throw std::logic_error("catalogue key twice: " + r.key);
        if (!acurev::find_block(r.board_register, static_cast<std::uint16_t>(r.registers())))
            throw std::logic_error("catalogue row " + r.id + " is outside every register block");
    }
}

const Catalogue& Catalogue::instance() {
    static const Catalogue c;
    return c;
}

const Parameter* Catalogue::find(const std::string& id) const {
    for (const auto& r : rows_)
        if (r.id == id) return &r;
    return nullptr;
}

const Parameter* Catalogue::by_key(const std::string& key) const {
    for (const auto& r : rows_)
        if (r.key == key) return &r;
    return nullptr;
}

const Parameter* Catalogue::at_module_register(std::uint16_t address) const {
    for (const auto& r : rows_)
        if (r.module_register == address) return &r;
    return nullptr;
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
       << "- Clock 0x0180: year, month, day, hour, minute, second, weekday (0 = Sunday), UTC; write with FC16.\n"
       << "- Demand 0x2D00 (published layout): 9 registers per item: present, predicted, peak (float32), peak time packed as\n"
       << "  (year - 2000, month), (day, hour), (minute, second) of the board clock at the update that set the peak. Sliding\n"
       << "  updates every second, rolling every sub-interval, fixed every clock-aligned interval, thermal every second\n"
       << "  (tau = interval / ln 10). Predicted = (energy so far in the clock-aligned interval + present rate x time left) /\n"
       << "  interval. Method, interval and sub-interval: 0x080A-0x080C.\n"
       << "- Commands 0x0B00 (designed): write 1 to reset every demand peak; reads 0.\n"
       << "- Wiring 0x0888: users group consecutive input channels: 3LN and high-leg delta 3 channels (s1-s6), 2LN, 2LL and\n"
       << "  2LN/Network 2 channels (s1-s9), 1LN one channel (s1-s9 = channels 1-9). Channel n is on phase A, B, C in turn\n"
       << "  (1LN, 3LN, high-leg, Network); 2LN puts each user's legs on Va and Vb; 2LL measures the first channel with Vab\n"
       << "  (phase A) and the second with Vcb (phase C).\n"
       << "- 0x4000: current month [total, sharp, peak, valley, normal] x [A, B, C, system], uint32 0.1 kWh; 0x4028 prior\n"
       << "  month. Tariff rows stay 0 until a TOU calendar is configured.\n\n"
       << "## Parameters\n\n| id | name | unit | type | scale | register | key | groups |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows_) {
        std::string groups;
        const char* const gname[] = {"real-time", "energy", "demand", "power quality", "I/O", "settings"};
        for (int g = 0; g < 6; ++g)
            if (r.groups & (1U << g)) groups += (groups.empty() ? "" : ", ") + std::string(gname[g]);
        md << "| " << r.id << " | " << r.name << " | " << r.unit << " | " << type_name(r.type) << " | " << r.scale << " | "
           << hex(r.module_register) << " (" << r.module_register << ") | `" << r.key << "` | " << groups << " |\n";
    }
    return md.str();
}

}  // namespace fw
