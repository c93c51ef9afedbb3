"""Errors htmx does not swap are shown to the person (issue 10, kind 7): an expired form, too many
tries, too large, a server error, a proxy's page, no connection; with JavaScript on and off."""
import sqlite3

import pytest

from tests.browser.conftest import fill_registration, screenshot
from tests.browser.test_public_browser import wait_for_htmx

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EXPIRED = "Formulir sudah kedaluwarsa"
SERVER_ERROR = "Maaf, ada gangguan. Data Anda belum tersimpan."
OFFLINE = "Tidak tersambung ke internet"


def stored(live_server, nik):
    """How many registrations the live server's database holds for nik."""
    path = live_server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        return con.execute("SELECT COUNT(*) FROM registration WHERE nik = ?", (nik,)).fetchone()[0]


def filled(page, values):
    """The registration form, filled in, htmx running."""
    page.goto("/daftar")
    wait_for_htmx(page)
    fill_registration(page, values)
    page.check("#decl_not_participant")
    page.check("#decl_income")


def shown_error(page):
    """The text of the request-error banner once it is visible."""
    banner = page.locator("#request-error")
    banner.wait_for(state="visible")
    assert banner.is_visible() and banner.bounding_box()["height"] > 0
    return banner.inner_text()


@pytest.mark.parametrize("expire", ["token", "session"])
def test_an_expired_form_says_so_with_js(js_page, live_server, applicant_form, expire):
    filled(js_page, applicant_form)
    if expire == "token":
        js_page.evaluate("document.querySelector('input[name=csrf_token]').value = 'expired'")
    else:
        js_page.context.clear_cookies()
    js_page.click("button[type=submit]")
    assert EXPIRED in shown_error(js_page)
    assert js_page.locator("#register-form").count() == 1  # what was typed is still there
    assert stored(live_server, applicant_form["nik"]) == 0
    screenshot(js_page, "errors-js-expired")


def test_an_expired_form_says_so_without_js(nojs_page, live_server, applicant_form):
    nojs_page.goto("/daftar")
    fill_registration(nojs_page, applicant_form)
    nojs_page.check("#decl_not_participant")
    nojs_page.check("#decl_income")
    nojs_page.context.clear_cookies()  # the session that signed the form's token is gone
    nojs_page.click("button[type=submit]")
    assert EXPIRED in nojs_page.inner_text("h1")
    assert stored(live_server, applicant_form["nik"]) == 0


def test_too_large_a_form_says_so(js_page, live_server, applicant_form):
    filled(js_page, applicant_form)
    js_page.evaluate("(() => { const i = document.createElement('input'); i.type = 'hidden';"
                     " i.name = 'padding'; i.value = 'x'.repeat(1100000);"
                     " document.querySelector('#register-form').appendChild(i); })()")
    js_page.click("button[type=submit]")
    message = shown_error(js_page)
    assert "Data yang dikirim terlalu besar" in message, message
    assert stored(live_server, applicant_form["nik"]) == 0


@pytest.mark.parametrize("status,content_type,body,expected", [
    (429, "text/plain; charset=utf-8", "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
     "Terlalu banyak percobaan"),
    (500, "text/plain; charset=utf-8", SERVER_ERROR + " Coba lagi sebentar lagi.", SERVER_ERROR),
    (502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", SERVER_ERROR),
    (503, "text/html", "<html><body>Service Unavailable</body></html>", SERVER_ERROR),
])
def test_other_error_answers_are_shown(js_page, live_server, applicant_form, status, content_type, body,
                                       expected):
    filled(js_page, applicant_form)
    # What the app (or the proxy in front of it) answers when it is overloaded or breaks.
    js_page.route("**/daftar", lambda route: route.fulfill(status=status, content_type=content_type,
                                                           body=body)
                  if route.request.method == "POST" else route.continue_())
    js_page.click("button[type=submit]")
    assert expected in shown_error(js_page)
    assert js_page.locator("#register-form").count() == 1


def test_no_connection_is_shown(js_page, live_server, applicant_form):
    filled(js_page, applicant_form)
    js_page.context.set_offline(True)
    js_page.click("button[type=submit]")
    assert OFFLINE in shown_error(js_page)
    js_page.context.set_offline(False)
    js_page.click("button[type=submit]")  # the banner goes when the worker tries again
    js_page.wait_for_selector("#register-result")
    assert js_page.locator("#request-error").is_hidden()
    screenshot(js_page, "errors-js-offline-then-sent")
