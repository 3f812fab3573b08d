"""A config file from outside: nesting depth, a number that overflows, a duplicate key and a huge
file each get exit 1 and one message naming the field or the limit, never a signal."""
import os
import subprocess

import pytest

from conftest import BIN


def run_sim(args):
    return subprocess.run([os.path.join(BIN, "acurev-sim"), "run", "--duration", "1", "--speed", "0"] + args,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("text, message", [
    ('{"voltage": ' + "[" * 100000 + "]" * 100000 + "}",
     "field 'voltage[0][0][0]"),
    ('{"frequency": 1e999}', "field 'frequency' holds a number too large to represent"),
    ('{"channels": [{"channel": 1}, {"channel": 2, "current": 5, "current": 6}]}', "field 'channels[1].current' appears twice"),
    ('{"seed": 1, "seed": 2}', "field 'seed' appears twice"),
    ('{"rs485": {"address": 1,', "is not valid JSON"),
], ids=["deep", "overflow", "duplicate-nested", "duplicate", "truncated"])
def test_bad_json_is_named(tmp_path, text, message):
    cfg = tmp_path / "c.json"
    cfg.write_text(text)
    r = run_sim(["--config", str(cfg)])
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert message in r.stderr, r.stderr[:300]
    assert r.stderr.count("\n") == 1  # one message


def test_deep_nesting_names_the_limit(tmp_path):
    cfg = tmp_path / "deep.json"
    cfg.write_text("[" * 100000 + "]" * 100000)
    r = run_sim(["--config", str(cfg)])
    assert r.returncode == 1
    assert "is nested deeper than the limit of 32 levels" in r.stderr


def test_100_mb_config_is_refused_by_its_size(tmp_path):
    cfg = tmp_path / "big.json"
    with open(cfg, "wb") as f:
        f.write(b'{"seed": 1, "pad": "')
        f.truncate(100 * 1024 * 1024)
    r = run_sim(["--config", str(cfg)])
    assert r.returncode == 1
    assert "is 104857600 bytes: over the limit of 1048576 bytes" in r.stderr
