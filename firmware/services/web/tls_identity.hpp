#pragma once
// The web server's certificate and key (web manual 6.1 "SSL Certificate"; ARCHITECTURE "Security"):
// a per-device self-signed certificate made at first boot and kept in the data directory, or one
// uploaded by the Admin, checked before it replaces the old one.
#include <optional>
#include <string>
#include <vector>

#include "hal/storage.hpp"
#include "hal/time.hpp"

namespace fw {

struct TlsIdentity {
    std::string certificate_pem;
    std::string private_key_pem;

    static constexpr const char* certificate_file = "web-cert.pem";
    static constexpr const char* key_file = "web-key.pem";

    // ECDSA P-256, valid 10 years from `now` (the device clock, UTC), CN `common_name`, the
    // subject alternative names given (IP addresses or DNS names).
    static TlsIdentity make_self_signed(const std::string& common_name, const std::vector<std::string>& alt_names, hal::Time now);
    // What is wrong with a certificate and key pair at `now`: unreadable, not matching, expired.
    static std::optional<std::string> check(const std::string& certificate_pem, const std::string& private_key_pem, hal::Time now);
    // The pair kept in `storage`, or a new one saved there when there is none (first boot) or the
    // kept one no longer checks (said in `note`).
    static TlsIdentity load_or_make(hal::Storage& storage, const std::string& common_name, const std::vector<std::string>& alt_names,
                                    hal::Time now, std::string& note);
    void save(hal::Storage& storage) const;  // the key first: a torn pair never checks
};

}  // namespace fw
