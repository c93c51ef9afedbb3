"""The staff pages' own SQL (filters, search, flags, charts) on SQLite and on PostgreSQL."""
import os
import re

import psycopg2
import pytest

from models import Registration, db
from tests.conftest import make_app
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


@pytest.mark.postgres
def test_a_regencys_range_holds_where_the_collation_skips_punctuation(pg_server):
    # ICU's "shifted" punctuation compares 64.72.01 as 647201, as some en_US databases do: a range
    # ending at "64.72/" held only 64.72 itself there.
    name = f"jaring_shifted_{os.getpid()}"
    conn = psycopg2.connect(host="127.0.0.1", port=pg_server.port, user=pg_server.user, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE 'C' LOCALE_PROVIDER icu "
                    "ICU_LOCALE 'und-u-ka-shifted'")
    conn.close()
    app = make_app(pg_server.url(name), STAFF_ARGON2=CHEAP_HASH)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert db.execute_sql("SELECT '64.72.01' < '64.72/'").fetchone() == (False,)  # as said above
        registered(1)
        registered(2, name="Siti Samarinda", kelurahan="64.72.01.1001", decl_dtks=True)
        admin = logged_in(app, "ana", "admin")
        page = text(admin.get("/staff/dasbor?region=64.72"))
        assert "<strong>1</strong> pendaftaran</li>" in page and "Palaran" in page
        assert "Palaran" in text(admin.get("/staff?regency=64.72"))  # its kecamatan menu
        db.close()
