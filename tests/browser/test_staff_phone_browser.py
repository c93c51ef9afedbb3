"""An admin on a 360 px phone: folded menu, compact queue, detail and dashboard that fit."""
import os
import subprocess
import sys

import pytest

from tests.browser.test_staff_browser import PASSWORD, chromium, screenshot  # noqa: F401 - fixture
from tests.live_server import ROOT, LiveServer, prepare_database

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 360, "height": 640}


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    """gunicorn on a database with 80 demo registrations and an admin."""
    url = f"sqlite:///{tmp_path_factory.mktemp('staff-phone') / 'jaring.sqlite3'}"
    prepare_database(url)
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app")
    for args, stdin in ((["staff", "create", "ada", "--role", "admin", "--password-stdin"], PASSWORD + "\n"),
                        (["demo-data", "--registrations", "80", "--seed", "11",
                          "--mix", "pending=100"], None)):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, input=stdin,
                       text=True, check=True, capture_output=True, timeout=300)
    with LiveServer(url, workers=1) as server:
        yield server


@pytest.fixture
def admin_page(chromium, busy_site):  # noqa: F811 - the fixture imported above
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False, locale="id-ID",
                                   base_url=busy_site.base_url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/staff/masuk")
    page.fill("#username", "ada")
    page.fill("#password", PASSWORD)
    page.click("form.narrow button[type=submit]")
    page.wait_for_url("**/staff")
    yield page
    context.close()


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_admin_menu_folds_at_phone_width_and_opens_without_script(admin_page):
    page = admin_page
    assert not page.locator("header nav").is_visible()
    assert page.locator("header").bounding_box()["height"] <= 80
    page.click("label.menu-button")
    assert page.locator("header nav a", has_text="Audit").is_visible()
    screenshot(page, "staff-phone-menu-open-360")


def test_queue_rows_are_compact_at_360(admin_page):
    page = admin_page
    rows = page.locator("li.row")
    assert rows.count() == 50
    first, last = rows.first.bounding_box(), rows.last.bounding_box()
    per_row = (last["y"] + last["height"] - first["y"]) / 50
    assert per_row <= 200, per_row  # was 300 px a row (15,000 px a page); now about 196
    assert overflow(page) <= 0
    screenshot(page, "staff-phone-queue-360")


def test_detail_history_does_not_scroll_the_page_sideways(admin_page):
    page = admin_page
    page.locator("li.row a.name").first.click()
    page.wait_for_selector("table.history")
    assert overflow(page) <= 0
    screenshot(page, "staff-phone-detail-360")


def test_dashboard_labels_are_whole_at_360(admin_page):
    page = admin_page
    page.goto("/staff/dasbor")
    assert overflow(page) <= 0
    labels = page.locator(".narrow-table th[scope=row]").all()
    assert labels, "the bar charts show their labels as a table on a phone"
    for label in labels:
        assert label.is_visible()
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), label.inner_text()
    screenshot(page, "staff-phone-dashboard-360")

