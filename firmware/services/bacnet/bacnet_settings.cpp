#include "services/bacnet/bacnet_settings.hpp"

#include <boost/asio/ip/address_v4.hpp>

namespace fw::bacnet_settings {

namespace {

constexpr Applies applies = Applies::reboot;  // 7.8: "Users will be prompted to reboot"

SettingSpec make(const char* key, std::string label, SettingType type, nlohmann::json def, const std::string& section) {
    return make_setting(key, std::move(label), type, std::move(def), applies, "web manual 7.8: " + section);
}

SettingSpec text(const char* key, std::string label, std::string def, double min, double max, const std::string& section, bool secret = false) {
    return text_setting(key, std::move(label), std::move(def), min, max, applies, "web manual 7.8: " + section, secret);
}

SettingSpec number(const char* key, std::string label, int def, int min, int max, std::string unit, const std::string& section) {
    return integer_setting(key, std::move(label), def, min, max, std::move(unit), applies, "web manual 7.8: " + section);
}

}  // namespace

std::vector<SettingSpec> specs() {
    return {
        make(enable, "BACnet Enable", SettingType::boolean, false, "Enable to serve BACnet/IP (disabled by default)"),
        number(port, "BACnet Port", 47808, 47800, 48000, "", "the UDP port (default 47808, range 47800 - 48000)"),
        number(device_instance, "Device Instance", 100, 0, 4194302, "",
               "the Device object's instance; unique within the BACnet system (range 0 - 4194302; the manual's example 100)"),
        text(device_name, "Device Name", "2100_WEB2", 1, 40, "the Device object's name (at most 40 characters; the manual's example)"),
        text(location, "Location", "", 0, 40, "the Device object's location (at most 40 characters)"),
        text(description, "Description", "", 0, 40, "the Device object's description (at most 40 characters)"),
        make(foreign_enable, "Foreign Device Function", SettingType::boolean, false,
             "Enable to register with a BBMD and be reached from another subnet"),
        text(bbmd_ip, "BBMD IP", "", 0, 15, "the BACnet Broadcast Management Device's IPv4 address (with the Foreign Device Function)"),
        number(bbmd_port, "BBMD Port", 47808, 1, 65535, "", "the BBMD's UDP port"),
        number(ttl, "Time To Live", 60, 5, 1440, "min",
               "how long the BBMD keeps the registration (5 - 1440 min); the module registers again at half of it"),
        make(relay_control, "Relay Control", SettingType::boolean, false,
             "designed, Admin policy: BACnet clients may command the relays through the Binary Output objects (off: write-access-denied)"),
        text(dcc_password, "DeviceCommunicationControl Password", "", 0, 20,
             "designed: the password DeviceCommunicationControl must give (empty: none asked)", true),
    };
}

std::vector<SettingsRule> rules() {
    return {{{foreign_enable, bbmd_ip}, [](const SettingValue& v) -> std::optional<std::string> {
        if (!v(foreign_enable).get<bool>()) return std::nullopt;
        boost::system::error_code ec;
        const auto ip = v(bbmd_ip).get<std::string>();
        (void)boost::asio::ip::make_address_v4(ip, ec);
        if (ip.empty() || ec) return "BBMD IP must be ip address (the Foreign Device Function is enabled)";
        return std::nullopt;
    }}};
}

}  // namespace fw::bacnet_settings
