"""Reference data and default pools, loaded into an empty database."""
import csv
import datetime as dt
from pathlib import Path

from config import ROOT
from models import Occupation, Pool, ProgramYear, Region, db

DATA = ROOT / "data"
DEFAULT_POOLS = (
    # code, name, region prefix, capacity, priority, requires DTKS
    ("kota-balikpapan", "Kuota Kota Balikpapan", "64.71", 7100, 1, False),
    ("prov-kaltim", "Kuota Provinsi Kalimantan Timur", "64", 12000, 2, True),
)


def read_csv(name):
    """Rows of a file in data/ as dicts."""
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_regions(path=None):
    """Insert or update regions from a CSV of the regions.csv shape; return how many."""
    rows = read_csv("regions.csv") if path is None else list(csv.DictReader(open(path, encoding="utf-8")))
    with db.atomic():
        for row in rows:
            Region.insert(code=row["code"], level=row["level"], name=row["name"],
                          parent=row["parent"] or None).on_conflict(
                conflict_target=[Region.code],
                update={Region.name: row["name"], Region.level: row["level"]}).execute()
    return len(rows)


def default_year(today=None):
    """The cover year being registered for: collection Sep-Nov is for next January."""
    today = today or dt.date.today()
    return today.year + 1 if today.month >= 9 else today.year


def seed(today=None):
    """Load regions, occupations, a current program year and its pools if missing."""
    with db.connection_context():
        if not Region.select().exists():
            load_regions()
        if not Occupation.select().exists():
            with db.atomic():
                for i, row in enumerate(read_csv("occupations.csv")):
                    Occupation.create(code=row["code"], name_id=row["name_id"],
                                      name_en=row["name_en"], agency=row["verifying_agency"],
                                      position=i + 1)
        if ProgramYear.current() is None:
            with db.atomic():
                year = ProgramYear.create(year=default_year(today), is_open=True, is_current=True)
                for code, name, prefix, capacity, priority, dtks in DEFAULT_POOLS:
                    Pool.create(code=code, name=name, year=year, region_prefix=prefix,
                                capacity=capacity, priority=priority, requires_dtks=dtks)
