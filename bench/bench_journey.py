"""Bytes a worker's phone transfers for the whole journey (home → form → confirmation), cold
cache, JavaScript on and off; and the compressed size of the 422 and 404 pages (issue 11)."""
import re
import tempfile
from pathlib import Path

import requests

from bench.common import row
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, fill_registration
from tests.live_server import LiveServer, prepare_database

GZIP = {"Accept-Encoding": "gzip"}


def journey_bytes(browser, base_url, js, number):
    """Everything sent and received (headers and encoded bodies) from first visit to confirmation."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=js,
                                  base_url=base_url)
    requests_seen = []
    context.on("requestfinished", lambda request: requests_seen.append(request))
    page = context.new_page()
    page.goto("/")
    page.click("#cta")
    page.wait_for_load_state("load")
    fill_registration(page, factories.form(number))
    page.click("#register-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/daftar/hasil/\d+$"))
    page.wait_for_selector("#register-result")
    total = 0
    for request in requests_seen:
        sizes = request.sizes()
        total += sum(sizes[k] for k in ("requestHeadersSize", "requestBodySize",
                                        "responseHeadersSize", "responseBodySize"))
    context.close()
    return total, len(requests_seen)


def error_page_bytes(base_url):
    """Compressed bytes of the 422 form (an empty registration) and of a 404 page."""
    session = requests.Session()
    form_page = session.get(f"{base_url}/daftar", headers=GZIP)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page.text).group(1)
    invalid = session.post(f"{base_url}/daftar", data={"csrf_token": token}, headers=GZIP)
    missing = session.get(f"{base_url}/tidak-ada", headers=GZIP)
    assert (invalid.status_code, missing.status_code) == (422, 404)
    return [(name, response.headers.get("Content-Encoding"), int(response.headers["Content-Length"]))
            for name, response in (("422", invalid), ("404", missing))]


def run():
    """One production server; Chromium for the journeys, plain HTTP for the error pages."""
    from playwright.sync_api import sync_playwright
    rows = []
    with tempfile.TemporaryDirectory(prefix="jaring-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare_database(url)
        with LiveServer(url, workers=1) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for js, number in ((True, 9100), (False, 9101)):
                total, count = journey_bytes(browser, server.base_url, js, number)
                mode = "JS on" if js else "JS off"
                rows.append(row(f"journey home→confirmation, cold cache, {mode}", total, "bytes"))
                rows.append(row(f"journey requests, {mode}", count, "requests"))
            browser.close()
            for name, encoding, size in error_page_bytes(server.base_url):
                rows.append(row(f"{name} page bytes sent (gzip asked)", size, "bytes", "≤ 5,000"))
                rows.append(row(f"{name} page gzip-encoded", encoding == "gzip", "yes=1", "= 1"))
    return rows
