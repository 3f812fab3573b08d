#include "services/sftp/sftp_settings.hpp"

namespace fw::sftp_settings {

std::vector<SettingSpec> specs() {
    SettingSpec on;
    on.key = enable;
    on.label = "SFTP Enable";
    on.type = SettingType::boolean;
    on.default_value = false;
    on.applies = Applies::reboot;
    on.section = "web manual 7.5: the data logs are downloaded as sftpuser on port 22; the module must be rebooted after enabling";

    SettingSpec pw;
    pw.key = password;
    pw.label = "SFTP Password";
    pw.type = SettingType::text;
    pw.default_value = default_password;
    pw.min = 8;
    pw.max = 64;
    pw.secret = true;
    pw.applies = Applies::service_restart;
    pw.section =
        "web manual 7.5: default accuenergy, \"Reset SFTP Password\" restores it (its page says \"Maximum 12 characters\"; "
        "designed: 8-64, longer passwords are safer); a change applies at once";
    return {on, pw};
}

}  // namespace fw::sftp_settings
