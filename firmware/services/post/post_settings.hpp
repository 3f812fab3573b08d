#pragma once
// The post channels' settings (web manual 7.6) and AcuCloud's (7.7): `post_channel_N.<field>`,
// one set of URL, port and credentials per post method as the page shows them, `post.cache_limit_mb`
// for the store-and-forward queue, `acucloud.*`.
#include <string>
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::post_settings {

inline constexpr int channels = 3;
std::string key(int channel, const char* field);  // key(2, "enable") == "post_channel_2.enable"

enum Method : std::int64_t { http = 0, ftp = 1, sftp = 2 };
enum HttpAuth : std::int64_t { token = 0, basic = 1 };

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

}  // namespace fw::post_settings
