"""Schema changes go through migrations; an older database upgrades in place."""
import subprocess
import sys

import pytest

from core.hotsql import REFERENCE_GATE
from database import migrate, migration_files, open_database
from models import ALL_MODELS, SchemaMigration, db
from tests.live_server import ROOT


def test_a_new_database_gets_every_table_and_records_each_migration(database_url):
    open_database(database_url)
    applied = migrate()
    assert applied == [p.stem for p in migration_files()]
    with db.connection_context():
        tables = set(db.get_tables())
        assert {m._meta.table_name for m in ALL_MODELS} <= tables
        assert SchemaMigration.select().count() == len(applied)
    assert migrate() == []


def test_an_older_database_is_upgraded_in_place_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    open_database(url)
    migrate()
    with db.connection_context():
        later = [p.stem for p in migration_files()][1:]
        # Make it a database from before the later migrations: drop what 0002, 0003, 0005, 0008 add.
        staff_indexes = {i.name for i in db.get_indexes("registration")} - FIRST_INDEXES
        for name in staff_indexes:
            db.execute_sql(f'DROP INDEX "{name}"')
        db.execute_sql('DROP TABLE "reverification"')
        db.execute_sql('ALTER TABLE "outboxmessage" DROP COLUMN "segments"')  # 0008 adds it
        db.execute_sql('DROP TABLE "dtksnik"')  # and what 0005 adds: the DTKS list, three columns
        db.execute_sql('DROP TABLE "poolshare"')  # 0012: pools split in shares
        for table, column in OLD_LACKS:
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        SchemaMigration.delete().where(SchemaMigration.name.in_(later)).execute()
        db.execute_sql("INSERT INTO programyear (year, is_open, is_current) VALUES (2030, 1, 0)")
        db.execute_sql("INSERT INTO pool (code, name, year, region_prefix, capacity, held, priority, "
                       "is_open, requires_dtks, sms_name) VALUES ('old', 'Old', 2030, '64', 5, 0, 1, "
                       "1, 0, '')")
        # Rows that refer to the pool, the registration and the staff user by foreign key: a
        # migration that rebuilds a table to add a column would be refused on SQLite.
        db.execute_sql("INSERT INTO region (code, name, level) VALUES ('64.99.01.1001', 'Lama', 'kelurahan')")
        db.execute_sql("INSERT INTO occupation (code, name_id, name_en, agency, position) "
                       "VALUES ('lama', 'Lama', 'Old', 'x', 99)")
        db.execute_sql("INSERT INTO staffuser (username, role, password_hash, active, failed_logins, "
                       "session_epoch, created_at) VALUES ('lama', 'verifier', 'x', 1, 0, 0, "
                       "'2030-01-01')")
        db.execute_sql("INSERT INTO registration (ref, year, nik, name, birth_date, sex, phone, "
                       "occupation, region, pool, status, channel, assisted_by, "
                       "declared_not_participant, declared_income, declared_dtks, created_at, "
                       "updated_at) VALUES ('OLD1', 2030, '6471010101900001', 'Lama', "
                       "'1990-01-01', 'L', '+6281100000001', 'lama', '64.99.01.1001', "
                       "(SELECT id FROM pool WHERE code = 'old'), 'pending', 'web', "
                       "(SELECT id FROM staffuser WHERE username = 'lama'), 1, 1, 0, "
                       "'2030-01-01', '2030-01-01')")
    assert staff_indexes and "reverification" not in db.get_tables()
    assert {"registration_year_status_regency_id",
            "registration_year_region_status_occupation_channel_created_at"} <= staff_indexes
    with db.connection_context():
        for table, column in OLD_LACKS:
            assert column not in {c.name for c in db.get_columns(table)}
        assert "segments" not in {c.name for c in db.get_columns("outboxmessage")}
    result = subprocess.run([sys.executable, "-m", "flask", "init-db"], cwd=ROOT,
                            env={"DATABASE_URL": url, "FLASK_APP": "app", "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{len(later)} migration(s) applied" in result.stdout
    open_database(url)
    with db.connection_context():
        assert {i.name for i in db.get_indexes("registration")} >= staff_indexes
        assert "reverification" in db.get_tables() and "dtksnik" in db.get_tables()
        assert "poolshare" in db.get_tables()
        # a pool made before 0012 keeps its counter on its row
        assert db.execute_sql("SELECT shares FROM pool WHERE code = 'old'").fetchall() == [(1,)]
        for table, column in OLD_LACKS:
            assert column in {c.name for c in db.get_columns(table)}
        assert "segments" in {c.name for c in db.get_columns("outboxmessage")}
        assert SchemaMigration.select().count() == len(migration_files())
        assert db.execute_sql("SELECT COUNT(*) FROM programyear WHERE year = 2030").fetchone()[0] == 1
        assert db.execute_sql("SELECT dtks_confirmed, share FROM registration WHERE ref = 'OLD1'"
                              ).fetchall() == [(0, None)]


# The indexes of the first schema (0001); everything else on registration came later.
FIRST_INDEXES = {"registration_ref", "registration_nik", "registration_phone", "registration_region",
                 "registration_pool", "registration_kpj", "registration_year_nik_active",
                 "registration_year_status_id", "registration_status_id",
                 "registration_occupation", "registration_year", "registration_assisted_by"}
# Columns 0005 adds (the province-wide issue) and 0012 (shares): an older database lacks them.
OLD_LACKS = (("region", "aliases"), ("staffuser", "region"), ("registration", "dtks_confirmed"),
             ("pool", "shares"), ("registration", "share"))


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_an_older_postgresql_database_gets_the_reference_gate_for_pools_opened(database_url):
    open_database(database_url)
    migrate()
    triggers = ("SELECT tgname, proname, prosrc FROM pg_trigger JOIN pg_proc ON pg_proc.oid = tgfoid "
                "WHERE tgrelid = 'pool'::regclass AND NOT tgisinternal ORDER BY tgname")
    with db.connection_context():
        # As 0012 left it: one trigger for every column, the generation raised, no gate.
        db.execute_sql('DROP TRIGGER "reference_pool_opened" ON "pool"')
        db.execute_sql('CREATE OR REPLACE TRIGGER "reference_pool_changed" AFTER INSERT OR DELETE '
                       'OR UPDATE ON "pool" FOR EACH STATEMENT EXECUTE FUNCTION reference_changed()')
        SchemaMigration.delete().where(SchemaMigration.name == "0013_reference_gate").execute()
        assert [name for name, *_ in db.execute_sql(triggers)] == ["reference_pool_changed"]
    assert migrate() == ["0013_reference_gate"]
    with db.connection_context():
        found = {name: (function, source) for name, function, source in db.execute_sql(triggers)}
    assert found.keys() == {"reference_pool_changed", "reference_pool_opened"}
    # The same triggers, on the same columns, as a database made new.
    definitions = ("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                   "ORDER BY tgname")
    with db.connection_context():
        upgraded = [d for d, in db.execute_sql(definitions)]
    open_database(database_url.rsplit("/", 1)[0] + "/postgres")
    with db.connection_context():
        fresh = f"{database_url.rsplit('/', 1)[1]}_fresh"
        db.execute_sql(f'CREATE DATABASE "{fresh}"')
    open_database(database_url.rsplit("/", 1)[0] + f"/{fresh}")
    migrate()
    with db.connection_context():
        assert [d for d, in db.execute_sql(definitions)] == upgraded
    assert f"pg_advisory_xact_lock({REFERENCE_GATE}, 0)" in found["reference_pool_opened"][1]
    assert "advisory" not in found["reference_pool_changed"][1]
