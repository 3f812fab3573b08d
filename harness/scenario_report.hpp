#pragma once
// Reports of a harness run: JUnit XML for CI, and the accuracy record a metrology engineer files:
// CSV and Markdown per test point (truth, measured, error, limit, class) and an SVG plot of error
// against current for each power factor. Deterministic: simulated time only, no wall-clock stamps.
#include <string>
#include <vector>

#include "scenario.hpp"

namespace harness {

std::string junit_xml(const std::vector<ScenarioResult>& results);
std::string accuracy_csv(const std::vector<ScenarioResult>& results);
std::string accuracy_markdown(const std::vector<ScenarioResult>& results);
std::string accuracy_svg(const std::vector<ScenarioResult>& results);

}  // namespace harness
