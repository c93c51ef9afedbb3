"""The queue: pending oldest first, filters, search, keyset pages, flags, masked personal data."""
import datetime as dt
import html
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import DEFAULT_RULES
from core import clock, quota, refs
from core.identity import mask_nik
from models import DtksNik, Pool, Registration, db
from staff.flags import FLAGS, flags_for
from tests.factories import applicant, make_nik
from tests.staff_support import logged_in, registered, staff_app, text  # noqa: F401

NAMES = ["Agus Salim", "Budi Utomo", "Citra Lestari", "Dewi Sartika", "Eko Prasetyo", "Fajar Nugroho"]
ROW = re.compile(r'<li id="r-(\d+)"')


def ids_on(response):
    """Registration ids in the order the page lists them."""
    return [int(i) for i in ROW.findall(text(response))]


def rows_of(response):
    """{registration id: the HTML of its row}."""
    parts = text(response).split('<li id="r-')[1:]
    return {int(part.split('"', 1)[0]): part for part in parts}


def people(count, **overrides):
    """count registrations with different names (so they are not flagged as one person)."""
    return [registered(i, name=f"{NAMES[i % 6]} {chr(65 + i // 6)}", **overrides) for i in range(count)]


@pytest.fixture
def verifier(staff_app):
    return logged_in(staff_app, "vera", "verifier")


def test_pending_registrations_come_oldest_first_with_masked_nik_and_phone(verifier):
    regs = people(3)
    registered(10, status="approved", name="Sudah Disetujui")
    response = verifier.get("/staff")
    page = text(response)
    assert ids_on(response) == [r.id for r in regs]
    assert "Sudah Disetujui" not in page
    assert mask_nik(regs[0].nik) in page and regs[0].nik not in page
    assert "0812-••••-0000" in page and "081200000000" not in page


@pytest.mark.parametrize("args, expected", [
    ({"status": "approved"}, ["approved"]),
    ({"status": "all"}, ["pending", "approved", "rejected", "waitlisted", "other-pool"]),
    ({"pool": "prov-kaltim"}, ["other-pool"]),
    ({"kecamatan": "64.71.02"}, ["other-place"]),
    ({"kelurahan": "64.71.02.1001"}, ["other-place"]),
    ({"occupation": "nelayan"}, ["fisher"]),
    ({"channel": "assisted"}, ["assisted"]),
])
def test_filters_narrow_the_queue(verifier, args, expected):
    registered(1, name="Pending Satu")
    registered(2, status="approved", name="Approved Dua")
    registered(3, status="rejected", name="Rejected Tiga")
    registered(4, kelurahan="64.71.02.1001", name="Other Place")
    registered(5, occupation="nelayan", name="Fisher Lima")
    quota.register(applicant(6, name="Assisted Enam"), "assisted", DEFAULT_RULES)
    Pool.update(capacity=Pool.held).where(Pool.code == "kota-balikpapan").execute()
    registered(7, name="Other Pool", decl_dtks=True)  # city full: to the province (for DTKS)
    Pool.update(capacity=Pool.held).execute()
    registered(8, name="Waitlisted Delapan")
    labels = {"Pending Satu": "pending", "Approved Dua": "approved", "Rejected Tiga": "rejected",
              "Other Place": "other-place", "Fisher Lima": "fisher", "Assisted Enam": "assisted",
              "Other Pool": "other-pool", "Waitlisted Delapan": "waitlisted"}
    page = text(verifier.get("/staff", query_string=args))
    shown = {label for name, label in labels.items() if name in page}
    assert set(expected) <= shown
    if args.get("status") != "all":
        assert shown == set(expected)


@pytest.mark.parametrize("query", ["citra", "CITRA LES", "0812 0000 0002", "+6281200000002", "{nik}",
                                   "{ref}", "{ref_lower}"])
def test_search_finds_by_name_start_phone_nik_or_reference(verifier, query):
    regs = people(4)
    target = regs[2]
    query = query.format(nik=" ".join(re.findall("....", target.nik)), ref=refs.format_ref(target.ref),
                         ref_lower=target.ref.lower())
    assert ids_on(verifier.get("/staff", query_string={"q": query})) == [target.id]


def test_search_by_the_middle_of_a_name_finds_nothing(verifier):
    people(3)
    assert ids_on(verifier.get("/staff?q=lestari")) == []


def test_search_keeps_working_past_the_name_index_probe(verifier, monkeypatch):
    import staff.search
    monkeypatch.setattr(staff.search, "NAME_PROBE", 2)
    regs = [registered(i, name=f"Sri Rahayu {chr(65 + i)}") for i in range(4)]
    assert ids_on(verifier.get("/staff?q=sri")) == [r.id for r in regs]


def test_keyset_pages_list_everyone_once_oldest_first(verifier):
    regs = people(120)
    seen, url = [], "/staff"
    while url:
        response = verifier.get(url)
        seen += ids_on(response)
        found = re.search(r'href="([^"]+)" rel="next"', text(response))
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [r.id for r in regs]
    assert len(ids_on(verifier.get("/staff"))) == 50


def test_the_next_page_keeps_the_filters(verifier):
    people(60, occupation="nelayan")
    page = text(verifier.get("/staff?occupation=nelayan"))
    link = re.search(r'href="([^"]+)" rel="next"', page).group(1)
    assert "occupation=nelayan" in link and "after=" in link


def test_each_flag_is_shown_on_its_row(verifier):
    today = clock.today()  # the program's day (WITA), as the app counts ages
    old = dt.date(today.year - 64, today.month, 1) if today.day > 1 else dt.date(today.year - 64, 1, 1)
    plain = registered(1, name="Tanpa Tanda")
    region = registered(2, name="Dari Samarinda", nik=make_nik(2, region="647201"))
    elder = registered(3, name="Hampir Tua", birth=old)
    shared = [registered(4, name="Satu Nomor", phone="081377770000"),
              registered(5, name="Dua Nomor", phone="081377770000")]
    twins = [registered(6, name="Nama Kembar"), registered(7, name="NAMA KEMBAR")]
    mismatch = registered(8, name="Data Impor")
    Registration.update(sex="F").where(Registration.id == mismatch.id).execute()  # as if imported
    rows = rows_of(verifier.get("/staff"))

    def row(reg):
        return rows[reg.id]

    assert "flag" not in row(plain)
    assert "KTP dari kabupaten/kota lain" in row(region)
    assert "Mendekati batas usia" in row(elder)
    assert all("Nomor HP dipakai untuk beberapa NIK" in row(r) for r in shared)
    assert all("Mungkin orang yang sama" in row(r) for r in twins)
    assert "Tanggal lahir atau jenis kelamin beda dengan NIK" in row(mismatch)


def test_the_flag_filter_shows_only_flagged_rows(verifier):
    registered(1, name="Tanpa Tanda")
    shared = [registered(2, name="Satu Nomor", phone="081377770000"),
              registered(3, name="Dua Nomor", phone="081377770000")]
    region = registered(4, name="Dari Samarinda", nik=make_nik(4, region="647201"))
    assert ids_on(verifier.get("/staff?flag=any")) == [shared[0].id, shared[1].id, region.id]
    assert ids_on(verifier.get("/staff?flag=region")) == [region.id]


def test_the_flag_filter_stops_scanning_and_offers_to_go_on(verifier, monkeypatch):
    import staff.listing
    monkeypatch.setattr(staff.listing, "FLAG_SCAN_LIMIT", 3)
    monkeypatch.setattr(staff.listing, "FLAG_BATCH", 2)
    people(6)
    late = registered(20, name="Dari Samarinda", nik=make_nik(20, region="647201"))
    first = verifier.get("/staff?flag=region")
    assert ids_on(first) == []
    link = re.search(r'href="([^"]+)" rel="next"', text(first)).group(1).replace("&amp;", "&")
    second = verifier.get(link)
    assert ids_on(second) == [late.id]


def test_counters_show_pending_and_my_decisions_today(verifier):
    regs = people(3)
    verifier.post(f"/staff/r/{regs[0].id}/setujui")
    verifier.post(f"/staff/r/{regs[1].id}/tolak", data={"reason": "income"})
    page = text(verifier.get("/staff"))
    assert "<strong>1</strong> menunggu pemeriksaan" in page
    assert "<strong>1</strong> disetujui, <strong>1</strong> ditolak" in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["q", "after", "status", "pool", "kecamatan", "kelurahan",
                                        "occupation", "channel", "flag", "x"]),
                       st.text(max_size=300) | st.sampled_from(["0", "-1", "99999999999999999999", "all"]),
                       max_size=6))
def test_no_query_string_gives_a_server_error(verifier, args):
    # A NUL character is refused for the whole app (app.py); anything else shows the queue.
    expected = 400 if any("\x00" in v for v in args.values()) else 200
    assert verifier.get("/staff", query_string=args).status_code == expected


# What a statement filters on, and the index its plan must walk for it (SQLite, which plans
# without statistics: the same plans at a million rows as here). Before, a regency's pending count
# walked every pending row of the province and a NIK search every row of the year.
INDEX_FOR = {
    'SUBSTR("t1"."region", 1, 5) = ': "registration_year_status_regency_id",
    '"t1"."nik" = ': "registration_nik",
    '"t1"."phone" = ': "registration_phone",
    '"t1"."region" >= ': "registration_year_region_status_occupation_channel_created_at",
}


@pytest.mark.parametrize("who, url, filters", [
    ("rina", "/staff", {'SUBSTR("t1"."region", 1, 5) = '}),
    ("rina", "/staff?flag=any", {'SUBSTR("t1"."region", 1, 5) = '}),
    ("vera", "/staff?regency=64.72", {'SUBSTR("t1"."region", 1, 5) = '}),
    ("vera", "/staff?status=all&q={nik}", {'"t1"."nik" = '}),
    ("vera", "/staff?status=all&q={phone}", {'"t1"."phone" = '}),
    ("rina", "/staff?status=all&q={nik}", {'"t1"."nik" = ', 'SUBSTR("t1"."region", 1, 5) = '}),
    ("vera", "/staff/dasbor?region=64.72", {'"t1"."region" >= '}),
    ("rina", "/staff/dasbor", {'"t1"."region" >= '}),
])
def test_each_statement_walks_the_index_of_its_filter(staff_app, caplog, who, url, filters):
    clients = {"vera": logged_in(staff_app, "vera", "verifier"),
               "rina": logged_in(staff_app, "rina", "verifier", region="64.72")}
    reg = registered(1, kelurahan="64.72.01.1001", decl_dtks=True)  # the province pool: DTKS only
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        page = clients[who].get(url.format(nik=reg.nik, phone=reg.phone.replace("+", "%2B")))
    assert page.status_code == 200
    if "q=" in url:
        assert ids_on(page) == [reg.id]
    statements = [r.msg for r in caplog.records if isinstance(r.msg, tuple)
                  and r.msg[0].startswith("SELECT") and 'FROM "registration"' in r.msg[0]]
    seen = set()
    for sql, params in statements:
        plan = " | ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "SCAN t1 " not in plan + " ", (sql, plan)
        mine = {condition for condition in INDEX_FOR if condition in sql}
        if mine:  # one of them serves it (a NIK within a regency: the NIK's index)
            assert any(f"INDEX {INDEX_FOR[c]} " in plan for c in mine), (sql, plan)
        seen |= mine
    assert seen >= filters


def test_rows_of_every_regency_are_named_and_places_filter_by_code(verifier):
    here = registered(1, name="Budi Balikpapan")
    there = registered(2, name="Siti Samarinda", kelurahan="64.72.01.1001", decl_dtks=True,
                       nik=make_nik(2, region="647205"))
    rows = rows_of(verifier.get("/staff"))
    assert "Manggar, Balikpapan Timur" in rows[here.id]
    assert re.search(r"<p class=\"meta\">[^<]+, Palaran ·", rows[there.id])  # kelurahan, kecamatan
    assert "KTP dari kabupaten/kota lain" not in rows[there.id]
    for args, shown in (({"kecamatan": "64.72.01"}, [there.id]), ({"kelurahan": "64.72.01.1001"}, [there.id]),
                        ({"kecamatan": "64.72.01.1001"}, [here.id, there.id]),  # not a kecamatan: ignored
                        ({"kelurahan": "64.72.01"}, [here.id, there.id]),
                        ({"kecamatan": "64.99.01"}, [here.id, there.id]),
                        ({"regency": "64.71", "kecamatan": "64.72.01"}, [here.id])):  # another regency's
        assert ids_on(verifier.get("/staff", query_string=args)) == shown, args


@pytest.mark.parametrize("batch, limit, page, count, flagged", [
    (2, 3, 2, 7, {6}),
    (2, 4, 2, 8, {1, 3, 7}),  # the queue ends on a batch's last row
    (3, 9, 2, 6, {4, 5}),  # the page fills on the queue's last row: no "next" after it
    (2, 10, 3, 5, set()),
    (50, 250, 50, 12, {0, 2, 4, 6, 8, 10, 11}),
])
def test_flagged_pages_list_every_flagged_row_once_and_end(verifier, monkeypatch, batch, limit, page, count,
                                                          flagged):
    import staff.listing
    monkeypatch.setattr(staff.listing, "FLAG_BATCH", batch)
    monkeypatch.setattr(staff.listing, "FLAG_SCAN_LIMIT", limit)
    monkeypatch.setattr(staff.listing, "PAGE_SIZE", page)
    regs = [registered(i, name=f"{NAMES[i % 6]} {chr(65 + i)}",
                       nik=make_nik(i, region="647201") if i in flagged else make_nik(i)) for i in range(count)]
    seen, url, pages = [], "/staff?flag=region", 0
    while url:
        response = verifier.get(url)
        last = ids_on(response)
        seen += last
        found = re.search(r'href="([^"]+)" rel="next"', text(response))
        url, pages = (found.group(1).replace("&amp;", "&") if found else None), pages + 1
        assert pages <= count + 1
    assert seen == [regs[i].id for i in sorted(flagged)]
    assert last or not flagged  # no empty page offered after the queue's end


def years_before(day, years):
    """The same calendar day `years` earlier (29 February: the 28th)."""
    return day.replace(year=day.year - years, day=min(day.day, 28) if day.month == 2 else day.day)


def setup_row(n, name, **overrides):
    """A pending registration numbered n; `stored` changes columns afterwards, as an import might."""
    stored = overrides.pop("stored", {})
    reg = registered(n, name=name, **overrides)
    if stored:
        Registration.update(**stored).where(Registration.id == reg.id).execute()
    return reg


# Every flag kind, rows with several, rows with none, and the near misses of each rule (max age 64,
# flagged from 63 on the day of registration). Each row: (label, its setup, its flags in order).
FLAG_TABLE = [
    ("plain", dict(n=1, name="Tanpa Tanda"), []),
    ("KTP of Samarinda", dict(n=2, name="Dari Samarinda", nik=make_nik(2, region="647201")), ["region"]),
    ("KTP of another Balikpapan kecamatan", dict(n=3, name="Kecamatan Lain", nik=make_nik(3, region="647105")),
     []),
    ("birth day differs from the NIK", dict(n=4, name="Tanggal Beda", stored={"birth_date": dt.date(1985, 3, 13)}),
     ["nik"]),
    ("birth year differs from the NIK", dict(n=5, name="Tahun Beda", stored={"birth_date": dt.date(1986, 3, 12)}),
     ["nik"]),
    # The NIK holds two digits of the year: a century apart agrees with it (but is past the age limit).
    ("a century before the NIK's year", dict(n=6, name="Abad Lain", stored={"birth_date": dt.date(1885, 3, 12)}),
     ["age"]),
    ("sex differs from the NIK", dict(n=7, name="Kelamin Beda", stored={"sex": "F"}), ["nik"]),
    ("a woman's NIK (day + 40)", dict(n=8, name="Siti Perempuan", nik=make_nik(8, female=True)), []),
    ("serial 0000", dict(n=9, name="Seri Nol", stored={"nik": "6471011203850000"}), ["nik"]),
    ("31 February", dict(n=10, name="Tanggal Mustahil", stored={"nik": "6471013102850011"}), ["nik"]),
    ("day 00", dict(n=11, name="Hari Nol", stored={"nik": "6471010003850012"}), ["nik"]),
    ("not sixteen digits", dict(n=12, name="Bukan Angka", stored={"nik": "64710112038500x3"}), ["nik"]),
    ("a phone with two NIKs (1)", dict(n=13, name="Satu Nomor", phone="081377770000"), ["phone"]),
    ("a phone with two NIKs (2)", dict(n=14, name="Dua Nomor", phone="081377770000"), ["phone"]),
    ("63 on the day", dict(n=15, name="Hampir Tua", birth=years_before(clock.today(), 63)), ["age"]),
    ("63 tomorrow", dict(n=16, name="Masih Muda", birth=years_before(clock.today(), 63) + dt.timedelta(days=1)),
     []),
    ("name and birth date twice (1)", dict(n=17, name="Nama Kembar"), ["duplicate"]),
    ("name and birth date twice (2)", dict(n=18, name="NAMA KEMBAR"), ["duplicate"]),
    ("same name, another birth date", dict(n=19, name="Tanpa Tanda", birth=dt.date(1990, 5, 1)), []),
    # SQLite's lower() folds ASCII letters only: these two are missed (a flag lost, never a wrong one).
    ("a case apart beyond ASCII (1)", dict(n=20, name="Eka Ölmez"), []),
    ("a case apart beyond ASCII (2)", dict(n=21, name="EKA öLMEZ"), []),
    ("declared DTKS, not on the list", dict(n=22, name="Klaim Dtks", decl_dtks=True), ["dtks"]),
    ("declared DTKS, on the list", dict(n=23, name="Ada Di Dtks", decl_dtks=True, stored={"dtks_confirmed": True}),
     []),
    ("KTP elsewhere, shared phone, a twin, another sex",
     dict(n=24, name="Banyak Tanda", nik=make_nik(24, region="647201"), phone="081377771111",
          stored={"sex": "F"}), ["region", "nik", "phone", "duplicate"]),
    ("its twin, sharing the phone", dict(n=25, name="banyak tanda", phone="081377771111"),
     ["phone", "duplicate"]),
    ("KTP elsewhere, 63, declared DTKS",
     dict(n=26, name="Tua Dari Jauh", birth=years_before(clock.today(), 63), decl_dtks=True,
          nik=make_nik(26, region="647201", birth=years_before(clock.today(), 63))), ["region", "age", "dtks"]),
    ("registered again with the NIK of a cancelled one, same phone and name", dict(n=27, name="Daftar Ulang"), []),
]
FLAG_TEXT = re.compile(r'<li class="flag">([^<:]*)')


def flags_shown(row_html):
    """The flag keys a queue row shows, in its order."""
    names = {str(name): key for key, name in FLAGS.items()}
    return [names[html.unescape(shown)] for shown in FLAG_TEXT.findall(row_html)]


def flag_table():
    """FLAG_TABLE registered: {label: registration}, plus rows that are not in the queue."""
    regs = {}
    for label, setup, _ in FLAG_TABLE:
        if label.startswith("registered again"):
            gone = registered(90, name=setup["name"], phone="081377779999")
            assert quota.cancel(gone, "staff:test").ok
            setup = dict(setup, nik=gone.nik, phone="081377779999")
        regs[label] = setup_row(**setup)
    year = regs["plain"].year_id
    DtksNik.create(year=year, nik=make_nik(77))  # a list was imported: the DTKS flag applies
    DtksNik.create(year=year, nik=regs["declared DTKS, on the list"].nik)
    return regs


def expected_flags():
    """{label: flags} of FLAG_TABLE on the open database."""
    expected = {label: flags for label, _, flags in FLAG_TABLE}
    # PostgreSQL's lower() folds the case of every letter its collation knows (SQLite's: ASCII only).
    if db.execute_sql("SELECT lower('Eka Ölmez') = 'eka ölmez'").fetchone()[0]:
        expected["a case apart beyond ASCII (1)"] = expected["a case apart beyond ASCII (2)"] = ["duplicate"]
    return expected


def test_flags_are_computed_as_the_table_says(core_app):
    regs = flag_table()
    fresh = [Registration.get_by_id(r.id) for r in regs.values()]
    expected = expected_flags()
    found = flags_for(fresh, DEFAULT_RULES["max_age"], 1)
    assert {label: found[reg.id] for label, reg in regs.items()} == expected
    for kind in FLAGS:
        only = flags_for(fresh, DEFAULT_RULES["max_age"], 1, kind)
        assert {label: only[reg.id] for label, reg in regs.items()} == {
            label: [kind] if kind in flags else [] for label, flags in expected.items()}, kind


def test_the_flag_statements_look_each_row_up_in_an_index(staff_app, caplog):
    with staff_app.app_context():
        regs = [Registration.get_by_id(r.id) for r in flag_table().values()]
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            flags_for(regs, DEFAULT_RULES["max_age"], 1)
        plans = {sql: " | ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
                 for sql, params in (r.msg for r in caplog.records)}
    for sql, plan in plans.items():
        assert "SCAN t1" not in plan, (sql, plan)
        if '"t1"."phone" IN' in sql:
            assert "INDEX registration_phone (phone=?)" in plan
        if '"asked"' in sql:
            assert "INDEX registration_birth_date_name (birth_date=? AND <expr>=?)" in plan
    assert len(plans) == 3  # phones, same people, the DTKS list


@pytest.mark.parametrize("batch, limit", [(50, 250), (3, 7)])
@pytest.mark.parametrize("kind", ["", "any", *FLAGS])
def test_queue_pages_show_the_flags_of_the_table(verifier, monkeypatch, kind, batch, limit):
    import staff.listing
    monkeypatch.setattr(staff.listing, "FLAG_BATCH", batch)
    monkeypatch.setattr(staff.listing, "FLAG_SCAN_LIMIT", limit)
    regs = flag_table()
    shown, url = {}, "/staff" + (f"?flag={kind}" if kind else "")
    while url:
        response = verifier.get(url)
        shown.update({reg_id: flags_shown(part) for reg_id, part in rows_of(response).items()})
        found = re.search(r'href="([^"]+)" rel="next"', text(response))
        url = found.group(1).replace("&amp;", "&") if found else None
    expected = {regs[label].id: flags for label, _, flags in FLAG_TABLE
                if kind == "" or (flags and kind in ("any", *flags))}
    assert shown == expected
