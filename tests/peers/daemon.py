"""The common end of the tests' daemon peers (mosquitto, chronyd): a process in a scratch folder of
its own, its output in a log file; stop() ends it, close() also removes the folder."""
import shutil


class DaemonPeer:
    proc = None
    log = None
    dir = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def close(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
