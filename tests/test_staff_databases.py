"""The staff pages' own SQL (filters, search, flags, charts) on SQLite and on PostgreSQL."""
import re

from models import Registration
from tests.factories import make_nik
from tests.staff_support import CHEAP_HASH, logged_in, registered, text


def test_queue_filters_search_flags_and_dashboard_work_on_each_database(core_app):
    core_app.config["STAFF_ARGON2"] = CHEAP_HASH
    client = logged_in(core_app, "vera", "verifier")
    first = registered(1, name="Citra Lestari")
    twin = registered(2, name="CITRA LESTARI")
    other = registered(3, name="Dari Samarinda", nik=make_nik(3, region="647201"), occupation="nelayan",
                       kelurahan="64.71.05.1002")

    def ids(url):
        return [int(i) for i in re.findall(r'<li id="r-(\d+)"', text(client.get(url)))]

    assert ids("/staff") == [first.id, twin.id, other.id]
    assert ids("/staff?kecamatan=64.71.05&occupation=nelayan") == [other.id]
    assert ids("/staff?q=citra") == [first.id, twin.id]
    assert ids(f"/staff?q={other.nik}") == [other.id]
    assert ids("/staff?flag=duplicate") == [first.id, twin.id]
    assert ids("/staff?flag=region") == [other.id]
    assert ids(f"/staff?after={first.id}") == [twin.id, other.id]
    page = text(client.get("/staff/dasbor"))
    assert page.count("<svg") == 6 and "Balikpapan Selatan" in page
    assert client.post(f"/staff/r/{first.id}/setujui").status_code == 303
    assert Registration.get_by_id(first.id).status == "approved"
