"""No input to a staff page, however long or strange, gives a server error."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.staff_support import logged_in, registered, staff_app, text  # noqa: F401

FIELDS = ["username", "password", "next", "reason", "note", "id", "capacity", "open", "until", "role",
          "kelurahan", "agency", "active", "unlock", "phone", "body", "sid", "said", "heard", "nik",
          "name", "birth_date", "occupation", "decl_not_participant", "decl_income"]
POSTS = ["/staff/masuk", "/staff/r/1/setujui", "/staff/r/1/tolak", "/staff/setujui-massal",
         "/staff/r/1/buka", "/staff/kuota/kota-balikpapan/kapasitas", "/staff/kuota/x/status",
         "/staff/tahun/status", "/staff/akun", "/staff/akun/1", "/staff/daftar", "/staff/simulator"]
GETS = ["/staff/audit", "/staff/r/1", "/staff/r/1/tolak", "/staff/masuk"]
ODD = st.text(max_size=600) | st.sampled_from(["", "0", "-1", "1" * 30, "\x00", "é" * 50, "<b>", "2025-02-30"])


@pytest.fixture
def admin(staff_app):
    registered(1)
    return logged_in(staff_app, "ana", "admin")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(POSTS), data=st.dictionaries(st.sampled_from(FIELDS), ODD, max_size=8))
def test_no_form_gives_a_server_error(admin, url, data):
    assert admin.post(url, data=data).status_code < 500
    assert admin.post(url, data=data, headers={"HX-Request": "true"}).status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(GETS), args=st.dictionaries(st.sampled_from(
    ["actor", "action", "ref", "since", "until", "before", "next"]), ODD, max_size=5))
def test_no_query_string_gives_a_server_error(admin, url, args):
    assert admin.get(url, query_string=args).status_code < 500


@pytest.mark.parametrize("url", ["/staff/r/99999999999999999999", "/staff/r/99999999999999999999/tolak",
                                 "/staff/akun/99999999999999999999", "/staff/r/-1"])
def test_huge_or_odd_ids_are_simply_not_found(admin, url):
    assert admin.get(url).status_code == 404
    assert "Halaman tidak ditemukan." in text(admin.get(url))
