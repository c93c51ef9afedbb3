"""A pool's seats may be kept in K counters (pool.shares, table poolshare, registration.share)."""
from peewee import IntegerField

from migrations.helpers import add_column_if_missing, watch_reference_tables

# 0009's pool columns and `shares`: splitting a pool moves the reference generation (core/refcache.py).
POOL_COLUMNS = ("code", "name", "year", "region_prefix", "capacity", "priority", "is_open",
                "requires_dtks", "sms_name", "shares")


def upgrade(db):
    """Add pool.shares (1: the counter on the pool's row, as before), registration.share and poolshare."""
    from models import PoolShare

    add_column_if_missing(db, "pool", "shares", IntegerField(default=1))
    add_column_if_missing(db, "registration", "share", IntegerField(null=True))
    db.create_tables([PoolShare], safe=True)
    watch_reference_tables(db, {"pool": POOL_COLUMNS})
