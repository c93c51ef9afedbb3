"""The dashboard at a million rows: one index that counts a regency's (or all) charts by itself."""
from migrations.helpers import add_index_if_missing

DASHBOARD = ("year", "region", "status", "occupation", "channel", "created_at")


def upgrade(db):
    """Add the dashboard's covering index where it is missing (models.py declares it too)."""
    add_index_if_missing(db, "registration", list(DASHBOARD))
