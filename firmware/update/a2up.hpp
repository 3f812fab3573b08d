#pragma once
// The `.a2up` firmware package (our own format; docs/update.md). In order:
//   "A2UP" 0x00 0x01          magic and format version 1
//   u32 big-endian N, N octets the manifest (JSON, UTF-8)
//   u32 big-endian S, S octets the Ed25519 signature over the manifest's octets (S = 64)
//   the payloads' stored octets, one after the other, in manifest order
// The manifest names the model, version, build, critical flag, the minimum version it updates from,
// whether it may go to an older version, release notes, and per payload its name, stored size and
// SHA-256 of the stored octets; an encrypted payload (AES-256-GCM under the device family's key) also
// carries its IV and tag and the SHA-256 of the plain octets. Because the manifest and its signature
// come first, a reader refuses a package before it writes one payload octet (a bad signature, another
// model, an older version), and checks each payload's hash as it streams (truncation, corruption).
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace fw::a2up {

using Bytes = std::vector<std::uint8_t>;

struct PackageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Version {
    int major = 0, minor = 0, patch = 0;
    static std::optional<Version> parse(const std::string& text);  // "X.Y.Z", each 0-65535
    std::string text() const;
    auto operator<=>(const Version&) const = default;
};

struct Payload {
    std::string name;               // "firmware"
    std::uint64_t size = 0;         // stored octets
    std::string sha256;             // of the stored octets, lowercase hex
    bool encrypted = false;
    std::string iv, tag;            // AES-256-GCM, hex (12 and 16 octets)
    std::string plain_sha256;       // of the decrypted octets (encrypted payloads)
};

struct Manifest {
    int format = 1;
    std::string model;               // "AcuRev 2100-WEB2"
    Version version;
    std::string build;               // free text: a commit, a date
    bool critical = false;           // auto update "Critical only" takes it
    Version min_version;             // the oldest running version it may update
    bool allow_downgrade = false;    // may replace a newer running version
    std::string release_notes;
    std::vector<Payload> payloads;
    std::string json() const;
    static Manifest parse(std::span<const std::uint8_t> json);  // throws PackageError naming what is wrong
};

// Keys: Ed25519 in PEM (PKCS#8 private key, SubjectPublicKeyInfo public key), the family key as 64 hex digits.
struct KeyPair {
    std::string private_pem, public_pem;
};
KeyPair generate_signing_key();
std::array<std::uint8_t, 32> generate_family_key();
std::array<std::uint8_t, 32> parse_family_key(const std::string& hex);  // throws PackageError

// Builds a whole package in memory (packages are a few MB).
struct BuildInput {
    Manifest manifest;                                   // payload entries are filled in from `payloads`
    std::vector<std::pair<std::string, Bytes>> payloads;  // name, plain octets
    std::optional<std::array<std::uint8_t, 32>> family_key;  // set: every payload encrypted
};
Bytes build(const BuildInput& input, const std::string& private_pem);

// Checks a package as it arrives, octet by octet (an upload, a download): feed() the octets in any
// pieces; once the manifest and signature are in, `accept` is asked whether to go on (model, version
// rules) before any payload octet is handed to `sink`; a payload's hash is checked when its last octet
// is in. Any failure throws PackageError and nothing more reaches `sink`. finish() throws when octets
// are missing. Decryption needs the family key when a payload is encrypted.
class StreamReader {
public:
    using Accept = std::function<void(const Manifest&)>;  // throws PackageError to refuse
    using Sink = std::function<void(const Payload&, std::span<const std::uint8_t> plain)>;
    StreamReader(std::string public_pem, Accept accept, Sink sink, std::optional<std::array<std::uint8_t, 32>> family_key = std::nullopt);
    ~StreamReader();
    StreamReader(const StreamReader&) = delete;
    StreamReader& operator=(const StreamReader&) = delete;

    // Without the family key: check encrypted payloads' stored octets only (signature, sizes, SHA-256),
    // handing nothing of them to the sink (acurev-pkg verify by someone who holds no family key).
    void stored_only() { stored_only_ = true; }
    void feed(std::span<const std::uint8_t> data);
    void finish();
    const std::optional<Manifest>& manifest() const { return manifest_; }
    std::uint64_t received() const { return received_; }
    std::uint64_t total() const;  // known once the manifest is in (0 before)

    static constexpr std::size_t max_manifest = 64 * 1024;

private:
    struct Hashing;
    void start_payload();
    void end_payload();

    std::string public_pem_;
    Accept accept_;
    Sink sink_;
    std::optional<std::array<std::uint8_t, 32>> family_key_;
    enum class Stage { header, manifest_length, manifest, signature_length, signature, payloads, done } stage_ = Stage::header;
    Bytes buffer_;
    std::size_t want_ = 6;
    Bytes manifest_bytes_;
    std::optional<Manifest> manifest_;
    std::size_t payload_ = 0;
    std::uint64_t payload_left_ = 0;
    std::unique_ptr<Hashing> hashing_;
    std::uint64_t received_ = 0;
    bool failed_ = false;
    bool stored_only_ = false;
};

// Reads a whole package (acurev-pkg verify): the manifest, the payloads checked and decrypted (without
// the family key, encrypted payloads are checked as stored and not returned).
struct Checked {
    Manifest manifest;
    std::vector<std::pair<std::string, Bytes>> payloads;
};
Checked verify(std::span<const std::uint8_t> package, const std::string& public_pem,
               std::optional<std::array<std::uint8_t, 32>> family_key = std::nullopt);
// The manifest without checking the signature (inspect of a package whose key is not at hand).
Manifest peek_manifest(std::span<const std::uint8_t> package);

std::string sha256_hex(std::span<const std::uint8_t> data);

}  // namespace fw::a2up
