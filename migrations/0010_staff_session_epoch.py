"""Staff sessions end on logout: a counter per account that every session must match."""
from peewee import IntegerField

from migrations.helpers import add_column_if_missing


def upgrade(db):
    """Add staffuser.session_epoch where it is missing."""
    add_column_if_missing(db, "staffuser", "session_epoch", IntegerField(default=0))
