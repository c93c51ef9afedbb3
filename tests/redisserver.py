"""A throwaway Redis server on loopback for the tests (Debian's redis-server, no persistence)."""
import os
import shutil
import subprocess
import tempfile

from tests.pgserver import free_port, wait_for_port


class RedisServer:
    """`with RedisServer() as r: r.url` — a fresh Redis that forgets everything when stopped."""

    def __init__(self):
        self.binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def available(self):
        """Whether redis-server is installed."""
        return self.binary is not None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="jaring-redis-")
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, timeout=30)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
