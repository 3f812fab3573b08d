"""The tests' SFTP peer (sshd_server.py) does what the post channels' tests need: password uploads
with curl and sftp land in its folder and nowhere else, a wrong password is refused, a read-only
server refuses writes, and the server ends with the process that started it."""
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from sftp_client import curl, sftp_batch  # noqa: E402
from sshd_server import SftpReceiver  # noqa: E402

pytestmark = pytest.mark.skipif(SftpReceiver.unavailable() is not None, reason=SftpReceiver.unavailable() or "")


def test_uploads_land_in_the_folder_and_nowhere_else(tmp_path):
    inbox = tmp_path / "inbox"
    payload = tmp_path / "up.csv"
    payload.write_bytes(os.urandom(50000))
    with SftpReceiver(str(inbox), user="meter", password="s3cret") as srv:
        r = curl(srv.url + "/up.csv", "meter", "s3cret", "-T", str(payload), "--hostpubmd5", srv.host_key_md5)
        assert r.returncode == 0, r.stderr
        r = curl(srv.url + "/~/sub/up2.csv", "meter", "s3cret", "-T", str(payload), "--ftp-create-dirs", "--hostpubmd5", srv.host_key_md5)
        assert r.returncode == 0, r.stderr
        r = sftp_batch(srv.port, "meter", "s3cret", "put %s up3.csv\n-put %s ../../escape.csv\n" % (payload, payload), known_hosts=srv.known_hosts)
        assert r.returncode == 0, r.stderr
        assert (inbox / "up.csv").read_bytes() == payload.read_bytes()
        assert (inbox / "sub" / "up2.csv").read_bytes() == payload.read_bytes()
        assert (inbox / "up3.csv").read_bytes() == payload.read_bytes()
        assert (inbox / "escape.csv").exists()  # ../.. of the chroot is its root: the folder
        assert not (tmp_path / "escape.csv").exists()
        assert curl(srv.url + "/x.csv", "meter", "wrong", "-T", str(payload), "--insecure").returncode == 67
        assert "Accepted password for meter" in srv.log() and "Failed password for meter" in srv.log()


def test_a_read_only_server_refuses_writes(tmp_path):
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "a.txt").write_text("kept")
    with SftpReceiver(str(tmp_path / "box"), password="s3cret", read_only=True) as srv:
        r = curl(srv.url + "/a.txt", "meter", "s3cret", "--insecure")
        assert r.returncode == 0 and r.stdout == b"kept"
        assert curl(srv.url + "/b.txt", "meter", "s3cret", "--insecure", "-T", "/etc/hostname").returncode != 0
    assert not (tmp_path / "box" / "b.txt").exists()


def test_the_server_ends_with_the_process_that_started_it(tmp_path):
    child = textwrap.dedent("""
        import sys, time
        sys.path.insert(0, %r)
        from sshd_server import SftpReceiver
        srv = SftpReceiver(%r, password="s3cret", work_dir=%r)
        print(srv.port, flush=True)
        time.sleep(60)
    """ % (os.path.dirname(__file__), str(tmp_path / "box"), str(tmp_path / "work")))
    p = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    port = int(p.stdout.readline())
    assert curl("sftp://127.0.0.1:%d/" % port, "meter", "s3cret", "--insecure").returncode == 0
    p.kill()
    p.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and listening(port):
        time.sleep(0.05)
    assert not listening(port)


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
