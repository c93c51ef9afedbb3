"""The reference data the registration pages show, read once per process and reference version.

The regencies, occupations and program years (every form) and one regency's kecamatan and
kelurahan (its kelurahan step) are kept per process and read again only when
reference_versions() says they changed — whoever changed them: this process, another gunicorn
worker, the CLI, SQL typed into the database file.

reference_versions() is the one place that knows how a change is seen. For now it compares the
rows the pages show, in one statement (~0.4 ms on SQLite for Kalimantan Timur). When
core/refcache.py (a generation number kept by database triggers, migration 0009) is on main, it
becomes that generation, read in one tiny statement; nothing else here changes.
"""
import hashlib
from dataclasses import dataclass

from peewee import PostgresqlDatabase

from core import program_year
from models import Occupation, ProgramYear, Region, db

KEEP = 64  # versions (and regencies) remembered per process; more, and all are dropped

# Each part concatenates, per row, the columns a page shows; a change to any of them (or a row
# added or removed) changes the text. The separators are bound parameters (unit separator
# between columns, record separator between rows), the same on SQLite and PostgreSQL.
_COLUMNS = {
    "regencies": ("region", ("code", "name"), "\"level\" = 'regency'", "code"),
    "occupations": ("occupation", ("code", "name_id", "name_en", "position"), None, "code"),
    "years": ("programyear", ("year", "is_open", "opens_on", "closes_on", "is_current"), None,
              "year"),
    # Villages by code prefix, kecamatan by parent: exactly what kelurahan_rows() reads.
    "regional": ("region", ("code", "level", "name", "parent"),
                 "(\"code\" > {p} AND \"code\" < {p}) OR \"parent\" = {p}", "code"),
}


def _part(name, postgres, param):
    """SQL for one part: its rows' columns as one text (NULL for no rows)."""
    table, columns, where, order = _COLUMNS[name]
    row = f" || {param} || ".join(f"coalesce(CAST(\"{c}\" AS TEXT), '')" for c in columns)
    where = f" WHERE {where.format(p=param)}" if where else ""
    if postgres:
        return f"(SELECT string_agg({row}, {param} ORDER BY \"{order}\") FROM \"{table}\"{where})"
    return f"(SELECT group_concat({row}, {param}) FROM \"{table}\"{where})"


def _params(name, regency):
    """The values of one part's parameters, in the order _part() writes them."""
    _, columns, where, _ = _COLUMNS[name]
    return ["\x1f"] * (len(columns) - 1) + ["\x1e"] + (
        [regency + ".", regency + "/", regency] if name == "regional" else [])


_built = {}


def _sql(postgres, param, names):
    key = (postgres, param, names)
    if key not in _built:
        _built[key] = "SELECT " + ", ".join(_part(n, postgres, param) for n in names)
    return _built[key]


def _digest(*texts):
    return hashlib.blake2b("\x1d".join(t or "" for t in texts).encode(), digest_size=12).hexdigest()


def reference_versions(regency=""):
    """(version of the regencies, occupations and program years, version of regency's kecamatan
    and kelurahan or '' without a regency): strings that change whenever those rows change, in
    any process. One statement."""
    names = ("regencies", "occupations", "years") + (("regional",) if regency else ())
    sql = _sql(isinstance(db.obj, PostgresqlDatabase), db.obj.param, names)
    found = db.execute_sql(sql, [v for n in names for v in _params(n, regency)]).fetchone()
    return _digest(*found[:3]), (_digest(found[3]) if regency else "")


@dataclass(frozen=True)
class Menus:
    """What every registration form shows: regencies, occupations, the current program year."""

    regencies: tuple  # Region rows by code
    occupations: tuple  # Occupation rows in menu order
    year: ProgramYear  # the current year, or None
    codes: frozenset  # the regencies' codes

    def window(self):
        """Registration window of the current year today (core/program_year.py's rule)."""
        return (program_year.window(year=self.year) if self.year is not None
                else program_year.Window())


_menus, _regional = {}, {}


def _remember(store, key, value):
    if len(store) >= KEEP:
        store.clear()
    store[key] = value
    return value


def menus(version):
    """The Menus of this reference version (read from the database the first time)."""
    found = _menus.get(version)
    if found is None:
        regencies = tuple(Region.regencies())
        found = _remember(_menus, version, Menus(regencies, tuple(Occupation.menu()),
                                                 ProgramYear.current(),
                                                 frozenset(r.code for r in regencies)))
    return found


def kelurahan_rows(regency, version):
    """(villages of regency by code, {kecamatan code: name}) of this version of its regions."""
    if not regency:
        return (), {}
    found = _regional.get((regency, version))
    if found is None:
        villages = tuple(Region.villages_of(regency))
        districts = {r.code: r.name for r in Region.select().where(
            (Region.level == "district") & (Region.parent == regency))}
        found = _remember(_regional, (regency, version), (villages, districts))
    return found
