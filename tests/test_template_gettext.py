"""The templates' gettext (web/translations.py) follows the request's locale, and force_locale."""
import pytest
from flask_babel import force_locale

TEMPLATE = "{{ _('Daftar') }}|{{ ngettext('%(num)s tahun', '%(num)s tahun', 2) }}"


@pytest.mark.parametrize("cookie, first", [("", "Daftar"), ("lang=en", "Sign up"), ("lang=xx", "Daftar")])
def test_each_request_gets_its_own_language_and_force_locale_switches_it(app, cookie, first):
    other = {"Daftar": "Sign up", "Sign up": "Daftar"}[first]
    forced = "en" if first == "Daftar" else "id"
    template = app.jinja_env.from_string(TEMPLATE)
    with app.test_request_context("/", headers={"Cookie": cookie} if cookie else {}):
        assert template.render().startswith(first + "|")
        with force_locale(forced):
            assert template.render().startswith(other + "|")
        assert template.render().startswith(first + "|")  # and back


def test_the_language_cookie_changes_a_whole_page(client):
    client.set_cookie("lang", "en")
    assert "Sign up" in client.get("/status").get_data(as_text=True)
    client.set_cookie("lang", "id")
    page = client.get("/status").get_data(as_text=True)
    assert "Sign up" not in page and "Daftar" in page
