"""The outbox records how many SMS segments each sent message took (the dashboard's cost estimate)."""
from peewee import IntegerField

from migrations.helpers import add_column_if_missing


def upgrade(db):
    """Add outbox.segments to a database made before this migration."""
    add_column_if_missing(db, "outboxmessage", "segments", IntegerField(null=True))
