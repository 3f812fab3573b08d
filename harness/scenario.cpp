#include "scenario.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "acurev/board_map.hpp"
#include "catalogue/catalogue.hpp"
#include "scenario_steps.hpp"

namespace harness {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& what) {
    throw ScenarioError(file + ": " + path + " " + what);
}

Step parse_step(const json& j, const std::string& path, const std::string& file) {
    if (!j.is_object() || j.size() != 1) bad(file, path, "must be an object with one step kind, e.g. {\"advance\": {\"seconds\": 5}}");
    const auto& [kind, args] = *j.items().begin();
    const StepKind* step = find_step_kind(kind);
    if (!step) {
        std::string kinds;
        for (const auto& e : step_kinds()) kinds += (kinds.empty() ? "" : ", ") + e.name;
        bad(file, path + "." + kind, "is not a step kind: " + kinds);
    }
    if (!args.is_object()) bad(file, path + "." + kind, "must be an object");
    std::set<std::string> allowed;
    for (const auto& f : step->fields) {
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
    if (step->check)
        if (auto problem = step->check(args)) bad(file, path + "." + kind + "." + problem->field, problem->message);
    return Step{kind, args, path};
}

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


}  // namespace harness
