#include "update/a2up.hpp"

#include <cctype>
#include <cstring>
#include <set>
#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "core/hex.hpp"

namespace fw::a2up {

namespace {

constexpr std::uint8_t magic[6] = {'A', '2', 'U', 'P', 0x00, 0x01};
constexpr std::size_t signature_size = 64, iv_size = 12, tag_size = 16;

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

std::string openssl_error(const std::string& what) {
    const unsigned long e = ERR_get_error();
    char text[256] = "";
    if (e) ERR_error_string_n(e, text, sizeof text);
    return what + (e ? std::string(": ") + text : std::string());
}

Bytes unhex(const std::string& text, std::size_t size, const char* what) {
    if (text.size() != 2 * size) throw PackageError(std::string(what) + " must be " + std::to_string(2 * size) + " hex digits");
    auto b = from_hex(text);
    if (!b) throw PackageError(std::string(what) + " is not hex");
    return std::move(*b);
}

void put_u32(Bytes& out, std::size_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

Owned<EVP_PKEY> read_key(const std::string& pem, bool is_private) {
    Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Owned<EVP_PKEY> key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                   : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) throw PackageError(is_private ? "the signing key is not a PEM private key" : "the public key is not a PEM public key");
    if (EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519)
        throw PackageError(is_private ? "the signing key is not an Ed25519 key" : "the public key is not an Ed25519 key");
    return key;
}

Bytes sign(std::span<const std::uint8_t> message, const std::string& private_pem) {
    auto key = read_key(private_pem, true);
    Owned<EVP_MD_CTX> md(EVP_MD_CTX_new());
    Bytes sig(signature_size);
    std::size_t len = sig.size();
    if (EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != signature_size)
        throw PackageError(openssl_error("Ed25519 signing failed"));
    return sig;
}

bool signature_good(std::span<const std::uint8_t> message, std::span<const std::uint8_t> sig, const std::string& public_pem) {
    auto key = read_key(public_pem, false);
    Owned<EVP_MD_CTX> md(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1) throw PackageError(openssl_error("Ed25519 verify"));
    return EVP_DigestVerify(md.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

}  // namespace

std::string sha256_hex(std::span<const std::uint8_t> data) {
    std::uint8_t d[32];
    unsigned n = 0;
    EVP_Digest(data.data(), data.size(), d, &n, EVP_sha256(), nullptr);
    return to_hex(std::span(d, n));
}

// ---- Version, Manifest ----

std::optional<Version> Version::parse(const std::string& text) {
    Version v;
    int* parts[] = {&v.major, &v.minor, &v.patch};
    std::size_t p = 0;
    for (int i = 0; i < 3; ++i) {
        if (p >= text.size() || !std::isdigit(static_cast<unsigned char>(text[p]))) return std::nullopt;
        long n = 0;
        std::size_t digits = 0;
        while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) {
            n = n * 10 + (text[p++] - '0');
            if (++digits > 5 || n > 65535) return std::nullopt;
        }
        *parts[i] = static_cast<int>(n);
        if (i < 2) {
            if (p >= text.size() || text[p] != '.') return std::nullopt;
            ++p;
        }
    }
    if (p != text.size()) return std::nullopt;
    return v;
}

std::string Version::text() const { return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch); }

std::string Manifest::json() const {
    nlohmann::json j{{"format", format},
                     {"model", model},
                     {"version", version.text()},
                     {"build", build},
                     {"critical", critical},
                     {"min_version", min_version.text()},
                     {"allow_downgrade", allow_downgrade},
                     {"release_notes", release_notes},
                     {"payloads", nlohmann::json::array()}};
    for (const auto& p : payloads) {
        nlohmann::json e{{"name", p.name}, {"size", p.size}, {"sha256", p.sha256}};
        if (p.encrypted) e["encryption"] = {{"algorithm", "AES-256-GCM"}, {"iv", p.iv}, {"tag", p.tag}, {"plain_sha256", p.plain_sha256}};
        j["payloads"].push_back(e);
    }
    return j.dump(2) + "\n";
}

Manifest Manifest::parse(std::span<const std::uint8_t> bytes) {
    nlohmann::json j;
    try {
        // Depth is bounded by the manifest's size limit; nlohmann parses iteratively enough for 64 KiB.
        j = nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& e) {
        throw PackageError(std::string("the manifest is not JSON: ") + e.what());
    }
    auto need = [&](const nlohmann::json& o, const char* key, nlohmann::json::value_t type) -> const nlohmann::json& {
        if (!o.is_object() || !o.contains(key)) throw PackageError(std::string("the manifest has no ") + key);
        const auto& v = o.at(key);
        const bool number = type == nlohmann::json::value_t::number_unsigned;
        if (number ? !v.is_number_unsigned() : v.type() != type) throw PackageError(std::string("the manifest's ") + key + " has the wrong type");
        return v;
    };
    using T = nlohmann::json::value_t;
    Manifest m;
    m.format = static_cast<int>(need(j, "format", T::number_unsigned).get<unsigned>());
    if (m.format != 1) throw PackageError("manifest format " + std::to_string(m.format) + " is not known (1 is)");
    m.model = need(j, "model", T::string).get<std::string>();
    auto version = [&](const char* key) {
        const auto v = Version::parse(need(j, key, T::string).get<std::string>());
        if (!v) throw PackageError(std::string("the manifest's ") + key + " is not X.Y.Z");
        return *v;
    };
    m.version = version("version");
    m.min_version = version("min_version");
    m.build = need(j, "build", T::string).get<std::string>();
    m.critical = need(j, "critical", T::boolean).get<bool>();
    m.allow_downgrade = need(j, "allow_downgrade", T::boolean).get<bool>();
    m.release_notes = need(j, "release_notes", T::string).get<std::string>();
    const auto& list = need(j, "payloads", T::array);
    if (list.empty() || list.size() > 8) throw PackageError("a package holds 1-8 payloads");
    std::set<std::string> names;
    for (const auto& e : list) {
        Payload p;
        p.name = need(e, "name", T::string).get<std::string>();
        if (p.name.empty() || p.name.size() > 64 || !names.insert(p.name).second)
            throw PackageError("payload names are 1-64 characters and each once, got '" + p.name.substr(0, 64) + "'");
        p.size = need(e, "size", T::number_unsigned).get<std::uint64_t>();
        p.sha256 = need(e, "sha256", T::string).get<std::string>();
        unhex(p.sha256, 32, "a payload's sha256");
        if (e.contains("encryption")) {
            const auto& c = need(e, "encryption", T::object);
            if (need(c, "algorithm", T::string).get<std::string>() != "AES-256-GCM") throw PackageError("a payload's encryption is not AES-256-GCM");
            p.encrypted = true;
            p.iv = need(c, "iv", T::string).get<std::string>();
            p.tag = need(c, "tag", T::string).get<std::string>();
            p.plain_sha256 = need(c, "plain_sha256", T::string).get<std::string>();
            unhex(p.iv, iv_size, "a payload's iv");
            unhex(p.tag, tag_size, "a payload's tag");
            unhex(p.plain_sha256, 32, "a payload's plain_sha256");
        }
        m.payloads.push_back(std::move(p));
    }
    return m;
}

// ---- keys ----

KeyPair generate_signing_key() {
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
        throw PackageError(openssl_error("Ed25519 key generation failed"));
    Owned<EVP_PKEY> key(raw);
    auto pem = [&](bool is_private) {
        Owned<BIO> bio(BIO_new(BIO_s_mem()));
        const int ok = is_private ? PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
                                  : PEM_write_bio_PUBKEY(bio.get(), key.get());
        if (ok != 1) throw PackageError(openssl_error("writing the key"));
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(n));
    };
    return {pem(true), pem(false)};
}

std::array<std::uint8_t, 32> generate_family_key() {
    std::array<std::uint8_t, 32> k{};
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw PackageError(openssl_error("no random octets"));
    return k;
}

std::array<std::uint8_t, 32> parse_family_key(const std::string& text) {
    std::string t = text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    const auto b = unhex(t, 32, "the family key");
    std::array<std::uint8_t, 32> k{};
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

// ---- build ----

Bytes build(const BuildInput& input, const std::string& private_pem) {
    Manifest m = input.manifest;
    m.payloads.clear();
    std::vector<Bytes> stored;
    for (const auto& [name, plain] : input.payloads) {
        Payload p;
        p.name = name;
        if (input.family_key) {
            Bytes iv(iv_size);
            if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) throw PackageError(openssl_error("no random octets"));
            Owned<EVP_CIPHER_CTX> c(EVP_CIPHER_CTX_new());
            Bytes out(plain.size() + 16);
            int n = 0, fin = 0;
            std::uint8_t tag[tag_size];
            if (EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, input.family_key->data(), iv.data()) != 1 ||
                EVP_EncryptUpdate(c.get(), out.data(), &n, plain.data(), static_cast<int>(plain.size())) != 1 ||
                EVP_EncryptFinal_ex(c.get(), out.data() + n, &fin) != 1 ||
                EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), tag) != 1)
                throw PackageError(openssl_error("AES-256-GCM encryption failed"));
            out.resize(static_cast<std::size_t>(n + fin));
            p.encrypted = true;
            p.iv = to_hex(iv);
            p.tag = to_hex(std::span(tag, tag_size));
            p.plain_sha256 = sha256_hex(plain);
            stored.push_back(std::move(out));
        } else {
            stored.push_back(plain);
        }
        p.size = stored.back().size();
        p.sha256 = sha256_hex(stored.back());
        m.payloads.push_back(p);
    }
    const std::string json = m.json();
    const Bytes manifest(json.begin(), json.end());
    if (manifest.size() > StreamReader::max_manifest) throw PackageError("the manifest is larger than 64 KiB (the release notes?)");
    Bytes out(std::begin(magic), std::end(magic));
    put_u32(out, manifest.size());
    out.insert(out.end(), manifest.begin(), manifest.end());
    const Bytes sig = sign(manifest, private_pem);
    put_u32(out, sig.size());
    out.insert(out.end(), sig.begin(), sig.end());
    for (const auto& s : stored) out.insert(out.end(), s.begin(), s.end());
    return out;
}

// ---- streaming reader ----

struct StreamReader::Hashing {
    Owned<EVP_MD_CTX> stored{EVP_MD_CTX_new()}, plain{EVP_MD_CTX_new()};
    Owned<EVP_CIPHER_CTX> cipher;
    Bytes out;
};

StreamReader::StreamReader(std::string public_pem, Accept accept, Sink sink, std::optional<std::array<std::uint8_t, 32>> family_key)
    : public_pem_(std::move(public_pem)), accept_(std::move(accept)), sink_(std::move(sink)), family_key_(family_key) {}

StreamReader::~StreamReader() = default;

std::uint64_t StreamReader::total() const {
    if (!manifest_) return 0;
    std::uint64_t t = 6 + 4 + manifest_bytes_.size() + 4 + signature_size;
    for (const auto& p : manifest_->payloads) t += p.size;
    return t;
}

void StreamReader::start_payload() {
    while (payload_ < manifest_->payloads.size() && manifest_->payloads[payload_].size == 0) {
        hashing_ = std::make_unique<Hashing>();
        EVP_DigestInit_ex(hashing_->stored.get(), EVP_sha256(), nullptr);
        EVP_DigestInit_ex(hashing_->plain.get(), EVP_sha256(), nullptr);
        if (manifest_->payloads[payload_].encrypted) throw PackageError("an encrypted payload of no octets");
        end_payload();
    }
    if (payload_ >= manifest_->payloads.size()) {
        stage_ = Stage::done;
        return;
    }
    const auto& p = manifest_->payloads[payload_];
    payload_left_ = p.size;
    hashing_ = std::make_unique<Hashing>();
    EVP_DigestInit_ex(hashing_->stored.get(), EVP_sha256(), nullptr);
    EVP_DigestInit_ex(hashing_->plain.get(), EVP_sha256(), nullptr);
    if (p.encrypted && !stored_only_) {
        if (!family_key_) throw PackageError("payload '" + p.name + "' is encrypted and this device has no family key");
        hashing_->cipher.reset(EVP_CIPHER_CTX_new());
        const Bytes iv = unhex(p.iv, iv_size, "iv");
        if (EVP_DecryptInit_ex(hashing_->cipher.get(), EVP_aes_256_gcm(), nullptr, family_key_->data(), iv.data()) != 1)
            throw PackageError(openssl_error("AES-256-GCM"));
    }
}

void StreamReader::end_payload() {
    const auto& p = manifest_->payloads[payload_];
    std::uint8_t d[32];
    unsigned n = 0;
    EVP_DigestFinal_ex(hashing_->stored.get(), d, &n);
    if (to_hex(std::span(d, n)) != p.sha256) throw PackageError("payload '" + p.name + "' does not match its SHA-256 (corrupted)");
    if (p.encrypted && !stored_only_) {
        Bytes tag = unhex(p.tag, tag_size, "tag");
        std::uint8_t rest[32];
        int len = 0;
        if (EVP_CIPHER_CTX_ctrl(hashing_->cipher.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) != 1 ||
            EVP_DecryptFinal_ex(hashing_->cipher.get(), rest, &len) != 1)
            throw PackageError("payload '" + p.name + "' does not decrypt with this device's family key");
        EVP_DigestFinal_ex(hashing_->plain.get(), d, &n);
        if (to_hex(std::span(d, n)) != p.plain_sha256) throw PackageError("payload '" + p.name + "' decrypts to other octets than signed");
    }
    hashing_.reset();
    ++payload_;
}

void StreamReader::feed(std::span<const std::uint8_t> data) {
    if (failed_) throw PackageError("the package was already refused");
    try {
        received_ += data.size();
        while (!data.empty()) {
            if (stage_ == Stage::done) throw PackageError("octets after the last payload");
            if (stage_ == Stage::payloads) {
                const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, data.size()));
                const auto piece = data.first(n);
                EVP_DigestUpdate(hashing_->stored.get(), piece.data(), piece.size());
                const auto& p = manifest_->payloads[payload_];
                if (p.encrypted && stored_only_) {
                    // checked as stored, never handed on
                } else if (p.encrypted) {
                    hashing_->out.resize(piece.size() + 16);
                    int len = 0;
                    if (EVP_DecryptUpdate(hashing_->cipher.get(), hashing_->out.data(), &len, piece.data(), static_cast<int>(piece.size())) != 1)
                        throw PackageError(openssl_error("AES-256-GCM"));
                    const auto plain = std::span<const std::uint8_t>(hashing_->out).first(static_cast<std::size_t>(len));
                    EVP_DigestUpdate(hashing_->plain.get(), plain.data(), plain.size());
                    sink_(p, plain);
                } else {
                    sink_(p, piece);
                }
                payload_left_ -= n;
                data = data.subspan(n);
                if (payload_left_ == 0) {
                    end_payload();
                    start_payload();
                }
                continue;
            }
            const auto n = std::min(want_ - buffer_.size(), data.size());
            buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
            data = data.subspan(n);
            if (buffer_.size() < want_) break;
            auto u32 = [&] { return (std::uint32_t{buffer_[0]} << 24) | (std::uint32_t{buffer_[1]} << 16) | (std::uint32_t{buffer_[2]} << 8) | buffer_[3]; };
            switch (stage_) {
                case Stage::header:
                    if (std::memcmp(buffer_.data(), magic, 4) != 0) throw PackageError("not an .a2up package");
                    if (buffer_[4] != magic[4] || buffer_[5] != magic[5]) throw PackageError("an .a2up package of another format version");
                    stage_ = Stage::manifest_length, want_ = 4;
                    break;
                case Stage::manifest_length: {
                    const auto len = u32();
                    if (len == 0 || len > max_manifest) throw PackageError("a manifest of " + std::to_string(len) + " octets (1-65536)");
                    stage_ = Stage::manifest, want_ = len;
                    break;
                }
                case Stage::manifest:
                    manifest_bytes_ = buffer_;
                    stage_ = Stage::signature_length, want_ = 4;
                    break;
                case Stage::signature_length:
                    if (u32() != signature_size) throw PackageError("a signature of " + std::to_string(u32()) + " octets (Ed25519 has 64)");
                    stage_ = Stage::signature, want_ = signature_size;
                    break;
                case Stage::signature: {
                    // The signature first: nothing in an unsigned manifest is believed, not even its JSON.
                    if (!signature_good(manifest_bytes_, buffer_, public_pem_)) throw PackageError("the signature does not verify with this key");
                    manifest_ = Manifest::parse(manifest_bytes_);
                    if (accept_) accept_(*manifest_);
                    stage_ = Stage::payloads;
                    start_payload();
                    break;
                }
                default: break;
            }
            buffer_.clear();
        }
    } catch (...) {
        failed_ = true;
        throw;
    }
}

void StreamReader::finish() {
    if (failed_) throw PackageError("the package was refused");
    if (stage_ != Stage::done) {
        failed_ = true;
        throw PackageError(stage_ == Stage::payloads ? "the package is truncated: payload '" + manifest_->payloads[payload_].name + "' lacks " +
                                                           std::to_string(payload_left_) + " octets"
                                                     : std::string("the package is truncated before its payloads"));
    }
}

Checked verify(std::span<const std::uint8_t> package, const std::string& public_pem, std::optional<std::array<std::uint8_t, 32>> family_key) {
    Checked out;
    StreamReader r(public_pem, nullptr,
                   [&](const Payload& p, std::span<const std::uint8_t> plain) {
                       if (out.payloads.empty() || out.payloads.back().first != p.name) out.payloads.emplace_back(p.name, Bytes{});
                       out.payloads.back().second.insert(out.payloads.back().second.end(), plain.begin(), plain.end());
                   },
                   family_key);
    if (!family_key) r.stored_only();
    r.feed(package);
    r.finish();
    out.manifest = *r.manifest();
    return out;
}

Manifest peek_manifest(std::span<const std::uint8_t> package) {
    if (package.size() < 10 || std::memcmp(package.data(), magic, 6) != 0) throw PackageError("not an .a2up package (format 1)");
    const std::size_t len = (std::size_t{package[6]} << 24) | (std::size_t{package[7]} << 16) | (std::size_t{package[8]} << 8) | package[9];
    if (len == 0 || len > StreamReader::max_manifest || package.size() < 10 + len) throw PackageError("the package is truncated in its manifest");
    return Manifest::parse(package.subspan(10, len));
}

}  // namespace fw::a2up
