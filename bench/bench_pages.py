"""What a page view costs: SQL statements and CPU per public page, and pages/s from gunicorn.

In one process, through Flask's test client with CSRF on and a visitor's session cookie kept:
statements per view (bench/sqlcount.py, after one warm-up view) and cProfile over PAGE_VIEWS
(default 300) views of each page; the top lines go to bench/profile_pages.txt. Then the
production server (gunicorn.conf.py, 2 workers, SQLite) is loaded closed-loop with
GET / alone and GET /daftar alone for PAGES_SECONDS (default 8; 0 leaves the server out) each.

PAGES_BEFORE=<a checkout of another commit> also loads that tree's server, in turns with this
one, in the same run: pages/s before and after on the same (shared) machine at the same time.
"""
import cProfile
import io
import os
import pstats
import re
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.common import drive, row
from bench.sqlcount import statements
from config import DEFAULT_RULES
from core import quota
from models import db
from tests.conftest import make_app
from tests.factories import applicant
from tests.live_server import LiveServer, prepare_database

HERE = Path(__file__).resolve().parent
PAGE_VIEWS = int(os.environ.get("PAGE_VIEWS", 300))
SECONDS = float(os.environ.get("PAGES_SECONDS", 8))
BEFORE = os.environ.get("PAGES_BEFORE", "")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/daftar"}
# (label, path, request headers); GET /status?lihat=1 needs a look-up first (visitor()).
PAGES = [
    ("GET /", "/", {}),
    ("GET /daftar", "/daftar", {}),
    ("GET /daftar?kabupaten=64.72 (kelurahan step)", "/daftar?kabupaten=64.72", {}),
    ("GET /daftar/kelurahan?kabupaten=64.72 (htmx)", "/daftar/kelurahan?kabupaten=64.72", HX),
    ("GET /status", "/status", {}),
    ("GET /status?lihat=1 (after a look-up)", "/status?lihat=1", {}),
]


def visitor(url):
    """(app, a test client whose session holds a CSRF token and a looked-up registration)."""
    app = make_app(url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        reg = quota.register(applicant(1), "web", DEFAULT_RULES).registration
        db.close()
    client = app.test_client()
    token = TOKEN.search(client.get("/status").get_data(as_text=True)).group(1)
    answer = client.post("/status", data={"csrf_token": token, "nik": reg.nik, "ref": reg.ref})
    assert answer.status_code == 303, answer.status_code
    return app, client


def view(client, path, headers):
    """One page view; fails loudly on anything but 200."""
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code)
    return answer


def count_statements(client):
    """{label: the SQL statements of one view of that page}, after a warm-up view of each."""
    counted = {}
    for label, path, headers in PAGES:
        view(client, path, headers)
        with statements(db.obj) as seen:
            view(client, path, headers)
        counted[label] = list(seen)
    return counted


def profile(client):
    """cProfile PAGE_VIEWS views of each page; {label: CPU ms per view}; the report's text."""
    per_page, parts = {}, []
    for label, path, headers in PAGES:
        profiler = cProfile.Profile()
        started = time.process_time()
        profiler.enable()
        for _ in range(PAGE_VIEWS):
            view(client, path, headers)
        profiler.disable()
        per_page[label] = (time.process_time() - started) * 1000 / PAGE_VIEWS
        parts.append(f"=== {label} x {PAGE_VIEWS}: {per_page[label]:.2f} ms CPU per view\n"
                     f"{top_lines(profiler, 'cumulative', 30)}--- by own time ---\n"
                     f"{top_lines(profiler, 'tottime', 15)}")
    return per_page, "\n".join(parts)


class Page:
    """A visitor asking for one page again and again (keep-alive, cookies kept)."""

    def __init__(self, client, slot, path="/"):
        self.client, self.path = client, path

    def __call__(self, k):
        return self.client.request("GET", self.path)[0]


def top_lines(profiler, order, lines):
    """The first lines of a profile's table sorted by order, with shorter file names."""
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
    text = re.sub(r"\S*/site-packages/", "", out.getvalue().replace(str(HERE.parent) + "/", ""))
    return text[text.find("   ncalls"):].rstrip("\n") + "\n"


def served(root, url, path):
    """Pages/s and p50 ms of GET path alone from gunicorn (2 workers, as configured) run in root."""
    job = partial(Page, path=path)
    with LiveServer(url, workers=2, root=root) as server:
        drive(server.base_url, job, processes=1, threads=8, seconds=1)  # warm up
        result = drive(server.base_url, job, processes=2, threads=8, seconds=SECONDS)
    assert set(result.statuses) == {200}, result.statuses
    return result.rps, result.ms(50)


def run():
    """Statements and CPU per page in-process; pages/s from gunicorn (and from PAGES_BEFORE)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="jaring-bench-pages-") as tmp:
        app, client = visitor(f"sqlite:///{Path(tmp) / 'pages.sqlite3'}")
        counted = count_statements(client)
        cpu, text = profile(client)
        db.close()
        listing = "\n".join(f"{label}: {len(seen)}\n" + "".join(f"  {s[:150]}\n" for s in seen)
                            for label, seen in counted.items())
        (HERE / "profile_pages.txt").write_text(
            f"Statements per view (after a warm-up view):\n{listing}\n"
            f"cProfile, Flask test client, SQLite, CSRF on, session kept\n{text}")
        for label, _, _ in PAGES:
            rows += [row(f"statements per view, {label}", len(counted[label]), "statements"),
                     row(f"CPU per view, {label} (test client, cProfile on)", cpu[label], "ms")]
        if not SECONDS:
            return rows
        url = f"sqlite:///{Path(tmp) / 'served.sqlite3'}"
        prepare_database(url)
        trees = [("before", Path(BEFORE))] if BEFORE else []
        trees.append(("now", HERE.parent))
        for path in ("/", "/daftar"):
            for name, root in trees:
                rps, p50 = served(root, url, path)
                tag = f" ({name}: {root})" if BEFORE else ""
                rows += [row(f"GET {path} alone from gunicorn{tag}", rps, "req/s"),
                         row(f"GET {path} alone, p50{tag}", p50, "ms")]
    return rows
