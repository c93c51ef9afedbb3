"""Issue 11 in Chromium at 240x320 and 360x640, JavaScript on and off: measured, not looked at."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_registration, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REF = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")
SMALL, PHONE = {"width": 240, "height": 320}, {"width": 360, "height": 640}
# 200 % zoom on a 360 px phone leaves 180 CSS pixels.
ZOOMED = {"width": 180, "height": 320}
PUBLIC = ("/", "/daftar", "/status", "/manfaat", "/privasi", "/halaman-tidak-ada")


@pytest.fixture
def open_page(browser, live_server):
    """open_page(size, js): a fresh context (own cookies) of that size; closed after the test."""
    contexts = []

    def make(size, js=True):
        context = browser.new_context(viewport=size, java_script_enabled=js, locale="id-ID",
                                      base_url=live_server.base_url)
        context.set_default_timeout(45_000)  # as tests/browser/conftest.py: a loaded CI machine
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def bottom(page, selector):
    """The bottom edge of an element, in CSS pixels from the top of the document."""
    box = page.locator(selector).first.bounding_box()
    return box["y"] + box["height"] + page.evaluate("window.scrollY")


def overflow(page):
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def register(page, values, js):
    """Fill and send the form; wait for the confirmation."""
    page.goto("/daftar")
    if js:
        page.wait_for_load_state("load")
    fill_registration(page, values)
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#register-result")
    page.wait_for_url(re.compile(r".*/daftar/hasil/\d+$"))


def size_name(size):
    return f"{size['width']}"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_home_first_screen_at_360_shows_who_free_what_places_and_button(open_page, js):
    page = open_page(PHONE, js)
    page.goto("/")
    for part in ("#who", "#free", "#what", "#places", "#cta"):
        assert bottom(page, part) <= PHONE["height"], part
    assert page.locator("#cta").inner_text() == "Daftar sekarang"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_home_at_240_reaches_places_and_button_within_one_screen_of_scrolling(open_page, js):
    page = open_page(SMALL, js)
    page.goto("/")
    for part in ("#places", "#cta"):
        assert bottom(page, part) <= 2 * SMALL["height"], part


@pytest.mark.parametrize("size", [SMALL, ZOOMED], ids=["240", "zoom200"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_no_public_page_is_wider_than_the_screen(open_page, applicant_form, js, size):
    page = open_page(size, js)
    for path in PUBLIC:
        page.goto(path)
        assert overflow(page) <= 0, path
    page.goto("/daftar")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert overflow(page) <= 0, "form with errors"
    register(page, applicant_form, js)
    assert overflow(page) <= 0, "confirmation"


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_the_confirmation_url_survives_a_reload(open_page, applicant_form, js):
    page = open_page(PHONE, js)
    register(page, applicant_form, js)
    url, code = page.url, REF.search(page.inner_text(".ref")).group()
    page.reload()
    assert page.url == url and REF.search(page.inner_text(".ref")).group() == code
    assert applicant_form["name"] in page.inner_text("#result-name")
    assert "juga kami kirim lewat SMS" in page.inner_text("#register-result")


def test_without_js_at_240_the_code_is_on_the_first_screen(open_page, applicant_form):
    page = open_page(SMALL, js=False)
    register(page, applicant_form, js=False)
    page.evaluate("window.scrollTo(0, 0)")
    assert bottom(page, ".ref") <= SMALL["height"]


def test_the_confirmation_prints_on_one_page_with_name_date_and_code(open_page, applicant_form):
    page = open_page(PHONE, js=True)
    register(page, applicant_form, js=True)
    code = REF.search(page.inner_text(".ref")).group()
    page.emulate_media(media="print")
    for hidden in ("header nav", "footer", "a.btn, button"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    text = page.inner_text("main")
    assert code in text and applicant_form["name"] in text and "WITA" in page.inner_text("#result-date")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


@pytest.mark.parametrize("size", [SMALL, PHONE], ids=["240", "360"])
def test_header_language_and_back_links_are_at_least_44px_tall(open_page, size):
    page = open_page(size, js=False)
    page.goto("/manfaat")
    targets = page.locator("header a, footer a.lang, a.back").all()
    assert len(targets) >= 5
    for target in targets:
        assert target.bounding_box()["height"] >= 44, target.inner_text()


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_after_a_failed_submit_at_240_the_error_summary_heading_is_on_screen(open_page, js):
    page = open_page(SMALL, js)
    page.goto("/daftar")
    if js:
        page.wait_for_load_state("load")
    page.fill("#nik", "6471011203850001")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    # Whole on screen once the scroll that follows the focus is done (however long that takes).
    expect(page.locator("#error-summary h2")).to_be_in_viewport(ratio=1)


def test_only_the_nik_is_checked_while_filling_the_form(open_page, applicant_form):
    page = open_page(PHONE, js=True)
    page.goto("/daftar")
    page.wait_for_load_state("load")
    checks = []
    page.on("request", lambda r: checks.append(r.url) if "/daftar/periksa" in r.url else None)
    fill_registration(page, applicant_form)
    page.focus("#name")
    page.wait_for_timeout(300)
    assert len(checks) <= 1 and all("field=nik" in url for url in checks)


@pytest.mark.parametrize("size", [SMALL, PHONE], ids=["240", "360"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_screenshots_of_every_public_page(open_page, applicant_form, js, size):
    page = open_page(size, js)
    tag = f"{'js' if js else 'nojs'}-{size_name(size)}"
    for path in PUBLIC:
        page.goto(path)
        screenshot(page, f"journey-{path.strip('/') or 'home'}-{tag}")
    register(page, applicant_form, js)
    screenshot(page, f"journey-confirmation-{tag}")
