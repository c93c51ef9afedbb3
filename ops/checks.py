"""Row counts of every table, for the backup and demo-data reports (the seat rule: core/seats.py)."""
from peewee import SQL, Table, fn

from models import db


def table_counts():
    """{table: rows} for every table of the open database."""
    return {name: Table(name).select(fn.COUNT(SQL("*"))).bind(db).scalar()
            for name in sorted(db.get_tables())}
