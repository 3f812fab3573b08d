// acurev-pkg: makes and checks `.a2up` firmware packages (docs/update.md).
//   acurev-pkg keygen DIR                 writes DIR/signing.key (keep it secret) and DIR/signing.pub
//   acurev-pkg family-key FILE            writes a device-family AES-256 key (64 hex digits)
//   acurev-pkg build --key K --model M --version X.Y.Z --payload FILE --out P.a2up [options]
//   acurev-pkg inspect P.a2up             prints the manifest (the signature is not checked)
//   acurev-pkg verify --pub K.pub P.a2up  exit 0 when the signature, every hash and the size are good
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/hex.hpp"
#include "update/a2up.hpp"

namespace {

using fw::a2up::Bytes;

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw fw::a2up::PackageError("cannot read " + path);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::string read_text(const std::string& path) {
    const auto b = read_file(path);
    return std::string(b.begin(), b.end());
}

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data, bool secret) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw fw::a2up::PackageError("cannot write " + tmp);
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        if (!out.flush()) throw fw::a2up::PackageError("cannot write " + tmp);
    }
    if (secret) std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::rename(tmp, path);
}

void write_text(const std::filesystem::path& path, const std::string& text, bool secret) {
    write_file(path, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), secret);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 firmware packages (.a2up): make, inspect and verify"};
    app.require_subcommand(1);
    std::string dir, family_file, key, model = "AcuRev 2100-WEB2", version, min_version = "0.0.0", build_id, notes, payload, payload_name = "firmware",
                                      out, package, pub, encrypt;
    bool critical = false, downgrade = false;
    auto* keygen = app.add_subcommand("keygen", "write DIR/signing.key and DIR/signing.pub (Ed25519)");
    keygen->add_option("DIR", dir)->required();
    auto* family = app.add_subcommand("family-key", "write a device-family AES-256-GCM key (64 hex digits)");
    family->add_option("FILE", family_file)->required();
    auto* make = app.add_subcommand("build", "build a signed package");
    make->add_option("--key", key, "the signing key (PEM)")->required();
    make->add_option("--model", model, "the model it is for")->capture_default_str();
    make->add_option("--version", version, "X.Y.Z")->required();
    make->add_option("--min-version", min_version, "the oldest running version it may update (X.Y.Z)")->capture_default_str();
    make->add_option("--build", build_id, "a build id (commit, date)");
    make->add_option("--notes", notes, "release notes");
    make->add_flag("--critical", critical, "a critical update (auto update 'Critical only' takes it)");
    make->add_flag("--allow-downgrade", downgrade, "it may replace a newer running version");
    make->add_option("--payload", payload, "the payload file (the firmware image)")->required();
    make->add_option("--payload-name", payload_name, "the payload's name")->capture_default_str();
    make->add_option("--encrypt", encrypt, "encrypt the payload with this family key file");
    make->add_option("--out", out, "the package to write")->required();
    auto* inspect = app.add_subcommand("inspect", "print a package's manifest");
    inspect->add_option("PACKAGE", package)->required();
    auto* check = app.add_subcommand("verify", "check the signature, sizes and hashes; exit 0 when good");
    check->add_option("--pub", pub, "the public key (PEM)")->required();
    check->add_option("--family-key", encrypt, "decrypt and check encrypted payloads with this family key file");
    check->add_option("PACKAGE", package)->required();
    CLI11_PARSE(app, argc, argv);
    try {
        if (*keygen) {
            std::filesystem::create_directories(dir);
            const auto pair = fw::a2up::generate_signing_key();
            write_text(std::filesystem::path(dir) / "signing.key", pair.private_pem, true);
            write_text(std::filesystem::path(dir) / "signing.pub", pair.public_pem, false);
            std::cout << "wrote " << (std::filesystem::path(dir) / "signing.key").string() << " and signing.pub\n";
        } else if (*family) {
            const auto k = fw::a2up::generate_family_key();
            write_text(family_file, fw::to_hex(k) + "\n", true);
        } else if (*make) {
            fw::a2up::BuildInput in;
            in.manifest.model = model;
            const auto v = fw::a2up::Version::parse(version), mv = fw::a2up::Version::parse(min_version);
            if (!v) throw fw::a2up::PackageError("--version must be X.Y.Z, got '" + version + "'");
            if (!mv) throw fw::a2up::PackageError("--min-version must be X.Y.Z, got '" + min_version + "'");
            in.manifest.version = *v;
            in.manifest.min_version = *mv;
            in.manifest.build = build_id;
            in.manifest.critical = critical;
            in.manifest.allow_downgrade = downgrade;
            in.manifest.release_notes = notes;
            in.payloads.emplace_back(payload_name, read_file(payload));
            if (!encrypt.empty()) in.family_key = fw::a2up::parse_family_key(read_text(encrypt));
            write_file(out, fw::a2up::build(in, read_text(key)), false);
            std::cout << "wrote " << out << "\n";
        } else if (*inspect) {
            std::cout << fw::a2up::peek_manifest(read_file(package)).json();
        } else if (*check) {
            std::optional<std::array<std::uint8_t, 32>> fk;
            if (!encrypt.empty()) fk = fw::a2up::parse_family_key(read_text(encrypt));
            const auto bytes = read_file(package);
            const auto checked = fw::a2up::verify(bytes, read_text(pub), fk);
            std::cout << "good: " << checked.manifest.model << " " << checked.manifest.version.text() << ", " << checked.payloads.size()
                      << " payload(s)\n";
        }
    } catch (const fw::a2up::PackageError& e) {
        std::cerr << "acurev-pkg: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "acurev-pkg: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
