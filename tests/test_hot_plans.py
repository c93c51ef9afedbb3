"""Every statement a worker's request runs finds its rows through an index that narrows to them.

A registration once counted the phone's registrations by walking every registration of the year
(SQLite took the (year, nik_active) index for `year = ? AND nik_active IS NOT NULL` over the
phone's index): 0.5 ms at 3,000 rows, growing with every registration. No test saw it, because
results were right and timing is never asserted. So here the query plan of each statement is:
no table of many rows is scanned, and a search of one has an equality beyond the program year.
"""
import re

import pytest

from models import Pool, Registration, db
from sms import sender
from tests.factories import form
from tests.test_sms_support import Handset, handset, sms_app  # noqa: F401 - fixtures

# Tables that grow with registrations and messages; the rest hold reference data.
GROWING = {"registration", "auditevent", "outboxmessage", "dtksnik", "smsinbound", "smssession",
           "reverification", "smsoptout", "smslanguage"}
ALIAS = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"(\w+)"(?:\s+AS\s+"?(\w+)"?)?', re.I)
STEP = re.compile(r"(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX \w+ \((.*)\)"
                  r"| USING (?:INTEGER )?PRIMARY KEY \((.*)\))?")


def problems(sql, plan):
    """What is wrong with plan (EXPLAIN QUERY PLAN lines) for sql: [] when every growing table
    is searched with an equality beyond "year"."""
    tables = {}
    for table, alias in ALIAS.findall(sql):
        tables[table] = table
        if alias:
            tables[alias] = table
    wrong = []
    for line in plan:
        step = STEP.match(line)
        if not step or tables.get(step.group(2), step.group(2)) not in GROWING:
            continue
        kind, _, terms, key = step.groups()
        if kind == "SCAN":
            wrong.append(line)
            continue
        if key:  # rowid / primary key
            continue
        equal = [t.split("=")[0] for t in (terms or "").split(" AND ") if re.fullmatch(r"[\w<>()]+=\?", t)]
        if not any(column != "year" for column in equal):
            wrong.append(line)
    return wrong


@pytest.mark.parametrize("sql, plan, bad", [
    ('SELECT 1 FROM "registration" WHERE "year" = ? AND "phone" = ?',
     ["SEARCH registration USING INDEX registration_year_nik_active (year=? AND nik_active>?)"], True),
    ('SELECT 1 FROM "registration" WHERE "phone" = ?',
     ["SEARCH registration USING INDEX registration_phone (phone=?)"], False),
    ('SELECT 1 FROM "registration" AS "t1"', ["SCAN t1"], True),
    ('SELECT 1 FROM "pool" AS "t1"', ["SCAN t1"], False),
    ('SELECT 1 FROM "registration" AS "t1" WHERE "t1"."year" = ?',
     ["SEARCH t1 USING INDEX registration_year (year=?)"], True),
    ('SELECT 1 FROM "registration" WHERE "id" = ?',
     ["SEARCH registration USING INTEGER PRIMARY KEY (rowid=?)"], False),
    ('SELECT 1 FROM "registration" AS "t1" WHERE "year" = ? AND "status" = ?',
     ["SEARCH t1 USING COVERING INDEX registration_year_status_id (year=? AND status=?)"], False),
])
def test_the_rule_itself(sql, plan, bad):
    assert bool(problems(sql, plan)) is bad


class Recorder:
    """Every (sql, params) the app sends in this thread while recording."""

    def __init__(self):
        self.seen = []

    def __enter__(self):
        original = db.obj.cursor
        seen = self.seen

        class Cursor:
            def __init__(self, real):
                self._real = real

            def execute(self, sql, params=None):
                seen.append((sql, tuple(params or ())))
                return self._real.execute(sql, params or ())

            def __getattr__(self, name):
                return getattr(self._real, name)

            def __iter__(self):
                return iter(self._real)

        db.obj.cursor = lambda *a, **k: Cursor(original(*a, **k))
        return self

    def __exit__(self, *exc):
        del db.obj.cursor


def plans_of(app, seen):
    """{sql: [plan lines]} of the reading and writing statements seen."""
    out = {}
    with app.app_context():
        db.connect(reuse_if_open=True)
        for sql, params in seen:
            if re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)\b", sql, re.I) and sql not in out:
                out[sql] = [row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        db.close()
    return out


def small_pools(app, capacity):
    with app.app_context():
        db.connect(reuse_if_open=True)
        Pool.update(capacity=capacity).execute()
        db.close()


def ref_of(app, nik):
    with app.app_context():
        db.connect(reuse_if_open=True)
        ref = Registration.get(Registration.nik == nik).ref
        db.close()
    return ref


def test_a_workers_requests_use_narrow_indexes(sms_app):
    """Web and SMS registration (a seat, then the waiting list), look-ups by code and by birth
    date, a cancellation and the promotion it makes, and the SMS sender's round: each
    statement's plan passes the rule."""
    app = sms_app
    small_pools(app, 1)
    web, other = app.test_client(), app.test_client()
    phone = Handset(app.test_client(), number="+6281377700001")
    first, second = form(1)["nik"], form(2)["nik"]
    with Recorder() as recorder:
        assert web.post("/daftar", data=form(1)).status_code == 303  # a seat
        assert web.post("/daftar", data=form(2)).status_code == 303  # pools full: waiting list
        assert web.post("/daftar", data=form(1)).status_code == 422  # the NIK again
        phone.send(f"DAFTAR#{form(3)['nik']}#Siti Aminah#nelayan#64.71.01.1001")
        phone.send("CEK")
        ref = ref_of(app, first)
        assert web.post("/status", data={"nik": first, "ref": ref}).status_code == 303
        assert web.get("/status?lihat=1").status_code == 200
        assert web.post("/status/batal", data={"confirm": "1"}).status_code == 303  # promotes
        assert other.post("/status", data={"nik": second, "birth_date": "12-03-1985"}).status_code == 303
        assert other.get("/status?lihat=1").status_code == 200
        phone.send("BATAL")
        with app.app_context():
            db.connect(reuse_if_open=True)
            assert sum(sender.drain(client=None).values()) > 0  # the SMS sender, logging
            db.close()
    with app.app_context():
        db.connect(reuse_if_open=True)
        promoted = Registration.get(Registration.nik == second)
        assert promoted.pool_id is not None and promoted.status == "pending"
        db.close()
    plans = plans_of(app, recorder.seen)
    assert any('"phone" = ' in sql for sql in plans), "the phone's count was not seen"
    wrong = {sql: problems(sql, plan) for sql, plan in plans.items() if problems(sql, plan)}
    assert not wrong, wrong
