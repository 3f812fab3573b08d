#pragma once
// Scenario files (scenarios/<suite>/*.json, comments allowed): one behaviour each, a dotted id,
// a one-line intent, tags, the rig setup and a timeline of steps and checks. Schema:
// scenarios/README.md. A file that does not match is refused with the path of the bad field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rig_config.hpp"

namespace harness {

struct ScenarioError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Step {
    std::string kind;     // advance, set_load, set_voltage, frequency, ..., read, write, reading, wait_until, accuracy
    nlohmann::json args;  // the step's object, already checked against the schema
    std::string path;     // "steps[3]", for messages
};

struct Scenario {
    std::string id;
    std::string intent;
    std::string file;
    std::vector<std::string> tags;
    nlohmann::json rig;  // the rig config (acurev-sim --config schema)
    std::vector<Step> steps;
    // Which client the checks use: "tcp" (the module's Modbus TCP server), "rtu-bus" (an in-process
    // RTU master on the virtual RS-485 bus to the board, on the virtual clock) or "rtu-pty"
    // (libmodbus RTU on the board's pty, real device I/O).
    std::vector<std::string> transports{"tcp"};
    // Both board fidelities where a behaviour applies to both: the scenario runs once in each, its
    // id with "[sample]" / "[analytic]" (rig.fidelity is then not given).
    std::vector<std::string> fidelities;
};

// One scenario per fidelity of `s.fidelities` (or `s` itself when it names none).
std::vector<Scenario> fidelity_variants(const Scenario& s);

Scenario load_scenario(const std::string& file);
Scenario parse_scenario(const nlohmann::json& doc, const std::string& file);

// One point of the accuracy report (per test point: truth, measured, error, limit, class).
struct AccuracyRow {
    std::string scenario;
    std::string quantity;  // "P", "I", "V"
    int channel = 0;
    double percent_of_rated = 0;  // current as % of the CT primary
    double pf = 1;
    bool lead = false;
    double truth = 0, measured = 0, error_pct = 0, limit_pct = 0;
    std::string accuracy_class;
};

struct ScenarioResult {
    std::string id;
    std::string file;
    bool passed = false;
    bool skipped = false;
    std::string failure;  // names the scenario, step, expected, measured and tolerance
    std::uint64_t seed = 0;
    double simulated_seconds = 0;
    std::vector<AccuracyRow> accuracy;
};

// Runs a scenario over one of its transports on its own rig; the Modbus TCP device port is `port`
// (2000-5999). The result's id is the scenario's, with "[transport]" when it has several.
ScenarioResult run_scenario(const Scenario& s, const std::string& transport, std::optional<std::uint64_t> seed, std::uint16_t port);

}  // namespace harness
