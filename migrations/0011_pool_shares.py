"""A pool's seats may be kept in K counters (pool.shares, table poolshare, registration.share)."""
from peewee import IntegerField

from migrations.helpers import add_column_if_missing


def upgrade(db):
    """Add pool.shares (1: the counter on the pool's row, as before), registration.share and poolshare."""
    from models import PoolShare

    add_column_if_missing(db, "pool", "shares", IntegerField(default=1))
    add_column_if_missing(db, "registration", "share", IntegerField(null=True))
    db.create_tables([PoolShare], safe=True)
