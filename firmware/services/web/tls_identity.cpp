#include "services/web/tls_identity.hpp"

#include <ctime>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace fw {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

std::string openssl_error(const std::string& what) {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    char buf[256] = {0};
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    return what + (e ? std::string(": ") + buf : std::string());
}

std::time_t seconds_of(hal::Time t) { return static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(t).count()); }

std::string bio_text(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Bio memory_of(const std::string& text) { return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))); }

}  // namespace

TlsIdentity TlsIdentity::make_self_signed(const std::string& common_name, const std::vector<std::string>& alt_names, hal::Time now) {
    Key key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error(openssl_error("cannot make the certificate's key"));
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) throw std::runtime_error(openssl_error("the random generator failed"));
    serial[0] &= 0x7F;  // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    // The device clock, not the host's: X509_gmtime_adj would read the wall clock.
    const std::time_t t = seconds_of(now);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), t - 3600);  // an hour of slack for a client clock behind
    ASN1_TIME_adj(X509_getm_notAfter(cert.get()), t, 3650, 0);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto add = [name](const char* field, const std::string& v) {
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
    };
    add("O", "AcuRev 2100 WEB2");
    add("CN", common_name);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    std::string san;
    for (const auto& a : alt_names) {
        const bool ip = !a.empty() && a.find_first_not_of("0123456789.:abcdefABCDEF") == std::string::npos && a.find_first_of(".:") != std::string::npos;
        san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + a;
    }
    // Self-signed, so a client that trusts the downloaded certificate treats it as its own anchor:
    // OpenSSL (and Python, curl) accept an anchor only with CA:TRUE and keyCertSign. pathlen:0 keeps
    // it from vouching for any certificate but itself.
    const std::pair<int, std::string> extensions[] = {
        {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
        {NID_subject_key_identifier, "hash"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_alt_name, san},
    };
    for (const auto& [nid, value] : extensions) {
        if (value.empty()) continue;
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (!ext) throw std::runtime_error(openssl_error("cannot add a certificate extension '" + value + "'"));
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (!X509_sign(cert.get(), key.get(), EVP_sha256())) throw std::runtime_error(openssl_error("cannot sign the certificate"));

    TlsIdentity id;
    Bio c(BIO_new(BIO_s_mem())), k(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(c.get(), cert.get());
    PEM_write_bio_PrivateKey(k.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    id.certificate_pem = bio_text(c.get());
    id.private_key_pem = bio_text(k.get());
    return id;
}

std::optional<std::string> TlsIdentity::check(const std::string& certificate_pem, const std::string& private_key_pem, hal::Time now) {
    if (certificate_pem.size() > 64 * 1024 || private_key_pem.size() > 64 * 1024) return "the certificate or key is larger than 64 KiB";
    auto cb = memory_of(certificate_pem);
    Cert cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
    if (!cert) return openssl_error("the certificate is not a PEM X.509 certificate");
    auto kb = memory_of(private_key_pem);
    Key key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
    if (!key) return openssl_error("the private key is not an unencrypted PEM private key");
    if (X509_check_private_key(cert.get(), key.get()) != 1) return openssl_error("the private key does not match the certificate");
    std::time_t t = seconds_of(now);
    if (X509_cmp_time(X509_get0_notAfter(cert.get()), &t) < 0) return "the certificate has expired";
    ERR_clear_error();
    return std::nullopt;
}

TlsIdentity TlsIdentity::load_or_make(hal::Storage& storage, const std::string& common_name, const std::vector<std::string>& alt_names,
                                      hal::Time now, std::string& note) {
    const auto cert = storage.read(certificate_file);
    const auto key = storage.read(key_file);
    if (cert && key) {
        const auto problem = check(*cert, *key, now);
        if (!problem) return {*cert, *key};
        note = "the kept certificate was replaced by a new self-signed one: " + *problem;
    }
    TlsIdentity id = make_self_signed(common_name, alt_names, now);
    id.save(storage);
    return id;
}

void TlsIdentity::save(hal::Storage& storage) const {
    storage.write_atomic(key_file, private_key_pem);
    storage.write_atomic(certificate_file, certificate_pem);
}

}  // namespace fw
