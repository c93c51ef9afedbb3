"""docs/deploy.md: every command in its sh blocks runs here as written; every setting is in it."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from database import open_database
from models import db
from ops.checks import table_counts
from tests.live_server import ROOT
from tests.pgserver import free_port, wait_for_port

GUIDE = ROOT / "docs" / "deploy.md"
RUN_HERE = ["flask --app app init-db", "gunicorn ", "flask --app app sms worker",
            "flask --app app demo-data", "flask --app app backup", "flask --app app restore"]


def commands():
    """The lines of the guide's sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def documented(prefix):
    """The one documented command starting with prefix."""
    found = [c for c in commands() if c.startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]


def environment(**values):
    """An operator's shell: the venv on PATH, a secret key, no settings leaking from this one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "JARING_", "PROXY"))}
    env.update(PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}", SECRET_KEY="deploy-test",
               RATELIMIT_ENABLED="0", **values)
    return env


def shell(command, env):
    """Run a documented line with bash in the checkout; fail with its output if it fails."""
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def started(command, env):
    """Start a documented long-running command in its own process group."""
    return subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process):
    """SIGTERM to the process group we started; its exit code."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


def test_every_setting_the_app_reads_is_in_the_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    readme = re.findall(r"^\| `([A-Z_]+)`", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    source = "".join(p.read_text(encoding="utf-8") for p in ROOT.glob("*.py"))
    read = (re.findall(r'(?:env(?:iron\.get)?\(|whole_number\(env, )"([A-Z_]+)"', source)
            + re.findall(r'"(JARING_[A-Z_]+)"', source))
    assert "PROXY_COUNT" in read and "JARING_EXPORT_COLUMNS" in read and "IMPORT_MAX_BYTES" in read
    assert len(readme) > 8
    assert sorted(v for v in set(readme + read) if f"`{v}`" not in guide) == []
    readme_text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(v for v in set(read) if f"`{v}`" not in readme_text) == []


def test_every_command_of_the_guide_is_one_these_tests_run():
    run = [next((p for p in RUN_HERE if c.startswith(p)), c) for c in commands()]
    assert sorted(run) == sorted(RUN_HERE)


@pytest.mark.postgres
def test_documented_init_db_demo_data_backup_and_restore_on_postgresql(pg_server, tmp_path):
    live = pg_server.create_database(f"deploy_live_{os.getpid()}")
    env = environment(DATABASE_URL=live, BACKUP_DIR=str(tmp_path))
    assert "Database ready" in shell(documented("flask --app app init-db"), env).stdout
    assert "seat rule ok" in shell(documented("flask --app app demo-data"), env).stdout
    shell(documented("flask --app app backup"), env)
    [dump] = tmp_path.glob("jaring-*.dump")
    scratch = pg_server.create_database(f"deploy_scratch_{os.getpid()}")
    restored = shell(documented("flask --app app restore"),
                     environment(DATABASE_URL=scratch, BACKUP_FILE=str(dump)))
    assert "5000 registrations, 2 pools, seat rule ok" in restored.stdout
    counts = {}
    for url in (live, scratch):
        open_database(url)
        with db.connection_context():
            counts[url] = table_counts()
    assert counts[live] == counts[scratch] and counts[live]["registration"] == 5000


@pytest.mark.slow
def test_documented_gunicorn_behind_a_tls_proxy_answers_and_trusts_forwarded_headers(tmp_path):
    url = f"sqlite:///{tmp_path / 'jaring.sqlite3'}"
    shell(documented("flask --app app init-db"), environment(DATABASE_URL=url))
    ports = {"1": free_port(), "0": free_port()}
    servers = {count: started(documented("gunicorn "), environment(
        DATABASE_URL=url, PORT=str(port), WORKERS="2", PROXY_COUNT=count,
        PUBLIC_BASE_URL="https://jaring.example")) for count, port in ports.items()}
    try:
        for port in ports.values():
            wait_for_port(port, timeout=60)
        proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                 "X-Forwarded-Host": "jaring.example", "Referer": "https://jaring.example/daftar"}
        health = requests.get(f"http://127.0.0.1:{ports['1']}/healthz", headers=proxy, timeout=30)
        assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
        back = {count: requests.get(f"http://127.0.0.1:{port}/bahasa/en", headers=proxy,
                                    allow_redirects=False, timeout=30).headers["Location"]
                for count, port in ports.items()}
        # Behind ProxyFix the forwarded host is the request's host, so the page goes back there.
        assert back == {"1": "/daftar", "0": "/"}
    finally:
        codes = [stop(server) for server in servers.values()]
    assert codes == [0, 0]


def test_documented_sms_worker_runs_until_sigterm(tmp_path):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'jaring.sqlite3'}")
    shell(documented("flask --app app init-db"), env)
    worker = started(documented("flask --app app sms worker"), env)
    # Wait until it says it runs (its handlers are set): a loaded machine may take over 3 s to start.
    lines = []
    while not any("sms worker started" in line for line in lines):
        line = worker.stdout.readline()
        assert line, "".join(lines)
        lines.append(line)
    time.sleep(1)
    assert worker.poll() is None, worker.stdout.read()
    assert stop(worker) == 0
