"""kill -9 while logging and posting, 20 times at seeded random moments, with the same --data-dir:
nothing a server acknowledged is sent again under another name, no row is posted twice, the posts
arrive in order, and every finished post period that has rows in the local log reaches the server."""
import gzip
import json
import os
import random
import signal
import time
import sys

from conftest import Sim, free_port

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from http_receiver import Receiver  # noqa: E402

KILLS = 20


def test_kill_9_while_logging_and_posting_loses_and_doubles_nothing(tmp_path):
    rx = Receiver()
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0}], "settings": {
        "post_channel_1.enable": True, "post_channel_1.http_url": f"http://127.0.0.1:{rx.port}/post", "post_channel_1.http_port": rx.port,
        "data_log_1.enable": True, "data_log_1.parameters": ["Va_V", "Ia_A"], "data_log_1.interval": 15,
        "data_log_1.post_file_length": 60, "data_log_1.post_channel": 1, "data_log_1.timestamp_format": "UTC Seconds"}}))
    data = tmp_path / "data"
    rnd = random.Random(2100)
    args = ["--data-dir", str(data), "--speed", "200", "--config", str(config), "--set", f"network.https_port={free_port(6000, 9999)}"]
    try:
        for _ in range(KILLS):
            sim = Sim(args)

            time.sleep(rnd.uniform(0.1, 0.9))
            sim.proc.send_signal(signal.SIGKILL)
            sim.proc.wait()
        sim = Sim(args)  # the last run drains the queue and stops cleanly
        time.sleep(2)
        sim.stop()
    finally:
        rx.close()
    by_id = {}
    for p in rx.posts:
        pid = p["headers"]["X-Post-Id"]
        assert by_id.setdefault(pid, p["body"]) == p["body"], "one post id with two bodies: " + pid
    posts = [json.loads(b) for b in by_id.values()]
    # Arrival order (first arrival of each id) is time order; no row is in two posts.
    firsts = [int(b["timestamp"][0]) for b in posts]
    assert firsts == sorted(firsts)
    times = [t for b in posts for t in b["timestamp"]]
    assert len(times) == len(set(times)), "a row posted twice"
    # The local log: every row posted is a local row with the same values.
    local = {}
    for name in os.listdir(data / "logs"):
        with gzip.open(data / "logs" / name, "rt") as f:
            for line in f.read().splitlines()[1:]:
                cells = line.split(",")
                local[cells[0]] = cells[1:]
    for b in posts:
        for i, t in enumerate(b["timestamp"]):
            assert [r["value"][i] for r in b["readings"]] == local[t]
    # Every finished post period with local rows was posted (the last, still open, excepted).
    periods = sorted({int(t) // 60 for t in local})
    posted = {int(t) // 60 for t in times}
    missing = [p for p in periods[:-1] if p not in posted]
    assert not missing, f"{len(missing)} of {len(periods) - 1} finished periods never posted"
    assert len(posts) >= 5  # the board clock is saved each wall second: after a kill it comes back up to 200 s behind
