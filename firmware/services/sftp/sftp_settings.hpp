#pragma once
// SFTP download's part of the settings schema (web manual 7.5 "SFTP Enable"): enabled at the
// module's reboot, as the manual's note says. sftpuser's password, "accuenergy" until it is changed
// and restored by "Reset SFTP Password", is not a setting: it is kept only as a crypt(3) hash
// (SftpDownload::set_password, POST /api/v1/sftp/password), as every password of the module is.
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::sftp_settings {

inline constexpr const char* enable = "sftp.enable";
inline constexpr std::size_t password_min = 8, password_max = 64;  // designed (its page says "Maximum 12 characters")
inline constexpr const char* default_password = "accuenergy";  // web manual 7.5
inline constexpr const char* user = "sftpuser";                // web manual 7.5: "Username: sftpuser"

std::vector<SettingSpec> specs();

}  // namespace fw::sftp_settings
