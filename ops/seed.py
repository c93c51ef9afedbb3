"""Reference data (regions, occupations) and a first program year, loaded into an empty database."""
import csv

from flask import current_app, has_app_context

from config import ROOT, region_settings
from core import program_year
from models import Occupation, Region, db
from ops import regions

DATA = ROOT / "data"


def read_csv(name):
    """Rows of a file in data/ as dicts."""
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_regions(provinces=None, directory=None):
    """Load the configured provinces' regions from the package (ops/regions.py); {level: count}."""
    settings = current_app.config if has_app_context() else region_settings()
    return regions.load(provinces or settings["REGION_PROVINCES"],
                        directory or settings["REGION_DATA_DIR"])


def seed(today=None):
    """Load regions, occupations, a current program year and its pools if missing."""
    with db.connection_context():
        if not Region.select().where(Region.level == "village").exists():
            load_regions()
        if not Occupation.select().exists():
            with db.atomic():
                for i, row in enumerate(read_csv("occupations.csv")):
                    Occupation.create(code=row["code"], name_id=row["name_id"],
                                      name_en=row["name_en"], agency=row["verifying_agency"],
                                      position=i + 1)
        program_year.first_year(today)
