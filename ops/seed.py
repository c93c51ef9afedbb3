"""Reference data (regions, occupations) and a first program year, loaded into an empty database."""
import csv

from config import ROOT
from core import program_year
from models import Occupation, Region, db

DATA = ROOT / "data"


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
        program_year.first_year(today)
