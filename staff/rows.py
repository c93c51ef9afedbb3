"""A queue row as plain values: what the queue page shows of a registration and what its flags read.

A page reads its rows as these tuples rather than as model objects, and reads them itself rather
than through peewee's cursor: building a Registration object, or converting every value of a row
one call at a time, cost more than the database did; a flagged page looks at up to 250 rows.
"""
import datetime as dt
from typing import NamedTuple, Optional

from peewee import CharField, ForeignKeyField, IntegerField

from models import Registration, db


class Row(NamedTuple):
    """A registration's columns under their model attribute names (foreign keys as codes: year_id)."""

    id: int
    ref: str
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    phone: str
    year_id: int
    occupation_id: str
    region_id: str
    pool_id: Optional[int]
    status: str
    channel: str
    created_at: dt.datetime  # naive UTC
    declared_dtks: bool
    dtks_confirmed: bool


FIELDS = tuple(getattr(Registration, name.removesuffix("_id")) for name in Row._fields)
# Each column selected under its Row name: a foreign key's column `year` as `year_id`.
COLUMNS = tuple(field.alias(name) for field, name in zip(FIELDS, Row._fields))


def _converted(field):
    """Whether the value needs its field's conversion: text and whole numbers come from either
    database as they are; dates, times and SQLite's 0/1 booleans do not."""
    field = field.rel_field if isinstance(field, ForeignKeyField) else field
    return not isinstance(field, (CharField, IntegerField))


CONVERT = tuple((i, field.python_value) for i, field in enumerate(FIELDS) if _converted(field))


def as_rows(query):
    """The query selecting a Row's columns (its filters, order and limit kept); read it with read_rows."""
    return query.select(*COLUMNS)


def read_rows(query):
    """The Rows of an as_rows query: peewee writes the SQL, the values are read here."""
    sql, params = query.sql()
    rows = []
    for values in db.execute_sql(sql, params).fetchall():
        values = list(values)
        for i, convert in CONVERT:
            values[i] = convert(values[i])
        rows.append(Row._make(values))
    return rows


def row_of(reg):
    """A Registration's Row (a Row as it is)."""
    return reg if isinstance(reg, Row) else Row._make(getattr(reg, name) for name in Row._fields)
