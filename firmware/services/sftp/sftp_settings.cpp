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

    return {on};
}

}  // namespace fw::sftp_settings
