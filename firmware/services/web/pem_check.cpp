#include "services/web/pem_check.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace fw::pem {

namespace {

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bio bio_of(const std::string& text) { return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free); }

// A passphrase callback that gives none: an encrypted key is refused instead of prompting.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::pair<std::vector<std::string>, std::string> certificate_subjects(const std::string& text, std::size_t max) {
    static const std::string begin = "-----BEGIN CERTIFICATE-----";
    std::size_t blocks = 0;
    for (auto at = text.find(begin); at != std::string::npos; at = text.find(begin, at + begin.size())) ++blocks;
    if (blocks == 0) return {{}, "no PEM certificate (-----BEGIN CERTIFICATE-----) in it"};
    if (blocks > max) return {{}, "at most " + std::to_string(max) + " certificates, got " + std::to_string(blocks)};
    auto bio = bio_of(text);
    std::vector<std::string> subjects;
    while (subjects.size() < blocks) {
        Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
        if (!cert) {
            ERR_clear_error();
            return {{}, "certificate " + std::to_string(subjects.size() + 1) + " of " + std::to_string(blocks) + " is not a whole X.509 certificate"};
        }
        char name[256];
        X509_NAME_oneline(X509_get_subject_name(cert.get()), name, sizeof name);
        subjects.emplace_back(name);
    }
    return {subjects, ""};
}

std::string private_key_problem(const std::string& text) {
    if (text.find("-----BEGIN") == std::string::npos || text.find("PRIVATE KEY-----") == std::string::npos)
        return "no PEM private key (-----BEGIN PRIVATE KEY-----) in it";
    if (text.find("ENCRYPTED") != std::string::npos) return "the private key is encrypted; give it without a passphrase";
    auto bio = bio_of(text);
    Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_passphrase, nullptr), EVP_PKEY_free);
    ERR_clear_error();
    return key ? "" : "the private key is not a whole PEM key";
}

std::string key_matches_certificate(const std::string& certificate, const std::string& key_text) {
    auto cb = bio_of(certificate);
    auto kb = bio_of(key_text);
    Cert cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr), X509_free);
    Key key(PEM_read_bio_PrivateKey(kb.get(), nullptr, &no_passphrase, nullptr), EVP_PKEY_free);
    const bool ok = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
    ERR_clear_error();
    return ok ? "" : "the private key does not belong to the certificate";
}

nlohmann::json saved_state(const hal::Storage& storage, const char* name, bool certificates) {
    const auto text = storage.read(name);
    nlohmann::json j{{"present", text.has_value()}};
    if (certificates) {
        nlohmann::json subjects = nlohmann::json::array();
        if (text)
            for (const auto& s : certificate_subjects(*text, 100).first) subjects.push_back(s);
        j["certificates"] = subjects;
    }
    return j;
}

}  // namespace fw::pem
