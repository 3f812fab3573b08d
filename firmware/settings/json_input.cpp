#include "settings/json_input.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace fw {

namespace {

using nlohmann::json;

// Where the parser is, for messages: a.b[3].c
struct Frame {
    bool object = false;
    std::string key;  // the member being read (objects)
    long index = -1;  // the element being read (arrays)
    std::set<std::string> keys;
};

std::string path_of(const std::vector<Frame>& stack) {
    std::string p;
    for (const auto& f : stack) {
        if (f.object && !f.key.empty())
            p += (p.empty() ? "" : ".") + f.key;
        else if (!f.object && f.index >= 0)
            p += "[" + std::to_string(f.index) + "]";
    }
    return p.empty() ? "(top)" : p;
}

}  // namespace

json parse_json_input(std::string_view text, const std::string& what, JsonInputLimits limits) {
    if (text.size() > limits.max_bytes)
        throw JsonInputError(what + " is " + std::to_string(text.size()) + " bytes: over the limit of " + std::to_string(limits.max_bytes) +
                             " bytes");
    std::vector<Frame> stack;
    auto element = [&stack] {
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
    };
    const json::parser_callback_t track = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                element();
                if (static_cast<int>(stack.size()) >= limits.max_depth)
                    throw JsonInputError(what + ": field '" + path_of(stack) + "' is nested deeper than the limit of " +
                                         std::to_string(limits.max_depth) + " levels");
                stack.push_back(Frame{event == json::parse_event_t::object_start, {}, -1, {}});
                break;
            case json::parse_event_t::key: {
                auto& f = stack.back();
                f.key = parsed.get<std::string>();
                if (!f.keys.insert(f.key).second) throw JsonInputError(what + ": field '" + path_of(stack) + "' appears twice");
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end: stack.pop_back(); break;
            case json::parse_event_t::value: element(); break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), track, true, true);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a number overflow
        std::string why = e.what();
        const auto overflow = why.find("number overflow");
        if (overflow != std::string::npos) {
            // A number beyond double's range (1e999): name the field it was meant for.
            // The value's element was not counted yet: it failed before its event.
            if (!stack.empty() && !stack.back().object) ++stack.back().index;
            throw JsonInputError(what + ": field '" + path_of(stack) + "' holds a number too large to represent (" + why.substr(overflow) + ")");
        }
        throw JsonInputError(what + " is not valid JSON: " + why);
    }
}

json read_json_file(const std::string& path, const std::string& what, JsonInputLimits limits) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw JsonInputError("cannot read " + what + ": " + ec.message());
    if (size > limits.max_bytes)
        throw JsonInputError(what + " is " + std::to_string(size) + " bytes: over the limit of " + std::to_string(limits.max_bytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw JsonInputError("cannot read " + what);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_json_input(text.str(), what, limits);
}

}  // namespace fw
