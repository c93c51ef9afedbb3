"""Browser fixtures: one headless Chromium, the production server, 360x640 pages with JS on or off."""
import itertools
import os
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import need
from tests.live_server import LiveServer, prepare_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
VIEWPORT = {"width": 360, "height": 640}
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
_numbers = itertools.count(7000)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (`playwright install` cannot download here)."""
    need(os.path.exists(CHROMIUM), "Chromium at /usr/bin/chromium (Debian packages chromium, chromium-driver)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn with the project's config on a migrated, seeded SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'jaring.sqlite3'}"
    prepare_database(url)
    with LiveServer(url, workers=2) as server:
        yield server


def _context(browser, live_server, js):
    """A fresh browser context (own cookies) at 360x640, Indonesian."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=js, locale="id-ID",
                                  base_url=live_server.base_url)
    context.set_default_timeout(45_000)  # a loaded 2-core CI machine answers slowly at times
    return context


@pytest.fixture
def js_page(browser, live_server):
    """A page with JavaScript on (htmx active)."""
    context = _context(browser, live_server, js=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(browser, live_server):
    """A page with JavaScript off (Opera Mini, KaiOS): plain HTML forms only."""
    context = _context(browser, live_server, js=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def applicant_form():
    """Form values for a valid applicant no other browser test uses."""
    return factories.form(next(_numbers))


def screenshot(page, name):
    """Save a full-page screenshot to tests/artifacts/ (gitignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_kelurahan(page, code):
    """Step one, the regency (htmx swaps its kelurahan in; without JS a GET step); then the kelurahan."""
    page.select_option("#kabupaten", code[:5])
    step = page.locator("#regency-step input[type=submit]")  # shown only without JavaScript
    if step.count() and step.is_visible():
        step.click()
        page.wait_for_load_state("load")
    page.wait_for_selector(f"#kelurahan option[value='{code}']", state="attached")
    page.select_option("#kelurahan", code)


def fill_registration(page, values):
    """Type an applicant into the registration form as a worker would: where they live first."""
    choose_kelurahan(page, values["kelurahan"])
    for field in ("nik", "name", "birth_date", "phone"):
        page.fill(f"#{field}", values[field])
    page.select_option("#occupation", values["occupation"])
    for field in ("decl_not_participant", "decl_income"):
        if values.get(field):
            page.check(f"#{field}")
