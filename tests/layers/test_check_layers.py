"""The layer checker fails on a planted include that breaks a rule and passes a tree that keeps them."""
import os
import subprocess
import sys

CHECKER = os.path.join(os.path.dirname(__file__), "check_layers.py")


def plant(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def run(root):
    return subprocess.run([sys.executable, CHECKER, str(root)], capture_output=True, text=True)


TREE = {
    "hal/include/hal/clock.hpp": "#pragma once\n",
    "hal/common/event_scheduler.hpp": '#include "hal/clock.hpp"\n',
    "protocol/modbus/pdu.hpp": '#include "hal/clock.hpp"\n',
    "sim/meter/virtual_board.hpp": '#include "modbus/pdu.hpp"\n#include "common/event_scheduler.hpp"\n',
    "firmware/core/firmware.hpp": '#include "modbus/pdu.hpp"\n#include "hal/clock.hpp"\n',
    "harness/rig.hpp": '#include "core/firmware.hpp"\n#include "meter/virtual_board.hpp"\n',
}


def test_a_tree_that_keeps_the_rules_passes(tmp_path):
    plant(tmp_path, TREE)
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout


def test_firmware_including_the_virtual_board_fails(tmp_path):
    plant(tmp_path, dict(TREE, **{"firmware/core/poller.cpp": '#include "x.hpp"\n#include "meter/virtual_board.hpp"\n'}))
    r = run(tmp_path)
    assert r.returncode == 1
    assert ('firmware/core/poller.cpp:2: firmware includes "meter/virtual_board.hpp" (sim/meter/virtual_board.hpp, layer sim)'
            in r.stdout)


def test_sim_including_firmware_and_protocol_including_a_backend_fail(tmp_path):
    plant(tmp_path, dict(TREE, **{"sim/meter/board.cpp": '#include "core/firmware.hpp"\n',
                                  "protocol/modbus/rtu.cpp": '#include "common/event_scheduler.hpp"\n'}))
    r = run(tmp_path)
    assert r.returncode == 1
    assert "sim/meter/board.cpp:1: sim includes" in r.stdout
    assert "protocol/modbus/rtu.cpp:1: protocol includes" in r.stdout
    assert "2 violation(s)" in r.stdout
