// The .a2up package (update/a2up.hpp, docs/update.md): keys made at test time, never committed; a
// good package verifies and streams its payload in any piece size; a refusal (another key, a flipped
// octet anywhere, truncation, a model the caller refuses) comes before the first payload octet where
// the standard allows it, and otherwise before the package is accepted; encrypted payloads decrypt
// only with the family key.
#include <catch2/catch.hpp>

#include <random>

#include "update/a2up.hpp"

using namespace fw::a2up;

namespace {

Bytes firmware_image(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
}

BuildInput input(const Bytes& image) {
    BuildInput in;
    in.manifest.model = "AcuRev 2100-WEB2";
    in.manifest.version = *Version::parse("1.4.2");
    in.manifest.min_version = *Version::parse("1.0.0");
    in.manifest.build = "test";
    in.manifest.release_notes = "notes";
    in.payloads.emplace_back("firmware", image);
    return in;
}

struct Streamed {
    Bytes payload;
    std::size_t before_accept = 0;  // payload octets the sink saw before accept ran (must be 0)
    bool accepted = false;
};

Streamed stream(const Bytes& package, const std::string& pub, std::size_t piece, bool refuse_model = false,
                std::optional<std::array<std::uint8_t, 32>> family = std::nullopt) {
    Streamed s;
    StreamReader r(pub,
                   [&](const Manifest& m) {
                       if (refuse_model && m.model == "AcuRev 2100-WEB2") throw PackageError("not for this model");
                       s.accepted = true;
                   },
                   [&](const Payload&, std::span<const std::uint8_t> plain) {
                       if (!s.accepted) ++s.before_accept;
                       s.payload.insert(s.payload.end(), plain.begin(), plain.end());
                   },
                   family);
    for (std::size_t i = 0; i < package.size(); i += piece) r.feed(std::span(package).subspan(i, std::min(piece, package.size() - i)));
    r.finish();
    return s;
}

}  // namespace

TEST_CASE("a2up: a signed package verifies and streams its payload in any piece size") {
    const auto keys = generate_signing_key();
    const Bytes image = firmware_image(200'000, 1);
    const Bytes pkg = build(input(image), keys.private_pem);
    const auto checked = verify(pkg, keys.public_pem);
    CHECK(checked.manifest.version.text() == "1.4.2");
    REQUIRE(checked.payloads.size() == 1);
    CHECK(checked.payloads[0].second == image);
    CHECK(checked.manifest.payloads[0].sha256 == sha256_hex(image));
    for (std::size_t piece : {1UL, 7UL, 4096UL, pkg.size()}) {
        const auto s = stream(pkg, keys.public_pem, piece);
        CHECK(s.payload == image);
        CHECK(s.before_accept == 0);
    }
    CHECK(peek_manifest(pkg).model == "AcuRev 2100-WEB2");
}

TEST_CASE("a2up: another key, a refused model, a flipped octet or truncation are refused") {
    const auto keys = generate_signing_key(), other = generate_signing_key();
    const Bytes image = firmware_image(50'000, 2);
    const Bytes pkg = build(input(image), keys.private_pem);
    CHECK_THROWS_WITH(verify(pkg, other.public_pem), Catch::Contains("signature does not verify"));
    // A refused model: refused before a payload octet reaches the sink.
    Bytes seen;
    StreamReader r(keys.public_pem, [](const Manifest&) { throw PackageError("not for this model"); },
                   [&](const Payload&, std::span<const std::uint8_t> b) { seen.insert(seen.end(), b.begin(), b.end()); });
    CHECK_THROWS_WITH(r.feed(pkg), Catch::Contains("not for this model"));
    CHECK(seen.empty());
    CHECK_THROWS(r.feed(pkg));  // nothing more once refused

    // Every octet of the header, manifest and signature flipped: refused before any payload octet.
    const std::size_t head = pkg.size() - image.size();
    std::mt19937 rng(3);
    for (std::size_t i = 0; i < head; i += 1 + rng() % 5) {
        Bytes bad = pkg;
        bad[i] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        Bytes got;
        StreamReader sr(keys.public_pem, nullptr, [&](const Payload&, std::span<const std::uint8_t> b) { got.insert(got.end(), b.begin(), b.end()); });
        bool refused = false;
        try {
            sr.feed(bad);
            sr.finish();
        } catch (const PackageError&) {
            refused = true;
        }
        CHECK(refused);
        CHECK(got.empty());
    }
    // A payload octet flipped: its hash fails at its end; truncation: finish() says so.
    Bytes bad = pkg;
    bad[head + 12345] ^= 0x40;
    CHECK_THROWS_WITH(verify(bad, keys.public_pem), Catch::Contains("SHA-256"));
    for (std::size_t cut : {std::size_t{0}, std::size_t{5}, head - 1, head, pkg.size() - 1})
        CHECK_THROWS_AS(verify(std::span(pkg).first(cut), keys.public_pem), PackageError);
    Bytes longer = pkg;
    longer.push_back(0);
    CHECK_THROWS_WITH(verify(longer, keys.public_pem), Catch::Contains("after the last payload"));
    CHECK_THROWS_WITH(verify(Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, keys.public_pem), Catch::Contains("not an .a2up"));
}

TEST_CASE("a2up: an encrypted payload decrypts only with the family key; stored octets verify without it") {
    const auto keys = generate_signing_key();
    const auto family = generate_family_key(), wrong = generate_family_key();
    const Bytes image = firmware_image(30'000, 4);
    auto in = input(image);
    in.family_key = family;
    const Bytes pkg = build(in, keys.private_pem);
    CHECK(std::search(pkg.begin(), pkg.end(), image.begin(), image.begin() + 64) == pkg.end());  // not in clear
    CHECK(stream(pkg, keys.public_pem, 1000, false, family).payload == image);
    CHECK_THROWS_WITH(stream(pkg, keys.public_pem, 1000, false, wrong), Catch::Contains("does not decrypt"));
    CHECK_THROWS_WITH(stream(pkg, keys.public_pem, 1000, false, std::nullopt), Catch::Contains("no family key"));
    const auto stored = verify(pkg, keys.public_pem);
    CHECK(stored.payloads.empty());
    CHECK(stored.manifest.payloads[0].encrypted);
}

TEST_CASE("a2up: manifests with missing or mistyped fields and versions are refused with the reason") {
    auto parse = [](const std::string& j) { return Manifest::parse(std::span(reinterpret_cast<const std::uint8_t*>(j.data()), j.size())); };
    const std::string good =
        R"({"format":1,"model":"M","version":"1.2.3","build":"","critical":false,"min_version":"0.0.0","allow_downgrade":false,)"
        R"("release_notes":"","payloads":[{"name":"firmware","size":0,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]})";
    CHECK(parse(good).model == "M");
    CHECK_THROWS_WITH(parse("{"), Catch::Contains("not JSON"));
    CHECK_THROWS_WITH(parse(std::string(good).replace(good.find("1.2.3"), 5, "1.2")), Catch::Contains("version is not X.Y.Z"));
    CHECK_THROWS_WITH(parse(std::string(good).replace(good.find("\"format\":1"), 10, "\"format\":2")), Catch::Contains("format 2"));
    CHECK_THROWS_WITH(parse(R"({"format":1})"), Catch::Contains("has no model"));
    CHECK_THROWS_WITH(parse(std::string(good).replace(good.find("\"critical\":false"), 16, "\"critical\":\"no\"")), Catch::Contains("wrong type"));
    CHECK(!Version::parse("1.2.3.4"));
    CHECK(!Version::parse("99999.0.0"));
    CHECK(*Version::parse("1.10.0") > *Version::parse("1.9.9"));
}
