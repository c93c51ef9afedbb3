"""Run the production server (gunicorn) on loopback against a database, for tests and benchmarks."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

from tests.pgserver import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


def prepare_database(url):
    """Migrate and seed the database at url in a child process (as `flask init-db` does)."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app")
    subprocess.run([sys.executable, "-m", "flask", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)


# gunicorn.conf.py's threads per worker: what `make run` serves with, the benchmarks' default.
CONFIG_THREADS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]


class LiveServer:
    """gunicorn with the project's config: `with LiveServer(url, workers=2) as s: s.base_url`."""

    def __init__(self, database_url, workers=2, threads=CONFIG_THREADS, env=None, app="app:create_app()",
                 root=ROOT):
        self.database_url, self.workers, self.threads, self.app = database_url, workers, threads, app
        self.root = root  # another checkout, to compare commits (bench/bench_pages.py)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.proc = None

    def __enter__(self):
        env = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY="live-test",
                   RATELIMIT_ENABLED="0", PUBLIC_BASE_URL=self.base_url)
        env.update(self.extra_env)  # may turn the rate limits on
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"gunicorn-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--access-logfile", "/dev/null", self.app],
            cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, timeout=60)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
