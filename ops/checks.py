"""Database checks after bulk jobs, backups and restores: the seat rule, row counts."""
from peewee import SQL, Table, fn

from models import SEAT_STATUSES, Pool, Registration, db


def seat_problems():
    """(year, pool, held, counted, capacity) of pools whose counter is off or over capacity."""
    counted = dict(Registration.select(Registration.pool, fn.COUNT(Registration.id))
                   .where(Registration.status.in_(SEAT_STATUSES))
                   .group_by(Registration.pool).tuples())
    return [(p.year_id, p.code, p.held, counted.get(p.id, 0), p.capacity) for p in Pool.select()
            if p.held != counted.get(p.id, 0) or p.held > p.capacity]


def table_counts():
    """{table: rows} for every table of the open database."""
    return {name: Table(name).select(fn.COUNT(SQL("*"))).bind(db).scalar()
            for name in sorted(db.get_tables())}
