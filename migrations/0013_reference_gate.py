"""PostgreSQL: a pool created, opened, or no longer requiring DTKS takes the reference gate
exclusive as it raises the generation, so a newcomer joining the waiting list meanwhile is never
left beside its seats (core/hotsql.py gate_reference)."""
from migrations.helpers import watch_reference_tables

# 0012's list: the gated columns (helpers.GATED) go to a trigger of their own.
POOL_COLUMNS = ("code", "name", "year", "region_prefix", "capacity", "priority", "is_open",
                "requires_dtks", "sms_name", "shares")


def upgrade(db):
    """Remake the pool's generation triggers: the gated ones apart (SQLite: as they were)."""
    if db.param != "?":
        watch_reference_tables(db, {"pool": POOL_COLUMNS})
