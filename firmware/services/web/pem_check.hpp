#pragma once
// Uploaded PEM files (the post channels' CA, MQTT's CA, certificate and key): checked whole before a
// byte is saved, with the reason when they are not what they claim to be.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hal/storage.hpp"

namespace fw::pem {

// The subjects of the certificates in `text` (1 to `max`, each "-----BEGIN CERTIFICATE-----" block a
// whole X.509 certificate), or the reason.
std::pair<std::vector<std::string>, std::string> certificate_subjects(const std::string& text, std::size_t max);
// Empty when `text` is one whole PEM private key (unencrypted), else the reason.
std::string private_key_problem(const std::string& text);
// Empty when the private key belongs to the first certificate, else the reason.
std::string key_matches_certificate(const std::string& certificate, const std::string& key);

// What a saved PEM file of the data dir holds, for the pages: {"present"} and, for certificates,
// {"certificates": [subjects]}.
nlohmann::json saved_state(const hal::Storage& storage, const char* name, bool certificates);

}  // namespace fw::pem
