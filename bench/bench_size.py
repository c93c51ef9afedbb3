"""First-visit weight of the public pages: compressed HTML+CSS, and how scripts load."""
import tempfile
from gzip import decompress
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bench.common import Client, row
from tests.live_server import LiveServer, prepare_database

PAGES = ("/daftar", "/", "/status")
# The second step of the largest regency (Kutai Kartanegara): its kelurahan, grouped by kecamatan.
STEPS = ("/daftar?kabupaten=64.02",)
FIRST_ROUND_TRIP = 14_000  # about ten TCP segments: what arrives before the first ACK round trip


class Resources(HTMLParser):
    """The things a page makes the browser fetch: scripts (with defer), stylesheets, images."""

    def __init__(self):
        super().__init__()
        self.scripts, self.fetched = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.fetched.append(attrs["src"])
        if tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.fetched.append(attrs["href"])


def fetch(base_url, path):
    """GET path as a first visit (no cookies, gzip accepted): (status, headers, raw body bytes)."""
    client = Client(base_url)
    try:
        return client.request("GET", path, headers={"Accept-Encoding": "gzip"})
    finally:
        client.close()


def page_rows(base_url, path, loaded=""):
    """Compressed size of one page and what its scripts and other fetches look like."""
    status, headers, body = fetch(base_url, path)
    assert status == 200 and headers.get("Content-Encoding") == "gzip", (path, status, dict(headers))
    assert int(headers.get("Content-Length", len(body))) == len(body), "Content-Length disagrees"
    parser = Resources()
    parser.feed(decompress(body).decode("utf-8"))
    origin = urlsplit(base_url).netloc
    foreign = [u for u in parser.fetched if urlsplit(urljoin(base_url, u)).netloc != origin]
    blocking = [s for s in parser.scripts if "defer" not in s and "async" not in s]
    extra = sum(len(fetch(base_url, u)[2]) for u in parser.fetched
                if u not in foreign and not u.startswith("/static/vendor/") and u.endswith(".css"))
    return [
        row(f"{path} HTML+CSS gzip (first visit{loaded})", len(body) + extra, "bytes",
            f"≤ {FIRST_ROUND_TRIP:,}"),
        row(f"{path} scripts without defer (or inline)", len(blocking), "scripts", "= 0"),
        row(f"{path} fetches from other origins", len(foreign), "requests", "= 0"),
    ], [s["src"] for s in parser.scripts if s.get("src")]


def villages(url):
    """How many kelurahan the measured database holds (the province's data is loaded)."""
    from database import open_database
    from models import Region, db
    open_database(url)
    with db.connection_context():
        return Region.select().where(Region.level == "village").count()


def run():
    """Measure every public page on the production server, then htmx itself."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare_database(url)
        with LiveServer(url, workers=1) as server:
            rows, scripts = [], set()
            loaded = f", {villages(url):,} kelurahan loaded"
            for path in PAGES:
                found, srcs = page_rows(server.base_url, path, loaded if path == "/daftar" else "")
                rows += found
                scripts.update(srcs)
            for path in STEPS:
                status, _headers, body = fetch(server.base_url, path)
                assert status == 200, (path, status)
                rows.append(row(f"{path} HTML gzip (the regency step, no budget)", len(body), "bytes"))
            for src in sorted(scripts):
                status, headers, body = fetch(server.base_url, src)
                name = src.split("?", 1)[0].rsplit("/", 1)[-1]  # errors.js?v=<digest>: errors.js
                assert status == 200, (src, status)
                gzipped = headers.get("Content-Encoding") == "gzip"
                rows.append(row(f"{name} bytes sent (gzip asked; cached)", len(body), "bytes"))
                rows.append(row(f"{name} gzip-encoded for gzip-only clients", gzipped, "yes=1", "= 1"))
                age = headers.get("Cache-Control", "").partition("max-age=")[2].split(",")[0]
                rows.append(row(f"{name} cache max-age", float(age or 0), "s", "≥ 31,536,000"))
    return rows
