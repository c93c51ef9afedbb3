"""Region data: Kemendagri codes and names from the npm package idn-area-data (ODbL), by province.

The Makefile puts the package's CSV files in vendor/idn-area-data (config REGION_DATA_DIR); our
own spellings of some names (data/region_aliases.csv) are kept beside them so typed names match.
"""
import csv
import functools
from pathlib import Path

from config import ROOT
from models import db

LEVELS = (("provinces.csv", "province", None), ("regencies.csv", "regency", "province_code"),
          ("districts.csv", "district", "regency_code"), ("villages.csv", "village", "district_code"))


class RegionDataError(Exception):
    """The package's files are missing or do not hold the province asked for."""


def read_rows(directory, provinces):
    """[{code, level, name, parent}] of the provinces (codes like '64'), from the package's CSVs."""
    return [dict(row) for row in _read_rows(str(directory), tuple(sorted(provinces)))]


@functools.lru_cache(maxsize=4)
def _read_rows(directory, provinces):
    """The rows of read_rows, kept per process (the villages file has 83,000 lines)."""
    directory = Path(directory)
    prefixes = tuple(p + "." for p in provinces) + tuple(p + "," for p in provinces)
    rows = []
    for filename, level, parent_column in LEVELS:
        path = directory / filename
        if not path.exists():
            raise RegionDataError(f"{path} is missing: run `make install` (npm idn-area-data)")
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
            # Only lines of the provinces are parsed: a cheap prefix test first.
            for values in csv.reader(line for line in f if line.startswith(prefixes)):
                row = dict(zip(header, values))
                rows.append({"code": row["code"], "level": level, "name": row["name"].strip(),
                             "parent": row[parent_column] if parent_column else None})
    missing = set(provinces) - {r["code"] for r in rows if r["level"] == "province"}
    if missing:
        raise RegionDataError(f"unknown province code(s): {', '.join(sorted(missing))}")
    return tuple(rows)


def read_aliases(path=ROOT / "data" / "region_aliases.csv"):
    """{code: 'alias|alias'} from our own list of other spellings."""
    aliases = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases.setdefault(row["code"], []).append(row["alias"].strip())
    return {code: "|".join(names) for code, names in aliases.items()}


def load(provinces, directory):
    """Insert or update the provinces' regions (idempotent); {level: count} loaded."""
    rows = read_rows(directory, provinces)
    aliases = read_aliases()
    for row in rows:
        row["aliases"] = aliases.get(row["code"])
    columns = ("code", "level", "name", "parent", "aliases")
    marks = ", ".join([db.param] * len(columns))
    # One prepared statement for every row: peewee's insert_many builds SQL ten times slower.
    sql = (f"INSERT INTO region ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT (code) DO UPDATE "
           "SET level = EXCLUDED.level, name = EXCLUDED.name, parent = EXCLUDED.parent, "
           "aliases = EXCLUDED.aliases")
    with db.atomic():
        db.cursor().executemany(sql, [tuple(row[c] for c in columns) for row in rows])
    counts = {level: 0 for _, level, _ in LEVELS}
    for row in rows:
        counts[row["level"]] += 1
    return counts
