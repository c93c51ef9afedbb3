"""Reference data cached per process: every change is seen by the next registration."""
import importlib.util
import sqlite3

import psycopg2

from config import DEFAULT_RULES
from core import dtks, pools, quota, refcache
from core.validation import validate
from database import MIGRATIONS
from models import Occupation, Pool, ProgramYear, Region, Registration, StaffUser, db
from ops import backup
from tests.factories import applicant

SAMARINDA = "64.72.01.1001"


def register(n, **kw):
    return quota.register(applicant(n, **kw), "web", DEFAULT_RULES)


def other_process_runs(url, sql):
    """Run sql on its own connection, as another server process would (not through peewee)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        conn.execute(sql)
        conn.commit()
    else:
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            cur.execute(sql)
    conn.close()


def moved_by(change):
    """How far one change moves the database's reference generation."""
    before = refcache.read_generation()
    change()
    return refcache.read_generation() - before


# (what changes, how, whether cached reference data must be read again)
CHANGES = [
    ("a registration takes a seat", lambda: register(1), False),
    ("a seat counter moves", lambda: Pool.update(held=Pool.held + 0).execute(), False),
    ("a DTKS list is imported", lambda: dtks.replace_list([applicant(1).nik], "test"), False),
    ("a staff account is made", lambda: StaffUser.create(
        username="siti", password_hash="x", role="verifier"), False),
    ("a capacity changes", lambda: quota.set_capacity("kota-balikpapan", 7000, "test"), True),
    ("a pool closes", lambda: quota.set_pool_open("prov-kaltim", False, "test"), True),
    ("a pool is made", lambda: pools.create_pool(
        "kota-samarinda", "Kuota Kota Samarinda", "64.72", 10, 1, False, "test"), True),
    ("a pool's DTKS rule changes", lambda: Pool.update(requires_dtks=False).where(
        Pool.code == "prov-kaltim").execute(), True),
    ("the closing date changes", lambda: ProgramYear.update(closes_on=None).execute(), True),
    ("an occupation is added", lambda: Occupation.create(
        code="penyelam", name_id="Penyelam", name_en="Diver", agency="dkp"), True),
    ("an occupation is removed", lambda: Occupation.delete().where(
        Occupation.code == "penyelam").execute(), True),
    ("a kelurahan is renamed", lambda: Region.update(name="Manggar Baru").where(
        Region.code == "64.71.01.1001").execute(), True),
]


def test_reference_changes_move_the_generation_and_nothing_else_does(core_app):
    moved = {what: moved_by(change) != 0 for what, change, _ in CHANGES}
    assert moved == {what: expected for what, _, expected in CHANGES}


def pool_columns():
    return [c.name for c in db.get_columns("pool") if c.name not in ("id", *refcache.SEAT_COLUMNS)]


def test_every_pool_column_but_the_seat_counter_is_watched_once(core_app):
    # A column added to pool later must be watched too (a migration calls
    # migrations.helpers.watch_reference_tables again), or caches would miss its changes.
    set_itself = lambda column: lambda: db.execute_sql(  # noqa: E731
        f'UPDATE "pool" SET "{column}" = "{column}" WHERE "code" = \'kota-balikpapan\'')
    assert {c: moved_by(set_itself(c)) for c in pool_columns()} == dict.fromkeys(pool_columns(), 1)
    assert moved_by(set_itself("held")) == 0


def test_migration_0009_applied_again_keeps_its_number_and_its_triggers_once(core_app):
    spec = importlib.util.spec_from_file_location("m0009", MIGRATIONS / "0009_reference_generation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = refcache.read_generation()
    with db.atomic():
        module.upgrade(db)
    assert refcache.read_generation() == before
    assert moved_by(lambda: Occupation.update(name_en="Driver").where(Occupation.code == "ojol")
                    .execute()) == 1


def test_a_year_closed_by_another_process_refuses_the_next_registration(core_app):
    url = core_app.config["DATABASE_URL"]
    assert register(1).ok  # the snapshot is loaded and fresh
    other_process_runs(url, "UPDATE programyear SET is_open = false")
    assert register(2).errors == {"form": "registration_closed"}
    other_process_runs(url, "UPDATE programyear SET is_open = true")
    assert register(3).ok


def test_a_pool_closed_by_another_process_takes_no_seat(core_app):
    assert register(1, decl_dtks=True).registration.pool.code == "kota-balikpapan"
    other_process_runs(core_app.config["DATABASE_URL"],
                       "UPDATE pool SET is_open = false WHERE code = 'kota-balikpapan'")
    assert register(2, decl_dtks=True).registration.pool.code == "prov-kaltim"
    assert Pool.get(Pool.code == "kota-balikpapan").held == 1


def test_an_occupation_added_by_another_process_is_accepted_at_once(core_app):
    assert register(1).ok
    other_process_runs(core_app.config["DATABASE_URL"],
                       "INSERT INTO occupation (code, name_id, name_en, agency, position) "
                       "VALUES ('penyelam', 'Penyelam', 'Diver', 'dkp', 99)")
    assert register(2, occupation="penyelam").ok


def test_field_checks_outside_registration_confirm_a_refusal_read_from_the_snapshot(core_app):
    diver = applicant(1, occupation="penyelam")
    assert validate(diver, DEFAULT_RULES)[0] == {"occupation": "occupation_invalid"}
    other_process_runs(core_app.config["DATABASE_URL"],
                       "INSERT INTO occupation (code, name_id, name_en, agency, position) "
                       "VALUES ('penyelam', 'Penyelam', 'Diver', 'dkp', 99)")
    assert validate(diver, DEFAULT_RULES)[0] == {}


def test_a_kelurahan_unknown_then_added_by_another_process_is_accepted_at_once(core_app):
    new = "64.71.01.1099"
    assert register(1, kelurahan=new).errors == {"kelurahan": "kelurahan_invalid"}  # a miss, kept
    other_process_runs(core_app.config["DATABASE_URL"],
                       "INSERT INTO region (code, level, name, parent) "
                       f"VALUES ('{new}', 'village', 'Manggar Ujung', '64.71.01')")
    assert register(2, kelurahan=new).registration.region.code == new


def test_a_dtks_list_imported_by_another_process_counts_at_the_next_registration(core_app):
    # Only the provincial pool serves Samarinda, and it requires DTKS.
    assert register(1, kelurahan=SAMARINDA).errors == {"decl_dtks": "dtks_required"}
    listed = applicant(2, kelurahan=SAMARINDA)
    other_process_runs(core_app.config["DATABASE_URL"],
                       f"INSERT INTO dtksnik (year, nik) SELECT year, '{listed.nik}' "
                       "FROM programyear WHERE is_current = true")
    outcome = quota.register(listed, "web", DEFAULT_RULES)
    assert outcome.registration.pool.code == "prov-kaltim"
    assert Registration.get_by_id(outcome.registration.id).dtks_confirmed


def test_a_refused_nik_gives_its_seat_back(core_app):
    Pool.update(capacity=1).where(Pool.code == "kota-balikpapan").execute()
    first = register(1).registration
    quota.cancel(first, "worker:web")
    assert register(1).registration.pool.code == "kota-balikpapan"
    assert register(1, phone="081377776666").errors == {"nik": "nik_taken"}
    assert {p.code: p.held for p in Pool.select()} == {"kota-balikpapan": 1, "prov-kaltim": 0}
    assert all(Registration.count_held(p) == p.held for p in Pool.select())


def test_the_snapshot_shows_what_the_database_holds(core_app):
    snap = refcache.snapshot(force=True)
    regency = "64.71"
    assert snap.generation == refcache.read_generation()
    assert snap.year.year == ProgramYear.current().year
    assert [p.code for p in snap.pools] == [p.code for p in Pool.of_year(snap.year)]
    assert [o.code for o in snap.occupations] == [o.code for o in Occupation.menu()]
    assert snap.occupation("ojol").name_id == Occupation.get_by_id("ojol").name_id
    assert [r.code for r in snap.regencies()] == [r.code for r in Region.regencies()]
    assert [r.code for r in snap.villages_of(regency)] == [r.code for r in Region.villages_of(regency)]
    assert snap.districts_of(regency) == {r.code: r.name for r in Region.select().where(
        (Region.level == "district") & (Region.parent == regency))}
    assert snap.domicile("64.71.01.1001").name == Region.get_by_id("64.71.01.1001").name
    assert [snap.domicile(c) for c in ("64.71", "64.71.01", "99.99.99.9999", "")] == [None] * 4


def test_one_snapshot_serves_until_the_generation_moves(core_app):
    first = refcache.snapshot(force=True)
    assert refcache.snapshot() is first and refcache.snapshot(force=True) is first
    quota.set_capacity("kota-balikpapan", 7000, "test")
    fresh = refcache.snapshot(force=True)
    assert fresh is not first and fresh.generation == refcache.read_generation()
    assert refcache.snapshot() is fresh


def test_a_restored_database_gets_a_new_generation(core_app, tmp_path, request):
    url = core_app.config["DATABASE_URL"]
    saved = refcache.read_generation()
    backup.backup(url, tmp_path / "jaring.backup")
    if url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        read = lambda: sqlite3.connect(tmp_path / "restored.sqlite3")  # noqa: E731
    else:
        target = request.getfixturevalue("pg_server").create_database(f"restored_{id(tmp_path)}")
        read = lambda: psycopg2.connect(target)  # noqa: E731
    backup.restore(target, tmp_path / "jaring.backup")
    conn = read()
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT generation FROM reference_generation")
        restored = cursor.fetchall()
    finally:
        conn.close()
    assert len(restored) == 1 and restored[0][0] != saved
