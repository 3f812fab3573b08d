"""The module installs with `cmake --install` and imports from the installed tree alone."""
import os
import subprocess
import sys

import pytest

BUILD = os.environ.get("ACUREV_BUILD_DIR")
CMAKE = os.environ.get("CMAKE_COMMAND", "cmake")


@pytest.mark.skipif(not BUILD, reason="ACUREV_BUILD_DIR not set (ctest sets it)")
def test_cmake_install_gives_an_importable_module_with_its_pyi_file(tmp_path):
    r = subprocess.run([CMAKE, "--install", BUILD, "--prefix", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    site = tmp_path / "lib" / "python3" / "dist-packages"
    assert (site / "acurev_sim.pyi").is_file()
    code = ("import acurev_sim, sys\n"
            "assert acurev_sim.__file__.startswith(sys.argv[1]), acurev_sim.__file__\n"
            "with acurev_sim.Rig({'fidelity': 'analytic'}) as rig:\n"
            "    rig.advance(3)\n"
            "    print(round(rig.readings()['Freq_Hz']['value'], 2))\n")
    env = dict(os.environ, PYTHONPATH=str(site))
    r = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "50.0"
