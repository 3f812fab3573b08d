#include "services/config/config_file.hpp"

#include <memory>
#include <span>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/hex.hpp"
#include "settings/json_input.hpp"
#include "update/a2up.hpp"

namespace fw::config {

namespace {

using nlohmann::json;
using Key = std::array<std::uint8_t, 32>;

bool starts(const std::string& key, const char* prefix) { return key.rfind(prefix, 0) == 0; }

// First match wins: the exceptions come before their section.
constexpr ClassificationRule rules[] = {
    {"mqtt.client_id", false, "MQTT client ID and SSL certificates (device-specific)"},
    {"mqtt.tls_enable", false, "MQTT client ID and SSL certificates (device-specific): SSL goes with the certificate it checks"},
    {"mqtt.", true, "MQTT settings (General, User Credentials, Last Will & Testament, Topic & Parameter Selection)"},
    {"network.modbus_tcp_port", true, "Network settings (Only DNS1, DNS2, Modbus TCP Port, HTTP Proxy)"},
    {"network.", false, "Most Network settings (DHCP, IP, ..., HTTP enable, and HTTPS port is not changed)"},
    {"acucloud.", false, "AcuCloud"},
    {"device.description", true, "All Meter settings"},
    {"meter.", true, "All Meter settings (Wiring, CT ratio)"},
    {"rs485.", true, "All Meter settings"},
    {"digital_inputs.", true, "All Meter settings"},
    {"relay_outputs.", true, "All Meter settings"},
    {"alarms.", true, "All Meter settings"},
    {"tou.", true, "All Meter settings"},
    {"time.", true, "All Time/Date settings"},
    {"data_log_", true, "All Data Log settings"},
    {"sftp.", true, "All Data Log settings"},
    {"post_channel_", true, "All Post Channel settings"},
    {"post.", true, "All Post Channel settings"},
    {"bacnet.", true, "All BACnet settings"},
    {"snmp.", true, "All SNMP settings"},
    {"web.session_timeout", true, "Management settings (access to the web interface)"},
    {"update.", true, "all web settings with the exception of certain settings (the Firmware page is not excepted)"},
};

std::vector<std::uint8_t> unhex(const json& v, std::size_t size, const char* what) {
    const auto bad = [&] {
        return ConfigError(std::string("the sealed secrets' ") + what + " must be " + (size ? std::to_string(size) + " octets in" : "") + " hex");
    };
    if (!v.is_string() || (size && v.get<std::string>().size() != 2 * size)) throw bad();
    auto b = from_hex(v.get<std::string>());
    if (!b) throw bad();
    return std::move(*b);
}

// The secrets' key: the family key is also the firmware payloads' key, so the configuration gets its own.
Key secrets_key(const Key& family) {
    static constexpr char label[] = "acurev2100 conf.ehm secrets v1";
    Key k{};
    unsigned n = 0;
    HMAC(EVP_sha256(), family.data(), static_cast<int>(family.size()), reinterpret_cast<const unsigned char*>(label), sizeof label - 1, k.data(), &n);
    return k;
}

using Cipher = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-256-GCM; the header is the additional data, so sealed secrets cannot be moved to another header.
json seal(const json& secrets, const std::string& aad, const Key& family) {
    const Key key = secrets_key(family);
    std::array<std::uint8_t, 12> iv{};
    if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) throw ConfigError("no random octets for the secrets' IV");
    const std::string plain = secrets.dump();
    std::vector<std::uint8_t> out(plain.size() + 16);
    std::array<std::uint8_t, 16> tag{};
    Cipher c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0, m = 0;
    if (!c || EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(c.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(c.get(), out.data(), &n, reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(c.get(), out.data() + n, &m) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) != 1)
        throw ConfigError("the secrets could not be sealed (AES-256-GCM)");
    out.resize(static_cast<std::size_t>(n + m));
    return {{"cipher", "AES-256-GCM"}, {"key", "HMAC-SHA256(family key, \"acurev2100 conf.ehm secrets v1\")"}, {"iv", to_hex(iv)}, {"tag", to_hex(tag)}, {"data", to_hex(out)}};
}

json open(const json& sealed, const std::string& aad, const Key& family) {
    if (!sealed.is_object() || sealed.value("cipher", "") != "AES-256-GCM") throw ConfigError("the secrets must be sealed with AES-256-GCM");
    const auto iv = unhex(sealed.value("iv", json()), 12, "iv");
    const auto tag = unhex(sealed.value("tag", json()), 16, "tag");
    const auto data = unhex(sealed.value("data", json()), 0, "data");
    const Key key = secrets_key(family);
    std::vector<std::uint8_t> plain(data.size() + 16);
    Cipher c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0, m = 0;
    auto tag_copy = tag;
    if (!c || EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        EVP_DecryptUpdate(c.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(c.get(), plain.data(), &n, data.data(), static_cast<int>(data.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_copy.size()), tag_copy.data()) != 1 ||
        EVP_DecryptFinal_ex(c.get(), plain.data() + n, &m) != 1)
        throw ConfigError("the secrets do not open with this device family's key (sealed for another family, or altered)");
    plain.resize(static_cast<std::size_t>(n + m));
    json out;
    try {
        out = json::parse(plain.begin(), plain.end());
    } catch (const json::exception&) {
        throw ConfigError("the sealed secrets are not a JSON object");
    }
    if (!out.is_object()) throw ConfigError("the sealed secrets are not a JSON object");
    return out;
}

json header_json(const Header& h) {
    return {{"model", h.model},
            {"serial", h.serial},
            {"firmware_version", h.firmware_version},
            {"schema_version", h.schema_version},
            {"created", h.created},
            {"description", h.description}};
}

std::string text_field(const json& o, const char* key, std::size_t max) {
    if (!o.contains(key) || !o[key].is_string()) throw ConfigError(std::string("the header's \"") + key + "\" must be text");
    const auto& s = o[key].get_ref<const std::string&>();
    if (s.size() > max) throw ConfigError(std::string("the header's \"") + key + "\" is longer than " + std::to_string(max) + " characters");
    return s;
}

// The integrity check: SHA-256 over the body as written (every field but "integrity", compact, keys sorted).
std::string integrity(const json& body) {
    const auto text = body.dump();
    return "sha256:" + a2up::sha256_hex(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

std::span<const ClassificationRule> classification_rules() { return rules; }

std::optional<Classification> classify(const std::string& key) {
    for (const auto& r : rules) {
        const std::string p = r.prefix;
        const bool section = p.back() == '.' || p.back() == '_';
        if (section ? starts(key, r.prefix) : key == p) return Classification{r.included, r.why};
    }
    return std::nullopt;
}

std::string ConfigFile::write(const std::optional<Key>& family_key) const {
    json body{{"format", format_name}, {"format_version", format_version}, {"header", header_json(header)}, {"settings", settings}};
    if (family_key && !secrets.empty()) body["secrets"] = seal(secrets, body["header"].dump(), *family_key);
    body["integrity"] = integrity(body);
    return body.dump(1) + "\n";
}

ConfigFile ConfigFile::read(const std::string& text, const std::optional<Key>& family_key) {
    if (text.size() > max_file_size)
        throw ConfigError("the file is " + std::to_string(text.size()) + " octets; a configuration file is at most " + std::to_string(max_file_size));
    json doc;
    try {
        doc = parse_json_input(text, "the configuration file", {max_file_size, max_depth});
    } catch (const JsonInputError& e) {
        throw ConfigError(e.what());
    }
    if (!doc.is_object() || doc.value("format", json()) != format_name) throw ConfigError("not a .conf.ehm configuration file (no \"format\": \"acurev-conf-ehm\")");
    if (doc.value("format_version", json()) != format_version)
        throw ConfigError("configuration file format version " + doc.value("format_version", json()).dump() + " is not known (this firmware reads " +
                          std::to_string(format_version) + ")");
    for (const auto& [k, v] : doc.items())
        if (k != "format" && k != "format_version" && k != "header" && k != "settings" && k != "secrets" && k != "integrity")
            throw ConfigError("the file has an unknown field \"" + k + "\"");
    if (!doc.contains("integrity") || !doc["integrity"].is_string()) throw ConfigError("the file has no integrity check (it is truncated or altered)");
    const std::string check = doc["integrity"];
    doc.erase("integrity");
    if (integrity(doc) != check) throw ConfigError("the integrity check does not match: the file is altered or damaged");
    if (!doc.contains("header") || !doc["header"].is_object()) throw ConfigError("the file has no header");
    if (!doc.contains("settings") || !doc["settings"].is_object()) throw ConfigError("the file's \"settings\" must be an object of key: value");
    const auto& h = doc["header"];
    ConfigFile f;
    f.header.model = text_field(h, "model", 64);
    f.header.serial = text_field(h, "serial", 64);
    f.header.firmware_version = text_field(h, "firmware_version", 32);
    f.header.created = text_field(h, "created", 40);
    f.header.description = text_field(h, "description", 256);
    if (!h.contains("schema_version") || !h["schema_version"].is_number_integer() || h["schema_version"].get<std::int64_t>() < 1 ||
        h["schema_version"].get<std::int64_t>() > 1000)
        throw ConfigError("the header's \"schema_version\" must be a whole number from 1");
    f.header.schema_version = h["schema_version"].get<int>();
    f.settings = doc["settings"];
    if (doc.contains("secrets")) {
        if (!family_key) throw ConfigError("the file's secrets are sealed with a device family key, and this module has none installed");
        f.secrets = open(doc["secrets"], h.dump(), *family_key);
        f.secrets_sealed = true;
    }
    return f;
}

}  // namespace fw::config
