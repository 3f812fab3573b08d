#pragma once
// The step kinds of scenario files in one table (scenario_runner.cpp): each kind's name, its
// fields (required ones marked '!'), its own check of a step beyond the fields' presence and
// number types, and the runner's function that carries it out.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness {

class StepRunner;

struct StepProblem {
    std::string field;    // the field of the step that is wrong ("tolerance")
    std::string message;  // "is required with a numeric expect (...)"
};

struct StepKind {
    std::string name;
    std::vector<std::string> fields;
    std::function<std::optional<StepProblem>(const nlohmann::json& args)> check;  // empty: nothing beyond the fields
    void (StepRunner::*run)(const nlohmann::json& args);
};

const std::vector<StepKind>& step_kinds();
const StepKind* find_step_kind(const std::string& name);  // nullptr for an unknown kind

}  // namespace harness
