"""A verifier works the queue in headless Chromium at 360x640, with JavaScript on and off."""
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.factories import form
from tests.live_server import ROOT, LiveServer, prepare_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PASSWORD = "kata-sandi-peramban-panjang"
NAMES = ["Ani Suryani", "Bayu Pratama", "Cici Paramida", "Dodi Hermawan", "Euis Kurnia", "Fikri Haikal"]


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    """gunicorn on a fresh SQLite file with six registrations and a verifier made by the CLI."""
    path = tmp_path_factory.mktemp("staff-live") / "jaring.sqlite3"
    url = f"sqlite:///{path}"
    prepare_database(url)
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app")
    subprocess.run([sys.executable, "-m", "flask", "staff", "create", "vera", "--role", "verifier",
                    "--password-stdin"], cwd=ROOT, env=env, input=PASSWORD + "\n", text=True,
                   check=True, capture_output=True, timeout=120)
    with LiveServer(url, workers=2) as server:
        worker = requests.Session()
        for i, name in enumerate(NAMES):
            token = re.search(r'name="csrf_token" value="([^"]+)"', worker.get(f"{server.base_url}/daftar").text)
            shared = {"phone": "081377778888"} if i >= 4 else {}  # two NIKs on one phone: a flag
            data = dict(form(8100 + i, name=name, **shared), csrf_token=token.group(1))
            assert worker.post(f"{server.base_url}/daftar", data=data, allow_redirects=False).status_code == 303
        server.path = path
        yield server


@pytest.fixture
def chromium(browser):
    """The one session-wide Chromium of tests/browser/conftest.py (Playwright allows one per process)."""
    return browser


def new_page(chromium, site, js):
    """A fresh 360x640 browser context (own cookies) with JavaScript on or off."""
    context = chromium.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=js,
                                   locale="id-ID", base_url=site.base_url)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def status_of(site, name):
    """The stored status of the registration of name."""
    with sqlite3.connect(site.path) as conn:
        return conn.execute("SELECT status FROM registration WHERE name = ?", (name,)).fetchone()[0]


def row_id(page, name):
    """The id of the queue row showing name."""
    return page.locator("li.row", has_text=name).first.get_attribute("id")


def log_in(page):
    """Open the queue, get sent to the login page, log in, land on the queue."""
    page.goto("/staff")
    assert "/staff/masuk" in page.url
    page.fill("#username", "vera")
    page.fill("#password", PASSWORD)
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/staff")
    assert "Antrean pemeriksaan" in page.inner_text("h1")


def screenshot(page, name):
    """Keep a full-page screenshot in tests/artifacts/ (gitignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_with_javascript_a_verifier_approves_and_rejects_in_place(chromium, staff_site):
    context, page = new_page(chromium, staff_site, js=True)
    log_in(page)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.stillHere = 'yes'")
    counters = page.inner_text("#counters")

    approve = row_id(page, NAMES[0])
    page.click(f"#{approve} button.approve")
    page.locator(f"#{approve} .status", has_text="Disetujui").wait_for()
    page.locator("#counters", has_text="1 disetujui").wait_for()
    assert page.inner_text("#counters") != counters

    reject = row_id(page, NAMES[1])
    page.click(f"#{reject} a.reject")
    page.locator(f"#{reject} select[name=reason]").select_option("income")
    page.click(f"#{reject} button.danger")
    page.locator(f"#{reject} .status", has_text="Ditolak").wait_for()
    page.locator("#counters", has_text="1 ditolak").wait_for()

    assert page.evaluate("window.stillHere") == "yes"  # no page load: htmx swapped the rows
    assert (status_of(staff_site, NAMES[0]), status_of(staff_site, NAMES[1])) == ("approved", "rejected")
    screenshot(page, "staff-queue-js-360")
    page.goto("/staff/dasbor")
    assert page.locator("svg.svg-chart").count() == 6
    screenshot(page, "staff-dashboard-js-360")
    context.close()


def test_without_javascript_a_verifier_approves_and_rejects_with_plain_forms(chromium, staff_site):
    context, page = new_page(chromium, staff_site, js=False)
    responses = []
    page.on("response", lambda r: responses.append((r.request.method, r.status)))
    log_in(page)
    assert page.locator("li.row", has_text=NAMES[4]).locator(".flag").count() == 1
    screenshot(page, "staff-queue-nojs-360")

    approve = row_id(page, NAMES[2])
    page.click(f"#{approve} button.approve")
    page.wait_for_load_state("load")
    assert "disetujui." in page.inner_text(".flash")
    assert ("POST", 303) in responses

    reject = row_id(page, NAMES[3])
    page.click(f"#{reject} a.reject")
    page.wait_for_url("**/tolak?**")
    page.select_option("select[name=reason]", "already_participant")
    page.fill("textarea[name=note]", "Sudah terdaftar lewat perusahaan")
    page.click("form.reject-form button.danger")
    page.wait_for_url("**/staff")
    assert "ditolak." in page.inner_text(".flash")
    assert (status_of(staff_site, NAMES[2]), status_of(staff_site, NAMES[3])) == ("approved", "rejected")

    page.click(f"input[value='{row_id(page, NAMES[4])[2:]}'][form=bulk]")
    page.click(f"input[value='{row_id(page, NAMES[5])[2:]}'][form=bulk]")
    page.click("#bulk button")
    page.wait_for_load_state("load")
    assert "2 disetujui" in page.inner_text(".flash")
    assert status_of(staff_site, NAMES[4]) == status_of(staff_site, NAMES[5]) == "approved"
    page.goto("/staff/dasbor")
    screenshot(page, "staff-dashboard-nojs-360")
    context.close()
