"""acurev-harness through its command line: suites, JUnit and reports byte-identical per seed,
disjoint shards that cover the suite, failures that name what went wrong, schema errors with paths."""
import json
import os
import subprocess

BIN = os.environ.get("ACUREV_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SCENARIOS = os.path.join(ROOT, "scenarios")


def harness(*args):
    return subprocess.run([os.path.join(BIN, "acurev-harness"), "run", *args], capture_output=True, text=True, timeout=600)


def ids(out):
    return sorted(l.split()[1] for l in out.splitlines() if l.startswith(("PASS", "FAIL")))


def test_rtu_bus_runs_are_on_the_virtual_clock_only_rtu_pty_times_differ(tmp_path):
    import re
    conformance = os.path.join(SCENARIOS, "conformance", "modbus")
    junit = []
    for run in ("a", "b"):
        r = harness(conformance, "--seed", "5", "--jobs", "2", "--junit", str(tmp_path / (run + ".xml")))
        assert r.returncode == 0, r.stdout + r.stderr
        junit.append((tmp_path / (run + ".xml")).read_text())
    assert "[rtu-bus]" in junit[0] and "[rtu-pty]" in junit[0]
    # Each rtu-pty entry says its time follows the wall clock; with those times blanked the two are the same.
    pty = re.compile(r'(name="[^"]*\[rtu-pty\]"[^>]*time=")[0-9.]+(")')
    assert len(pty.findall(junit[0])) >= 10
    assert junit[0].count("wall-clock dependent") == len(pty.findall(junit[0]))
    assert pty.sub(r"\1-\2", junit[0]) == pty.sub(r"\1-\2", junit[1])


def test_same_seed_gives_byte_identical_junit_and_reports(tmp_path):
    for run in ("a", "b"):
        r = harness(os.path.join(SCENARIOS, "accuracy"), os.path.join(SCENARIOS, "faults", "bus_cut_stale_0x0B_recover.json"),
                    "--seed", "9", "--junit", str(tmp_path / run / "junit.xml"), "--report", str(tmp_path / run))
        assert r.returncode == 0, r.stdout + r.stderr
    for name in ("junit.xml", "accuracy.csv", "accuracy.md", "accuracy.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert b'value="9"' in (tmp_path / "a" / "junit.xml").read_bytes()  # the seed is recorded
    assert (tmp_path / "a" / "accuracy.csv").read_text().count("\n") == 1 + 2 * 13 + 3 * 2


def test_shards_are_disjoint_and_cover_the_suite():
    full = ids(harness(SCENARIOS, "--filter", "conformance.*").stdout)
    parts = [ids(harness(SCENARIOS, "--filter", "conformance.*", "--shard", "%d/3" % i).stdout) for i in (1, 2, 3)]
    assert sorted(sum(parts, [])) == full
    assert all(p for p in parts) and len(set(sum(parts, []))) == len(full)


def test_tags_select_scenarios():
    out = harness(SCENARIOS, "--tags", "faults").stdout
    assert ids(out) and all(i.startswith("faults.") for i in ids(out))


def test_a_wrong_expectation_names_scenario_step_expected_measured_tolerance(tmp_path):
    sc = {"id": "selftest.wrong.expectation", "intent": "A deliberately wrong expectation must fail.",
          "rig": {"fidelity": "analytic"},
          "steps": [{"advance": {"seconds": 3}},
                    {"read": {"address": 8192, "expect": 60.0, "tolerance": 0.01, "tolerance_source": "deliberately wrong"}}]}
    f = tmp_path / "wrong.json"
    f.write_text(json.dumps(sc))
    r = harness(str(f))
    assert r.returncode == 1
    assert "selftest.wrong.expectation steps[1] (read)" in r.stdout
    assert "expected 60 +/- 0.01 (deliberately wrong), measured 50" in r.stdout
    assert r.stdout.strip().endswith("0 passed, 1 failed")


def test_a_scenario_off_the_schema_is_refused_with_the_path(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"id": "selftest.bad", "intent": "x", "steps": [{"advance": {"seconds": 1}}, {"read": {"adress": 1}}]}))
    r = harness(str(f))
    assert r.returncode == 2
    assert "steps[1].read.address is required" in r.stderr
    f.write_text(json.dumps({"id": "selftest.bad", "intent": "x", "steps": [{"read": {"address": 1, "expect": 2}}]}))
    assert "steps[0].read.tolerance is required" in harness(str(f)).stderr
    f.write_text(json.dumps({"id": "selftest.bad", "intent": "x", "fidelities": ["sample"], "rig": {"fidelity": "sample"},
                             "steps": [{"advance": {"seconds": 1}}]}))
    assert "fidelities cannot be given with rig.fidelity" in harness(str(f)).stderr
    f.write_text(json.dumps({"id": "selftest.bad", "intent": "x", "steps": [{"read_key": {"key": "EP_NOPE_kWh"}}]}))
    assert "steps[0].read_key.key is not a catalogue key" in harness(str(f)).stderr


def test_fidelities_run_a_scenario_in_each(tmp_path):
    f = tmp_path / "both.json"
    f.write_text(json.dumps({"id": "selftest.both", "intent": "x", "fidelities": ["sample", "analytic"],
                             "steps": [{"advance": {"seconds": 3}}, {"read_key": {"key": "Freq_Hz", "expect": 50, "tolerance": 0.01,
                                                                                  "tolerance_source": "built-in 50 Hz"}}]}))
    r = harness(str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    assert ids(r.stdout) == ["selftest.both[analytic]", "selftest.both[sample]"]


def test_slow_and_needs_root_scenarios_are_skipped_with_the_reason(tmp_path):
    def scenario(name, tags):
        doc = {"id": "selftest.skip." + name, "intent": "skip policy", "tags": tags, "rig": {"fidelity": "analytic"},
               "steps": [{"advance": {"seconds": 3}}, {"read": {"address": 8192, "expect": 50, "tolerance": 0.01,
                                                                   "tolerance_source": "built-in load"}}]}
        (tmp_path / (name + ".json")).write_text(json.dumps(doc))
    scenario("slow", ["slow"])
    scenario("root", ["needs-root"])
    scenario("plain", [])
    r = harness(str(tmp_path), "--junit", str(tmp_path / "junit.xml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SKIP selftest.skip.slow  (tagged slow: run with --slow)" in r.stdout
    junit = (tmp_path / "junit.xml").read_text()
    assert 'skipped message="tagged slow: run with --slow"' in junit
    if os.geteuid() == 0:
        assert "PASS selftest.skip.root" in r.stdout and r.stdout.rstrip().endswith("2 passed, 0 failed, 1 skipped")
    else:
        assert "SKIP selftest.skip.root  (tagged needs-root: run as root)" in r.stdout
    r = harness(str(tmp_path), "--slow")
    assert "PASS selftest.skip.slow" in r.stdout
    assert "PASS selftest.skip.slow" in harness(str(tmp_path), "--tags", "slow").stdout
