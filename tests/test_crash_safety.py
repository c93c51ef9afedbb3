"""A registration acknowledged to the worker survives a kill -9 of the server."""
import os
import signal

import pytest

from database import open_database
from models import Registration, db
from tests.live_server import LiveServer, prepare_database
from tests.test_concurrency import register_over_http


@pytest.mark.slow
def test_acknowledged_registrations_survive_kill_9(database_url):
    prepare_database(database_url)
    with LiveServer(database_url, workers=2) as server:
        codes = ["".join(register_over_http(server.base_url, n)) for n in range(20)]
        # No clean shutdown: the master and every worker die at once, mid-flight.
        for pid in [server.proc.pid] + worker_pids(server.proc.pid):
            os.kill(pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
    open_database(database_url)
    with db.connection_context():
        stored = {r.ref for r in Registration.select(Registration.ref)}
    assert set(codes) <= stored


def worker_pids(master):
    """The gunicorn workers of a master process (read from /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return pids
