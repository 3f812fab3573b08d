"""acurev-pkg (docs/update.md) as a user runs it: keys made here, a package built from a real
firmware image (acurev-fw), inspect and verify; verify exits non-zero with the reason for another
key, a flipped octet, a truncated file and a file that is no package."""
import json
import os
import subprocess

BIN = os.environ.get("ACUREV_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))


def pkg(*args):
    return subprocess.run([os.path.join(BIN, "acurev-pkg"), *args], capture_output=True, text=True, timeout=60)


def test_build_inspect_and_verify_a_signed_package(tmp_path):
    keys, other = tmp_path / "keys", tmp_path / "other"
    assert pkg("keygen", str(keys)).returncode == 0
    assert pkg("keygen", str(other)).returncode == 0
    assert oct(os.stat(keys / "signing.key").st_mode & 0o777) == "0o600"
    assert "BEGIN PUBLIC KEY" in (keys / "signing.pub").read_text()
    out = tmp_path / "acurev-1.4.2.a2up"
    image = os.path.join(BIN, "acurev-fw")
    r = pkg("build", "--key", str(keys / "signing.key"), "--version", "1.4.2", "--min-version", "1.0.0", "--critical",
            "--notes", "fixes", "--payload", image, "--out", str(out))
    assert r.returncode == 0, r.stderr
    manifest = json.loads(pkg("inspect", str(out)).stdout)
    assert manifest["model"] == "AcuRev 2100-WEB2" and manifest["version"] == "1.4.2" and manifest["critical"] is True
    assert manifest["payloads"][0]["size"] == os.path.getsize(image)
    r = pkg("verify", "--pub", str(keys / "signing.pub"), str(out))
    assert r.returncode == 0 and r.stdout == "good: AcuRev 2100-WEB2 1.4.2, 1 payload(s)\n"

    r = pkg("verify", "--pub", str(other / "signing.pub"), str(out))
    assert r.returncode == 2 and "signature does not verify" in r.stderr
    data = bytearray(out.read_bytes())
    flipped = tmp_path / "flipped.a2up"
    data[-1000] ^= 0x01
    flipped.write_bytes(bytes(data))
    r = pkg("verify", "--pub", str(keys / "signing.pub"), str(flipped))
    assert r.returncode == 2 and "does not match its SHA-256" in r.stderr
    cut = tmp_path / "cut.a2up"
    cut.write_bytes(out.read_bytes()[:-4096])
    r = pkg("verify", "--pub", str(keys / "signing.pub"), str(cut))
    assert r.returncode == 2 and "lacks 4096 octets" in r.stderr
    r = pkg("verify", "--pub", str(keys / "signing.pub"), image)
    assert r.returncode == 2 and "not an .a2up package" in r.stderr
    assert pkg("build", "--key", str(keys / "signing.key"), "--version", "1.4", "--payload", image, "--out", str(out)).returncode == 2


def test_an_encrypted_package_needs_the_family_key_to_read_its_payload(tmp_path):
    keys = tmp_path / "keys"
    pkg("keygen", str(keys))
    assert pkg("family-key", str(keys / "family.key")).returncode == 0
    assert len((keys / "family.key").read_text().strip()) == 64
    image = tmp_path / "image.bin"
    image.write_bytes(os.urandom(100_000))
    out = tmp_path / "enc.a2up"
    assert pkg("build", "--key", str(keys / "signing.key"), "--version", "2.0.0", "--payload", str(image), "--encrypt",
               str(keys / "family.key"), "--out", str(out)).returncode == 0
    assert image.read_bytes()[:256] not in out.read_bytes()
    assert pkg("verify", "--pub", str(keys / "signing.pub"), "--family-key", str(keys / "family.key"), str(out)).returncode == 0
    assert pkg("verify", "--pub", str(keys / "signing.pub"), str(out)).returncode == 0  # stored octets only
    pkg("family-key", str(tmp_path / "wrong.key"))
    r = pkg("verify", "--pub", str(keys / "signing.pub"), "--family-key", str(tmp_path / "wrong.key"), str(out))
    assert r.returncode == 2 and "does not decrypt" in r.stderr
