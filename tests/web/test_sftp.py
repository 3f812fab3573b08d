"""SFTP download of the data logs (web manual 7.5 "SFTP Enable") with the real OpenSSH sftp client and
curl: enabled through the settings API, it serves after the module's reboot; the log files are listed
and come back byte-identical; a wrong password is refused; nothing outside the logs folder is
reachable, nor writable; a changed and a reset password apply at once; malformed password bodies get
a 400 naming what to give and the server keeps serving. The endpoint table of acurev-sim prints it."""
import os
import re
import socket
import subprocess
import sys
import tempfile

import pytest

import acurev_sim
from conftest import LOAD, Web

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from sftp_client import curl, sftp_batch, ssh_command  # noqa: E402

USER, DEFAULT = "sftpuser", "accuenergy"
LOG_NAME = "EHM26110001-W-logger1-2026-01-01T00-00-00+0000-15s-backup.csv.gz"
ROOT = os.geteuid() == 0


def services(session, web):
    return {s["name"]: s for s in session.get(web.url + "/api/v1/services").json()["services"]}


def sftp_port(session, web):
    detail = services(session, web)["sftp"]["detail"]
    m = re.match(r"sftp://127\.0\.0\.1:(\d+) ", detail)
    assert m, detail
    return int(m.group(1))


@pytest.fixture(scope="module")
def served():
    """A rig whose SFTP download was enabled through the API and that rebooted; its log folder holds
    a log file (random bytes: any byte must come back) and the data dir its usual secrets."""
    with acurev_sim.Rig(LOAD) as rig, tempfile.TemporaryDirectory() as tmp:
        rig.advance(4)
        web = Web(rig, tmp)
        admin = web.login("admin")
        assert services(admin, web)["sftp"]["detail"].startswith("disabled")
        r = admin.put(web.url + "/api/v1/settings/sftp", json={"sftp.enable": True})
        assert r.status_code == 200 and r.json()["pending_reboot"] == ["sftp.enable"], r.text
        section = admin.get(web.url + "/api/v1/settings/sftp").json()
        assert section["label"] == "SFTP"
        # The password is not a setting: it is kept only as a crypt(3) hash (POST /api/v1/sftp/password).
        assert [s["key"] for s in section["settings"]] == ["sftp.enable"]
        assert admin.post(web.url + "/api/v1/reboot", json={"target": "module"}).status_code == 202
        rig.advance(5)
        logs = os.path.join(rig.data_dir, "logs")
        os.makedirs(logs, exist_ok=True)
        content = os.urandom(300_000)
        with open(os.path.join(logs, LOG_NAME), "wb") as f:
            f.write(content)
        web = Web(rig, tmp)
        admin = web.login("admin")
        known = os.path.join(tmp, "known_hosts")
        if ROOT:
            port = sftp_port(admin, web)
            with open(os.path.join(rig.data_dir, "sftp-server", "ssh_host_ed25519_key.pub")) as f:
                key = " ".join(f.read().split()[:2])
            with open(known, "w") as f:
                f.write("[127.0.0.1]:%d %s\n" % (port, key))  # the module's own host key, kept in its data dir
        yield rig, web, admin, tmp, known, content


needs_root = pytest.mark.skipif(not ROOT, reason="the simulator's SFTP server needs root (docs/sftp.md)")


def test_without_root_the_service_says_why(served):
    rig, web, admin, *_ = served
    if ROOT:
        pytest.skip("running as root: the server runs")
    s = services(admin, web)["sftp"]
    assert s["state"] == "failed" and "needs root" in s["detail"]


@needs_root
def test_the_log_files_are_listed_and_come_back_byte_identical(served):
    rig, web, admin, tmp, known, content = served
    port = sftp_port(admin, web)
    r = sftp_batch(port, USER, DEFAULT, "pwd\nls -1\nget %s got.gz\n" % LOG_NAME, known_hosts=known, cwd=tmp)
    assert r.returncode == 0, r.stderr
    assert "Remote working directory: /logs" in r.stdout and LOG_NAME in r.stdout
    with open(os.path.join(tmp, "got.gz"), "rb") as f:
        assert f.read() == content
    r = curl("sftp://127.0.0.1:%d/logs/%s" % (port, LOG_NAME), USER, DEFAULT, "--insecure")
    assert r.returncode == 0 and r.stdout == content, r.stderr
    listing = curl("sftp://127.0.0.1:%d/logs/" % port, USER, DEFAULT, "--insecure", "-l")
    assert LOG_NAME.encode() in listing.stdout.split()
    assert re.search(r"\d+ logins", services(admin, web)["sftp"]["detail"])


@needs_root
def test_a_wrong_password_is_refused(served):
    rig, web, admin, tmp, known, _ = served
    port = sftp_port(admin, web)
    r = sftp_batch(port, USER, "accuenergx", "ls\n", known_hosts=known)
    assert r.returncode != 0 and "Permission denied" in r.stderr
    assert curl("sftp://127.0.0.1:%d/logs/" % port, USER, "wrong-password", "--insecure").returncode == 67
    assert curl("sftp://127.0.0.1:%d/logs/" % port, "root", DEFAULT, "--insecure").returncode == 67
    assert " 0 refused" not in services(admin, web)["sftp"]["detail"]


@needs_root
def test_nothing_outside_the_log_folder_is_reachable_nor_anything_writable(served):
    rig, web, admin, tmp, known, content = served
    port = sftp_port(admin, web)
    secrets = ["settings.json", "web-key.pem", "credentials.json", "sftp-server/shadow", "sftp-server/ssh_host_ed25519_key"]
    tries = []
    for name in secrets:
        tries += ["-get ../%s" % name, "-get /%s" % name, "-get ../../%s" % name, "-get %s/%s" % (rig.data_dir, name)]
    tries += ["-put %s/known_hosts" % tmp, "-rm %s" % LOG_NAME, "-rename %s x.gz" % LOG_NAME, "-mkdir new",
              "-symlink /etc/passwd link", "-chmod 777 %s" % LOG_NAME,
              "-get /etc/passwd", "-get /etc/shadow", "-get /proc/self/environ", "-cd /", "ls -la", "-cd ..", "ls -la ..", "-put %s/known_hosts" % tmp]
    down = os.path.join(tmp, "escape")
    os.makedirs(down, exist_ok=True)
    r = sftp_batch(port, USER, DEFAULT, "\n".join(tries) + "\n", known_hosts=known, cwd=down)
    assert r.returncode == 0, r.stderr
    assert os.listdir(down) == []  # nothing came back
    listed = [os.path.basename(line.split()[-1]) for line in r.stdout.splitlines() if line.startswith(("d", "-"))]
    assert set(listed) <= {".", "..", "logs"}, r.stdout  # the chroot holds the logs folder alone
    assert "Permission denied" in r.stderr  # the writes: read-only
    logs = os.path.join(rig.data_dir, "logs")
    assert os.listdir(logs) == [LOG_NAME]
    with open(os.path.join(logs, LOG_NAME), "rb") as f:
        assert f.read() == content
    # curl takes absolute paths: the data dir's files are not there either.
    for path in ("/settings.json", "/../settings.json", "/logs/../settings.json", "/etc/passwd"):
        r = curl("sftp://127.0.0.1:%d%s" % (port, path), USER, DEFAULT, "--insecure")
        assert r.returncode != 0 and r.stdout == b"", path
    # A shell or a command: never (sftp alone, no TTY).
    r = ssh_command(port, USER, DEFAULT, "cat /etc/passwd; id", known_hosts=known)
    assert "root:" not in r.stdout and "uid=" not in r.stdout


@needs_root
def test_a_changed_and_a_reset_password_apply_at_once(served):
    rig, web, admin, tmp, known, _ = served
    port = sftp_port(admin, web)
    url = web.url + "/api/v1/sftp/password"
    try:
        r = admin.post(url, json={"password": "n3w-Passw0rd"})
        assert r.status_code == 200 and r.json() == {"changed": True, "default": False}, r.text
        assert sftp_port(admin, web) == port  # the same server address, a new password
        assert sftp_batch(port, USER, DEFAULT, "ls\n", known_hosts=known).returncode != 0
        assert sftp_batch(port, USER, "n3w-Passw0rd", "ls\n", known_hosts=known).returncode == 0
        # Kept only as a SHA-512 crypt(3) hash: the password is in no file of the data dir.
        with open(os.path.join(rig.data_dir, "sftp-password")) as f:  # the data dir is the device's (0600)
            assert f.read().startswith("$6$") and oct(os.stat(f.name).st_mode & 0o777) == "0o600"
        for folder, _, names in os.walk(rig.data_dir):
            for name in names:
                try:
                    with open(os.path.join(folder, name), "rb") as f:
                        assert b"n3w-Passw0rd" not in f.read(), os.path.join(folder, name)
                except (PermissionError, FileNotFoundError):
                    pass
        user = web.login("user")
        assert user.post(url, json={"reset": True}).status_code == 403
    finally:
        r = admin.post(url, json={"reset": True})
    assert r.status_code == 200 and r.json() == {"changed": True, "default": True}, r.text
    assert sftp_batch(port, USER, DEFAULT, "ls\n", known_hosts=known).returncode == 0
    assert sftp_batch(port, USER, "n3w-Passw0rd", "ls\n", known_hosts=known).returncode != 0


@needs_root
def test_a_link_down_closes_it_and_a_link_up_serves_it_again(served):
    rig, web, admin, tmp, known, _ = served
    port = sftp_port(admin, web)
    rig.set_link("eth1", False)
    try:
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        rig.set_link("eth1", True)
    web = Web(rig, tmp)
    admin = web.login("admin")
    assert sftp_port(admin, web) == port
    assert sftp_batch(port, USER, DEFAULT, "ls\n", known_hosts=known).returncode == 0


def sshd_children_of(pid):
    """The sshd processes whose parent is a child of `pid` (the supervisor the rig forked)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            parents[int(entry)] = (int(stat[stat.rindex(")") + 2:].split()[1]), comm)
    return [p for p, (ppid, comm) in parents.items() if comm == "sshd" and parents.get(ppid, (0,))[0] == pid]


@needs_root
def test_a_server_that_ends_is_started_again(served):
    rig, web, admin, tmp, known, _ = served
    port = sftp_port(admin, web)
    victims = sshd_children_of(os.getpid())
    assert len(victims) == 1, victims
    os.kill(victims[0], 9)
    for _ in range(200):  # what sshd's end says reaches the loop (the HTTP requests need the rig's serving thread)
        detail = services(admin, web)["sftp"]["detail"]
        if "sshd exited" in detail:
            break
        rig.advance(0.01)
    assert detail.startswith("not serving: sshd exited"), detail
    assert services(admin, web)["sftp"]["state"] == "unhealthy"  # started, not serving: not shown as running
    rig.advance(11)  # the service's next look
    assert services(admin, web)["sftp"]["state"] == "running"
    assert sftp_port(admin, web) == port
    assert sftp_batch(port, USER, DEFAULT, "ls\n", known_hosts=known).returncode == 0


def test_malformed_password_bodies_get_a_400_and_the_server_keeps_serving(served):
    rig, web, admin, tmp, known, _ = served
    url = web.url + "/api/v1/sftp/password"
    bodies = [[], "accuenergy", 5, None, {}, {"password": 12345678}, {"password": None}, {"password": ["a" * 10]},
              {"reset": False}, {"reset": "yes"}, {"password": "abcdefgh", "reset": True}, {"pass": "abcdefghij"}]
    for body in bodies:
        r = admin.post(url, json=body)
        assert r.status_code == 400 and "give {\"password\"" in r.json()["error"], (body, r.text)
    for secret in ("short", "x" * 65, "y" * 20000):
        r = admin.post(url, json={"password": secret})
        assert r.status_code == 400, r.text
        error = r.json()["errors"][0]
        assert error.startswith("SFTP Password must be text of 8-64 characters, got %d characters" % len(secret))
        assert secret not in r.text  # a refused password is never echoed
    r = admin.post(url, data=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = admin.post(url, data=b'{"password": "' + b"z" * (4 << 20) + b'"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 413  # over the web server's body limit, refused before it is read
    admin = web.login("admin")
    if ROOT:
        assert sftp_batch(sftp_port(admin, web), USER, DEFAULT, "ls\n", known_hosts=known).returncode == 0


@needs_root
def test_the_endpoint_table_of_acurev_sim_prints_the_sftp_url():
    sim = os.path.join(os.environ.get("ACUREV_BIN", "build/bin"), "acurev-sim")
    with tempfile.TemporaryDirectory() as data:
        os.makedirs(os.path.join(data, "logs"))
        with open(os.path.join(data, "logs", "a.csv.gz"), "wb") as f:
            f.write(b"\x1f\x8b rows")
        p = subprocess.Popen([sim, "run", "--data-dir", data, "--set", "sftp.enable=true", "--set", "network.https_port=%d" % free_port(6000, 9999),
                              "--modbus-port", str(free_port(2000, 5999)), "--speed", "1", "--duration", "30"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            lines = []
            for line in p.stdout:
                lines.append(line)
                if line.startswith("  data-dir"):
                    break
            table = "".join(lines)
            m = re.search(r"^  sftp         running  sftp://127\.0\.0\.1:(\d+) ", table, re.M)
            assert m, table
            r = curl("sftp://127.0.0.1:%s/logs/a.csv.gz" % m.group(1), USER, DEFAULT, "--insecure")
            assert r.returncode == 0 and r.stdout == b"\x1f\x8b rows", r.stderr
        finally:
            p.terminate()
            p.wait(timeout=10)
        with socket.socket() as s:  # sshd ended with the simulator
            assert s.connect_ex(("127.0.0.1", int(m.group(1)))) != 0


def free_port(lo, hi):
    """A port of [lo, hi] nothing listens on (the device's ranges: HTTPS 6000-9999, Modbus 2000-5999)."""
    span = hi - lo + 1
    for i in range(span):
        port = lo + (os.getpid() * 7 + 1234 + i) % span
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in %d-%d" % (lo, hi))
