#pragma once
// The installation record (web manual 6.5.2): what the installer fills in (client, installation,
// the CT of each input channel), kept in the data directory, with the device and communication
// information generated from the module as it is; downloadable as a PDF.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/web/router.hpp"
#include "services/web/web_api.hpp"

namespace fw {

struct InstallationRecord {
    static constexpr const char* file_name = "installation-record.json";
    static constexpr std::size_t max_text = 64;
    // The editable part, every field present ("" when not filled in).
    static nlohmann::json empty();
    // `change` merged into `record`: unknown fields, wrong types and texts over max_text refused,
    // each named. Returns the error, or none with `record` updated.
    static std::optional<std::string> merge(nlohmann::json& record, const nlohmann::json& change);
    // A PDF of the whole record (drawn with cairo).
    static std::string pdf(const nlohmann::json& full_record);
};

void add_installation_record_routes(Router& router, WebApi& api);

}  // namespace fw
