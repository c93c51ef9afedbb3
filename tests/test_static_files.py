"""Our own static files go out under a URL naming their content, cached a year; anything else
under /static/ is not cached as if it could never change."""
import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
YEAR = "public, max-age=31536000, immutable"
SRC = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def digest(name):
    return hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]


@pytest.mark.parametrize("page, ours", [
    ("/daftar", ["errors.js"]),
    ("/staff/masuk", ["site.css", "staff.css", "errors.js"]),
])
def test_the_pages_name_our_files_by_their_content(client, page, ours):
    found = SRC.findall(client.get(page).get_data(as_text=True))
    assert [u for u in found if "/vendor/" not in u] == [f"/static/{n}?v={digest(n)}" for n in ours]


@pytest.mark.parametrize("url, cached_a_year", [
    (f"/static/errors.js?v={digest('errors.js')}", True),
    (f"/static/staff.css?v={digest('staff.css')}", True),
    ("/static/errors.js", False),  # no version: a changed file must reach the phone
    ("/static/errors.js?v=0123456789ab", False),  # an old version's URL gets today's file
    (f"/static/staff.css?v={digest('errors.js')}", False),  # another file's digest
    (f"/static/missing.js?v={digest('errors.js')}", False),  # 404
])
def test_a_year_only_for_the_current_content(client, url, cached_a_year):
    response = client.get(url)
    assert (response.headers.get("Cache-Control") == YEAR) is cached_a_year
    assert response.status_code == (404 if "missing" in url else 200)


def test_vendored_htmx_carries_its_version_and_is_cached_a_year(app, client):
    name = app.config["HTMX_FILE"]
    response = client.get(f"/static/{name}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == YEAR


@pytest.mark.parametrize("url", [
    "/static/./errors.js", "/static/vendor/../errors.js", "/static/./errors.js?v=0123456789ab"])
def test_another_spelling_of_our_file_is_not_cached_a_year(client, url):
    response = client.get(url)
    assert response.headers.get("Cache-Control") != YEAR


def test_a_revalidated_file_keeps_its_year(client):
    url = f"/static/errors.js?v={digest('errors.js')}"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["Cache-Control"] == YEAR
