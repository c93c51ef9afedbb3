"""A throwaway PostgreSQL server on loopback for the tests (initdb in a temporary directory)."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def find_bin(name):
    """Path of a PostgreSQL server program, or None."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """Start with start(), stop with stop(); url(dbname) names a database on it."""

    def __init__(self):
        self.initdb, self.pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="jaring-pg-")
        self.data = os.path.join(self.dir, "data")
        self.user = "jaring"

    def available(self):
        """Whether the server programs are installed."""
        return bool(self.initdb and self.pg_ctl)

    def _run(self, *args):
        # PostgreSQL refuses to run as root, so root runs it as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)

    def start(self):
        """initdb and start the server on 127.0.0.1."""
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(self.initdb, "-D", self.data, "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off "
                f"-c unix_socket_directories={self.dir} -c max_connections=200 "
                "-c synchronous_commit=off -c full_page_writes=off")
        self._run(self.pg_ctl, "-D", self.data, "-o", opts, "-l",
                  os.path.join(self.dir, "log"), "-w", "start")
        return self

    def stop(self):
        """Stop the server and remove its files."""
        try:
            self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname):
        """A peewee URL for a database on this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname):
        """CREATE DATABASE dbname and return its URL."""
        import psycopg2
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{dbname}"')
        conn.close()
        return self.url(dbname)


def wait_for_port(port, timeout=30):
    """Block until something listens on 127.0.0.1:port."""
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")
