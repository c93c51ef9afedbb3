"""The public pages in headless Chromium at 360x640, with JavaScript on and off."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fill_registration, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REF = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def wait_for_htmx(page):
    """Wait until the deferred htmx script has run (no wait_for_function: the CSP forbids eval)."""
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.htmx") == "object"


def register_without_js(page, values):
    """Register through the plain form; return the reference code shown."""
    page.goto("/daftar")
    fill_registration(page, values)
    page.click("button[type=submit]")
    return REF.search(page.inner_text(".ref")).group()


def test_register_with_js_swaps_in_the_result_without_a_page_load(js_page, applicant_form):
    js_page.goto("/daftar")
    wait_for_htmx(js_page)
    js_page.evaluate("window.stillHere = 'yes'")
    fill_registration(js_page, applicant_form)
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#register-result")
    assert js_page.evaluate("window.stillHere") == "yes"
    # No page load, but the address is the confirmation's own (pushed by htmx).
    js_page.wait_for_url(re.compile(r".*/daftar/hasil/\d+$"))
    assert js_page.locator("#register-form").count() == 0
    assert "Anda mendapat tempat" in js_page.inner_text("#register-result")
    assert REF.fullmatch(js_page.inner_text(".ref").strip())
    screenshot(js_page, "register-js-result")


def test_register_without_js_posts_and_lands_on_the_result_page(nojs_page, live_server, applicant_form):
    responses = []
    nojs_page.on("response", lambda r: responses.append((r.request.method, r.url, r.status)))
    nojs_page.goto("/daftar")
    fill_registration(nojs_page, applicant_form)
    nojs_page.click("button[type=submit]")
    nojs_page.wait_for_url(re.compile(r".*/daftar/hasil/\d+$"))
    assert ("POST", f"{live_server.base_url}/daftar", 303) in responses
    assert "Pendaftaran diterima" in nojs_page.inner_text("h1")
    assert REF.fullmatch(nojs_page.inner_text(".ref").strip())
    screenshot(nojs_page, "register-nojs-result")


def test_inline_check_shows_the_error_beside_the_field(js_page):
    js_page.goto("/daftar")
    wait_for_htmx(js_page)
    js_page.fill("#nik", "12345")
    js_page.focus("#name")
    error = js_page.locator("div:has(> #nik) > #nik-error")
    error.filter(has_text="NIK harus 16 angka").wait_for()
    assert js_page.locator("#error-summary").count() == 0
    js_page.fill("#nik", "6471011203850001")
    js_page.focus("#phone")
    expect(error).to_have_text("")
    screenshot(js_page, "register-js-inline-error")


def test_empty_submit_without_js_lists_every_problem_linked_to_its_field(nojs_page):
    nojs_page.goto("/daftar")
    nojs_page.click("button[type=submit]")
    summary = nojs_page.locator("#error-summary")
    assert "Ada yang perlu diperbaiki" in summary.inner_text()
    links = summary.locator("a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"#nik", "#name", "#birth_date", "#phone", "#occupation", "#kelurahan"} <= set(targets)
    for i, href in enumerate(targets):
        beside = nojs_page.inner_text(f"{href}-error")
        assert beside and beside == links.nth(i).inner_text()
    links.first.click()
    assert nojs_page.url.endswith("#nik")
    screenshot(nojs_page, "register-nojs-error-summary")


def test_empty_submit_with_js_swaps_in_the_summary(js_page):
    js_page.goto("/daftar")
    wait_for_htmx(js_page)
    js_page.evaluate("window.stillHere = 'yes'")
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#error-summary")
    assert js_page.evaluate("window.stillHere") == "yes"
    assert js_page.locator("#register-form").count() == 1
    assert js_page.inner_text("#nik-error") == "Isi NIK Anda (16 angka di KTP)."


def test_status_check_and_cancel_without_js(nojs_page, applicant_form):
    ref = register_without_js(nojs_page, applicant_form)
    nojs_page.goto("/status")
    nojs_page.fill("#nik", applicant_form["nik"])
    nojs_page.fill("#ref", ref.lower())
    nojs_page.click("button[type=submit]")
    assert ref in nojs_page.inner_text("[role=status]")
    assert "Dapat tempat, menunggu pemeriksaan" in nojs_page.inner_text("[role=status]")
    screenshot(nojs_page, "status-nojs")
    nojs_page.click("text=Batalkan pendaftaran")
    nojs_page.click("button.danger")
    assert "Centang kotak ini untuk membatalkan." in nojs_page.inner_text("#confirm-error")
    nojs_page.check("#confirm")
    nojs_page.click("button.danger")
    assert "Dibatalkan" in nojs_page.inner_text("[role=status]")
    assert nojs_page.locator("text=Batalkan pendaftaran").count() == 0


def test_status_lookup_miss_is_explained_without_js(nojs_page):
    nojs_page.goto("/status")
    nojs_page.fill("#nik", "6471011203859999")
    nojs_page.fill("#ref", "AAAA-AAAA")
    nojs_page.click("button[type=submit]")
    assert "Data tidak ditemukan" in nojs_page.inner_text("#error-summary")


def test_no_request_goes_to_another_origin(js_page, live_server, applicant_form):
    urls = []
    js_page.on("request", lambda r: urls.append(r.url))
    for path in ("/", "/status", "/daftar"):
        js_page.goto(path)
    wait_for_htmx(js_page)
    js_page.fill("#nik", "1")
    js_page.focus("#name")
    js_page.locator("#nik-error").filter(has_text="NIK").wait_for()
    fill_registration(js_page, applicant_form)
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#register-result")
    assert any("/static/vendor/htmx-" in u for u in urls)
    assert [u for u in urls if not u.startswith(live_server.base_url + "/")] == []


def test_no_console_error_or_csp_violation_with_js(js_page, applicant_form):
    problems = []
    js_page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    js_page.on("pageerror", lambda e: problems.append(str(e)))
    js_page.add_init_script("document.addEventListener('securitypolicyviolation',"
                            " e => console.error('CSP: ' + e.violatedDirective))")
    for path in ("/", "/status", "/daftar"):
        js_page.goto(path)
        js_page.wait_for_load_state("load")
    wait_for_htmx(js_page)
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#error-summary")
    fill_registration(js_page, applicant_form)
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#register-result")
    # 422 answers are expected (validation); Chromium logs them as failed resource loads.
    assert [p for p in problems if "status of 422" not in p] == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("path", ["/", "/daftar", "/status", "/daftar#errors"])
def test_page_fits_a_360px_screen(js, path, js_page, nojs_page):
    page = js_page if js else nojs_page
    page.goto(path.split("#")[0])
    if path.endswith("#errors"):
        page.click("button[type=submit]")
        page.wait_for_selector("#error-summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("button[type=submit], a.btn").first.bounding_box()["height"] >= 44
    name = path.strip("/").replace("#", "-") or "home"
    screenshot(page, f"{name}-{'js' if js else 'nojs'}-360")


def test_two_step_kelurahan_choice_without_js_is_a_plain_get(nojs_page, live_server):
    requests = []
    nojs_page.on("request", lambda r: requests.append((r.method, r.url)))
    nojs_page.goto("/daftar")
    assert nojs_page.locator("#kelurahan option").count() == 1  # only "choose a regency first"
    nojs_page.select_option("#kabupaten", "64.72")
    nojs_page.click("#regency-step input[type=submit]")
    nojs_page.wait_for_url("**/daftar?kabupaten=64.72")
    assert ("GET", f"{live_server.base_url}/daftar?kabupaten=64.72") in requests
    groups = nojs_page.locator("#kelurahan optgroup")
    assert groups.count() == 10 and groups.first.get_attribute("label") == "Palaran"
    assert nojs_page.locator("#kelurahan option[value^='64.71.']").count() == 0
    screenshot(nojs_page, "register-nojs-regency-step")


def test_two_step_kelurahan_choice_with_js_swaps_without_a_page_load(js_page, applicant_form):
    js_page.goto("/daftar")
    wait_for_htmx(js_page)
    js_page.evaluate("window.stillHere = 'yes'")
    assert not js_page.locator("#regency-step input[type=submit]").is_visible()
    js_page.select_option("#kabupaten", "64.74")
    js_page.wait_for_selector("#kelurahan optgroup", state="attached")
    assert js_page.evaluate("window.stillHere") == "yes" and js_page.url.endswith("/daftar")
    assert js_page.locator("#kelurahan option[value^='64.74.']").count() == 15  # Bontang
    js_page.select_option("#kabupaten", "64.71")
    js_page.wait_for_selector("#kelurahan option[value='64.71.01.1001']", state="attached")
    assert js_page.locator("#kelurahan option[value^='64.74.']").count() == 0
    fill_registration(js_page, applicant_form)
    js_page.click("button[type=submit]")
    js_page.wait_for_selector("#register-result")
    assert js_page.evaluate("window.stillHere") == "yes"
