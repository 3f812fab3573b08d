#pragma once
// SFTP download's part of the settings schema (web manual 7.5 "SFTP Enable"): enabled at the
// module's reboot, as the manual's note says; the password of sftpuser, "accuenergy" until it is
// changed, restored by "Reset SFTP Password".
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::sftp_settings {

inline constexpr const char* enable = "sftp.enable";
inline constexpr const char* password = "sftp.password";
inline constexpr const char* default_password = "accuenergy";  // web manual 7.5
inline constexpr const char* user = "sftpuser";                // web manual 7.5: "Username: sftpuser"

std::vector<SettingSpec> specs();

}  // namespace fw::sftp_settings
