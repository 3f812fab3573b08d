#pragma once
// The web pages' files, built from services/web/ui at build time and embedded in the firmware
// binary (nothing is fetched at run time). Generated: web_assets.cpp in the build tree.
#include <string_view>
#include <vector>

namespace fw {

struct WebAsset {
    std::string_view name;          // "index.html", "app.js"
    std::string_view content_type;  // "text/html; charset=utf-8"
    std::string_view data;
};

const std::vector<WebAsset>& web_assets();

}  // namespace fw
