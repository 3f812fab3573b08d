#pragma once
// JSON from outside (config files, settings files and imports, scenario files): read strictly,
// so that a bad file gets one clear message and never a crash. Limits on size and nesting, a
// number that overflows named by its field, and duplicate keys refused (a later key would
// silently win otherwise). Comments are allowed, as in the README's config examples.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fw {

struct JsonInputLimits {
    std::size_t max_bytes = 1 << 20;  // 1 MiB: the largest real config is a few kB
    int max_depth = 32;
};

class JsonInputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `what` names the input in messages ("config file x.json"). Throws JsonInputError.
nlohmann::json parse_json_input(std::string_view text, const std::string& what, JsonInputLimits limits = {});
// Reads a file (refusing it before reading when it is over the size limit) and parses it.
nlohmann::json read_json_file(const std::string& path, const std::string& what, JsonInputLimits limits = {});

}  // namespace fw
